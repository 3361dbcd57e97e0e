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


@cache
def _validator(kind: str) -> Draft4Validator:
    return Draft4Validator(_load(f"{kind}-package-schema.json"), registry=_registry(),
                           format_checker=FormatChecker())


def package_errors(package: dict) -> list[str]:
    """Every schema error of a release or record package, as `path: message`; empty when it is valid."""
    kind = "record" if "records" in package else "release"
    errors = sorted(_validator(kind).iter_errors(package), key=lambda error: list(error.absolute_path))
    return [f"{'/'.join(str(part) for part in error.absolute_path)}: {error.message}" for error in errors]
