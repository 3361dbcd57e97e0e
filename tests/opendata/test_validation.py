"""`package_errors` validates a package's envelope, each release or record on its own and their uniqueness with
a set: the same errors as the whole package schema (whose `uniqueItems` compares every pair of items), found in
linear time."""

import copy

import pytest
from jsonschema._utils import uniq

from innokop.opendata.validation import _duplicate, _validator, package_errors


def _release(number: int, **extra) -> dict:
    return {"ocid": "ocds-xxxxxx-1", "id": f"ocds-xxxxxx-1-{number}", "date": "2026-01-01T00:00:00Z",
            "tag": ["tender"], "initiationType": "tender", "tender": {"id": "1"}, **extra}


def _envelope() -> dict:
    return {"uri": "https://example.org/p", "version": "1.1", "publishedDate": "2026-01-01T00:00:00Z",
            "publisher": {"name": "x"}}


def _release_package(releases: list[dict]) -> dict:
    return {**_envelope(), "releases": releases}


def _record_package(records: list[dict]) -> dict:
    return {**_envelope(), "packages": ["https://example.org/p"], "records": records}


def _record(number: int) -> dict:
    release = _release(number, ocid=f"ocds-xxxxxx-{number}")
    return {"ocid": release["ocid"], "releases": [release], "compiledRelease": copy.deepcopy(release)}


def _whole_schema_errors(package: dict) -> list[str]:
    """The errors of the whole package schema in one validator, as `package_errors` gave them before."""
    kind = "record" if "records" in package else "release"
    errors = sorted(_validator(kind).iter_errors(package), key=lambda error: list(error.absolute_path))
    return sorted(f"{'/'.join(str(part) for part in error.absolute_path)}: {error.message}" for error in errors)


def test_valid_packages_have_no_errors():
    assert package_errors(_release_package([_release(1), _release(2)])) == []
    assert package_errors(_record_package([_record(1), _record(2)])) == []


@pytest.mark.parametrize("package", [
    _release_package([_release(1), _release(2, date="yesterday", tender={"id": "1", "techniques": {
        "hasFrameworkAgreement": "yes"}})]),
    _release_package([_release(1, tag="tender"), {"id": "x"}]),
    _release_package([]),
    {**_envelope(), "version": "one", "releases": "none"},
    {"releases": [_release(1, buyer={"id": 3})]},
    _record_package([_record(1), {**_record(2), "compiledRelease": {"ocid": 2}}]),
    _record_package([{"releases": [{"url": "not a date"}]}]),
], ids=["bad-fields", "missing-fields", "empty", "bad-envelope", "no-envelope", "bad-compiled", "bad-linked"])
def test_an_invalid_item_or_envelope_gives_the_whole_schemas_errors(package):
    errors = package_errors(package)
    assert errors
    assert sorted(errors) == _whole_schema_errors(package)


@pytest.mark.parametrize("package, key", [
    (_release_package([_release(1), _release(2), _release(1)]), "releases"),
    (_record_package([_record(1), _record(1)]), "records"),
], ids=["releases", "records"])
def test_a_duplicated_item_is_found_as_by_the_whole_schema(package, key):
    before = _whole_schema_errors(package)
    assert len(before) == 1 and before[0].startswith(f"{key}: ") and before[0].endswith("has non-unique elements")
    errors = package_errors(package)
    assert len(errors) == 1 and errors[0].startswith(f"{key}: has non-unique elements")
    last = len(package[key]) - 1
    assert errors[0].endswith(f"(items 0 and {last} are equal)")


def test_a_duplicate_beside_an_invalid_release_gives_both_errors():
    broken = _release(2, date="yesterday")
    package = _release_package([_release(1), broken, copy.deepcopy(broken)])
    errors = package_errors(package)
    assert errors[0] == "releases: has non-unique elements (items 1 and 2 are equal)"
    assert sorted(errors[1:]) == [e for e in _whole_schema_errors(package) if not e.startswith("releases: ")]
    assert len(errors) == 3


@pytest.mark.parametrize("items", [
    [{"a": 1}, {"a": 1.0}], [{"a": True}, {"a": 1}], [{"a": [1, 2]}, {"a": [2, 1]}], [{"a": 1, "b": 2}, {"b": 2, "a": 1}],
    [{"a": None}, {"a": False}], [{"a": "1"}, {"a": 1}], [{"a": {"b": [True]}}, {"a": {"b": [True]}}], [[0], [False]],
])
def test_items_are_equal_exactly_when_the_schema_holds_them_equal(items):
    assert (_duplicate(items) is None) == bool(uniq(items))
