"""One refusal type (core/refusals.py): every service says no the same way, and the API and pages show it one way."""

import ast
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from innokop.accounts.services import AccountError
from innokop.agreements.services import AgreementError
from innokop.calloffs.evaluation import EvaluationError
from innokop.calloffs.record import RecordError
from innokop.calloffs.sealing import DecryptionError, LateTenderError
from innokop.calloffs.services import CallOffError
from innokop.calloffs.services.tenders import Problem, TenderIncomplete
from innokop.calloffs.tender_content import TenderContentError
from innokop.catalogue.services import CatalogueError
from innokop.core.audit import AuditChainError
from innokop.core.forms import add_service_errors
from innokop.core.models import AppendOnlyError
from innokop.core.refusals import Refused, refusal_body

pytestmark = pytest.mark.usefixtures("english")

SOURCE = Path(__file__).resolve().parents[2] / "src" / "innokop"
REFUSALS = [AccountError, AgreementError, CallOffError, CatalogueError, EvaluationError, RecordError,
            TenderIncomplete]


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_no_module_outside_core_defines_its_own_refusal_decorator():
    defined = [f"{path.relative_to(SOURCE)}:{node.lineno}"
               for path in SOURCE.rglob("*.py") if path.relative_to(SOURCE).parts[0] != "core"
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "refusals"]
    assert defined == []


@pytest.mark.parametrize("error", REFUSALS)
def test_every_domain_refusal_is_refused_with_a_stable_code_of_its_own(error):
    assert issubclass(error, Refused) and error.code != Refused.code
    assert len({e.code for e in REFUSALS}) == len(REFUSALS)


@pytest.mark.parametrize("failure", [DecryptionError, LateTenderError, TenderContentError, AuditChainError,
                                     AppendOnlyError])
def test_failures_that_are_not_a_users_mistake_are_not_refusals(failure):
    """They are never shown as a reason: the service that meets one says what it means in words of its own."""
    assert not issubclass(failure, Refused)


def test_evaluation_errors_are_still_value_errors():
    assert issubclass(EvaluationError, ValueError)


def test_the_api_body_has_the_reason_the_code_and_the_problems():
    error = TenderIncomplete([Problem("total_price", "Ange totalpriset.")])
    assert refusal_body(error) == {"detail": "The tender cannot be submitted yet: Ange totalpriset.",
                                   "code": "tender_incomplete",
                                   "problems": [{"field": "total_price", "message": "Ange totalpriset."}]}
    assert refusal_body(CallOffError("Nej.", code="deadline_passed", status=409)) == {
        "detail": "Nej.", "code": "deadline_passed", "problems": []}
    assert refusal_body(ValidationError({"file": ["För stor."]})) == {
        "detail": "För stor.", "code": "invalid", "problems": [{"field": "file", "message": "För stor."}]}


def test_a_refusal_may_say_that_the_state_does_not_allow_it():
    assert CallOffError("Nej.").status == 400
    assert CallOffError("Nej.", status=409).status == 409


class _PriceForm(forms.Form):
    total_price = forms.DecimalField(required=False)


def test_a_page_shows_the_refusal_at_the_top_and_its_problems_on_their_fields():
    form = _PriceForm({})
    form.is_valid()
    add_service_errors(form, TenderIncomplete([Problem("total_price", "Ange totalpriset."),
                                               Problem("meets_7", "Svara på kravet.")]))
    assert form.non_field_errors() == ["The tender cannot be submitted yet: Ange totalpriset. Svara på kravet."]
    assert form.errors["total_price"] == ["Ange totalpriset."]


def test_a_page_shows_a_validation_error_on_its_field():
    form = _PriceForm({})
    form.is_valid()
    add_service_errors(form, ValidationError({"total_price": "För högt.", "other": "Okänt fält."}))
    assert form.errors["total_price"] == ["För högt."] and form.non_field_errors() == ["Okänt fält."]
