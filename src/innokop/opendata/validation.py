"""Validation of OCDS packages against the 1.1.5 schemas patched with the lots, techniques and competitive
extensions, offline: the files are in `schema/` (their source in schema/SOURCE.md) and a local `referencing`
registry answers the schemas' absolute URLs, so nothing is fetched from the network."""

import copy
import json
from functools import cache
from pathlib import Path

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
BASE_URL = "https://standard.open-contracting.org/schema/1__1__5/"
EXTENSIONS = ("lots", "techniques", "competitive")


def _load(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


def merge_patch(target, patch):
    """JSON Merge Patch (RFC 7386), as the extensions are applied to the release schema."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


@cache
def patched_release_schema() -> dict:
    schema = _load("release-schema.json")
    for extension in EXTENSIONS:
        schema = merge_patch(schema, _load(f"extensions/{extension}-release-schema.json"))
    return schema


def _drop_dangling(node, definitions: set[str]):
    """The schema without the properties whose `$ref` names a definition it lacks."""
    if isinstance(node, list):
        return [_drop_dangling(item, definitions) for item in node]
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        ref = value.get("$ref", "") if isinstance(value, dict) else ""
        if ref.startswith("#/definitions/") and ref.removeprefix("#/definitions/") not in definitions:
            continue
        result[key] = _drop_dangling(value, definitions)
    return result


@cache
def merge_schema() -> dict:
    """The patched release schema for `ocdsmerge`, which resolves every reference at once: the lots extension
    refers to `SubmissionTerms` of another extension (the submission terms one, not shipped), so `Lot.
    submissionTerms`, which Innoköp never publishes, is left out."""
    schema = patched_release_schema()
    return _drop_dangling(schema, set(schema["definitions"]))


@cache
def _registry() -> Registry:
    release = Resource.from_contents(patched_release_schema(), default_specification=DRAFT4)
    return Registry().with_resources([(f"{BASE_URL}release-schema.json", release)])


def _package_schema(kind: str) -> dict:
    return _load(f"{kind}-package-schema.json")


@cache
def _validator(kind: str) -> Draft4Validator:
    """The whole package schema, as published: `package_errors` gives the same errors in linear time."""
    return Draft4Validator(_package_schema(kind), registry=_registry(), format_checker=FormatChecker())


@cache
def _envelope_validator(kind: str) -> Draft4Validator:
    """The package schema without the items of its `releases` or `records` and their `uniqueItems`, which
    `package_errors` checks one item at a time and with a set."""
    schema = _package_schema(kind)
    items = schema["properties"][f"{kind}s"]
    items.pop("items")
    items.pop("uniqueItems")
    return Draft4Validator(schema, registry=_registry(), format_checker=FormatChecker())


@cache
def _item_validator(kind: str) -> Draft4Validator:
    """One release or record, against the items schema of its package (with the package's definitions and
    base URI, which its references resolve against)."""
    package = _package_schema(kind)
    schema = {"id": package["id"], "definitions": package.get("definitions", {}),
              "allOf": [package["properties"][f"{kind}s"]["items"]]}
    return Draft4Validator(schema, registry=_registry(), format_checker=FormatChecker())


def _equal_key(value):
    """A hashable key equal for two JSON values exactly when `uniqueItems` holds them equal (jsonschema's
    `equal`: objects by keys and values, arrays in order, 1 == 1.0 but true != 1)."""
    if isinstance(value, dict):
        return ("object", frozenset((key, _equal_key(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ("array", tuple(_equal_key(item) for item in value))
    if isinstance(value, bool):
        return ("boolean", value)
    return ("value", value)


def _duplicate(items: list) -> tuple[int, int] | None:
    seen: dict = {}
    for index, item in enumerate(items):
        first = seen.setdefault(_equal_key(item), index)
        if first != index:
            return first, index
    return None


def package_errors(package: dict) -> list[str]:
    """Every schema error of a release or record package, as `path: message`; empty when it is valid.

    The package schema's `uniqueItems` on `releases` (and `records`) makes a plain validator compare every
    pair of items (168 s for 12 241 releases): the envelope is validated without the items, each item on its
    own against the same items schema, and their uniqueness with a set of keys that compare as the schema's
    equality does. The errors are the schema's; only a duplicate's message names the two items instead of
    repeating the whole array."""
    kind = "record" if "records" in package else "release"
    key = f"{kind}s"
    found = [(list(error.absolute_path), error.message) for error in _envelope_validator(kind).iter_errors(package)]
    items = package.get(key)
    if isinstance(items, list):
        validator = _item_validator(kind)
        for index, item in enumerate(items):
            found += [([key, index, *error.absolute_path], error.message) for error in validator.iter_errors(item)]
        duplicate = _duplicate(items)
        if duplicate:
            found.append(([key], f"has non-unique elements (items {duplicate[0]} and {duplicate[1]} are equal)"))
    found.sort(key=lambda error: error[0])
    return [f"{'/'.join(str(part) for part in path)}: {message}" for path, message in found]
