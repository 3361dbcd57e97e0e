"""Step 2 of the start flow: what each evaluated requirement is worth (value-added method) and the fixed price."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from innokop.calloffs import services
from innokop.calloffs.models import CallOff

from .conftest import prepare, start

pytestmark = pytest.mark.django_db



@pytest.fixture
def models_lot(lot, published):
    """Lot 1 allowing every model, with two evaluated requirements (and the mandatory K1, K2)."""
    lot.evaluation_models = ["price_quality", "value_added", "fixed_price"]
    lot.save()
    published.requirements.create(lot=lot, identifier="E1", text="Svar inom en timme", kind="evaluated",
                                  category="quality", followup_method="audit", followup_frequency="once")
    published.requirements.create(identifier="E2", text="Fossilfri drift", kind="evaluated",
                                  category="sustainability", followup_method="audit", followup_frequency="once")
    return lot


@pytest.fixture
def va_draft(models_lot, agency_procurer, clock):
    return start(agency_procurer, models_lot)


@pytest.fixture
def evaluated(va_draft):
    return {r.identifier: r for r in va_draft.requirements.filter(kind="evaluated")}


def _criteria(calloff):
    return {c.name: c.pk for c in calloff.lot.criteria.all()}


def _save(calloff, actor, **data):
    return services.calloff_update_step(actor=actor, calloff=calloff, step="evaluation",
                                        data={"price_weight": None, "weights": {}} | data)


def _fixed(calloff, actor, price):
    criteria = _criteria(calloff)
    return _save(calloff, actor, evaluation_model="fixed_price", fixed_price=price,
                 weights={criteria["Pris"]: 60, criteria["Kvalitet"]: 40})


# The service

def test_the_value_of_each_evaluated_requirement_is_stored(va_draft, agency_procurer, evaluated):
    e1, e2 = evaluated["E1"], evaluated["E2"]
    _save(va_draft, agency_procurer, evaluation_model="value_added",
          requirement_values={str(e1.pk): {"amount": "100000"}, str(e2.pk): {"percent": "5"}})
    va_draft.refresh_from_db()
    assert va_draft.requirement_values == {str(e1.pk): {"amount": "100000"}, str(e2.pk): {"percent": "5"}}
    assert va_draft.fixed_price is None
    assert va_draft.tie_rules == ["larger_deduction", "lower_price", "draw_lots"]


ABOVE_0, AT_MOST_100 = "Give what E1 is worth, above 0.", "A percentage of the price can be at most 100."
KIND = "Choose whether E1 is worth an amount or a percentage."


@pytest.mark.parametrize(("value", "messages"), [
    ({}, {"kind": KIND, "value": ABOVE_0}), ({"amount": "0"}, {"value": ABOVE_0}),
    ({"amount": "-5"}, {"value": ABOVE_0}), ({"percent": "101"}, {"value": AT_MOST_100}),
    ({"percent": "0"}, {"value": ABOVE_0}), ({"amount": "1", "percent": "1"}, {"kind": KIND, "value": ABOVE_0}),
    ({"amount": "tio"}, {"value": ABOVE_0}), ({"amount": "NaN"}, {"value": ABOVE_0}), ({"share": "5"}, {"kind": KIND}),
])
def test_a_missing_or_impossible_value_is_refused(va_draft, agency_procurer, evaluated, value, messages):
    """The service decides, with the messages the page shows (the form only pre-checks with the same rule)."""
    e1, e2 = evaluated["E1"], evaluated["E2"]
    with pytest.raises(ValidationError) as refused:
        _save(va_draft, agency_procurer, evaluation_model="value_added",
              requirement_values={str(e1.pk): value, str(e2.pk): {"amount": "50000"}})
    fields = {"kind": f"value_kind_{e1.pk}", "value": f"value_{e1.pk}"}
    assert {field: errors[0].messages[0] for field, errors in refused.value.error_dict.items()} == {
        fields[key]: message for key, message in messages.items()}
    va_draft.refresh_from_db()
    assert va_draft.evaluation_model == "" and va_draft.requirement_values == {}


def test_value_added_without_evaluated_requirements_is_refused(lot, agency_procurer, clock):
    lot.evaluation_models = ["value_added"]
    lot.save()
    draft = start(agency_procurer, lot)  # lot 1 has only mandatory requirements
    with pytest.raises(ValidationError, match="needs evaluated requirements"):
        _save(draft, agency_procurer, evaluation_model="value_added", requirement_values={})


def test_the_fixed_price_is_stored(va_draft, agency_procurer):
    _fixed(va_draft, agency_procurer, Decimal("1250000.50"))
    va_draft.refresh_from_db()
    assert va_draft.fixed_price == Decimal("1250000.50") and va_draft.requirement_values == {}
    assert va_draft.price_weight == 0


@pytest.mark.parametrize("price", [None, Decimal(0), Decimal(-1)])
def test_a_missing_fixed_price_is_refused(va_draft, agency_procurer, price):
    with pytest.raises(ValidationError) as refused:
        _fixed(va_draft, agency_procurer, price)
    assert refused.value.message_dict == {"fixed_price": ["State the fixed price in SEK excluding VAT, above 0."]}


def test_changing_the_model_clears_what_no_longer_applies(va_draft, agency_procurer, evaluated):
    _fixed(va_draft, agency_procurer, Decimal(900_000))
    values = {str(r.pk): {"amount": "1000"} for r in evaluated.values()}
    _save(va_draft, agency_procurer, evaluation_model="value_added", requirement_values=values)
    va_draft.refresh_from_db()
    assert va_draft.fixed_price is None and va_draft.requirement_values == values
    criteria = _criteria(va_draft)
    _save(va_draft, agency_procurer, evaluation_model="price_quality", price_weight=10,
          weights={criteria["Pris"]: 50, criteria["Kvalitet"]: 40})
    va_draft.refresh_from_db()
    assert va_draft.requirement_values == {} and va_draft.fixed_price is None


def test_publication_refuses_value_added_without_values(va_draft, agency_procurer, evaluated):
    prepare(agency_procurer, va_draft)
    _save(va_draft, agency_procurer, evaluation_model="value_added",
          requirement_values={str(r.pk): {"percent": "2.5"} for r in evaluated.values()})
    va_draft.refresh_from_db()
    assert services.publication_problems(va_draft) == []
    CallOff.objects.filter(pk=va_draft.pk).update(requirement_values={str(evaluated["E1"].pk): {"percent": "2.5"}})
    va_draft.refresh_from_db()
    assert services.publication_problems(va_draft) == [
        "Give the value of every evaluated requirement (the value-added method)."]
    with pytest.raises(services.CallOffError, match="Give the value of every evaluated requirement"):
        services.calloff_publish(actor=agency_procurer, calloff=va_draft)


def test_publication_refuses_fixed_price_without_the_price(va_draft, agency_procurer):
    prepare(agency_procurer, va_draft)
    _fixed(va_draft, agency_procurer, Decimal(500_000))
    va_draft.refresh_from_db()
    assert services.publication_problems(va_draft) == []
    CallOff.objects.filter(pk=va_draft.pk).update(fixed_price=None)
    va_draft.refresh_from_db()
    assert services.publication_problems(va_draft) == ["State the fixed price (fixed price, best quality)."]


# The page

def _url(calloff):
    return reverse("calloffs:calloff_evaluation", args=[calloff.pk])


def test_the_page_asks_the_value_of_each_evaluated_requirement(login, va_draft, evaluated):
    page = login(va_draft.created_by).get(_url(va_draft)).content.decode()
    assert "Value-added method: what each evaluated requirement is worth" in page
    for requirement in evaluated.values():
        assert f'name="value_kind_{requirement.pk}"' in page and f'name="value_{requirement.pk}"' in page
        assert requirement.text in page
    assert 'name="fixed_price"' in page
    form = page.split('id="main"')[1].split("Save and continue")[0]
    assert ">K1<" not in form and "What is K1 worth" not in form  # mandatory requirements have no value


def test_values_saved_on_the_page_are_shown_again(login, va_draft, evaluated, agency_procurer):
    e1, e2 = evaluated["E1"], evaluated["E2"]
    client = login(agency_procurer)
    response = client.post(_url(va_draft), {
        "evaluation_model": "value_added", f"value_kind_{e1.pk}": "amount", f"value_{e1.pk}": "100000",
        f"value_kind_{e2.pk}": "percent", f"value_{e2.pk}": "5"})
    assert response["Location"] == reverse("calloffs:calloff_timetable", args=[va_draft.pk])
    va_draft.refresh_from_db()
    assert va_draft.requirement_values == {str(e1.pk): {"amount": "100000"}, str(e2.pk): {"percent": "5"}}
    page = client.get(_url(va_draft)).content.decode()
    assert f'name="value_{e1.pk}" value="100000"' in page
    assert 'value="percent" checked' in page


def test_errors_on_the_page_keep_what_was_typed(login, va_draft, evaluated, agency_procurer):
    e1, e2 = evaluated["E1"], evaluated["E2"]
    response = login(agency_procurer).post(_url(va_draft), {
        "evaluation_model": "value_added", f"value_kind_{e1.pk}": "percent", f"value_{e1.pk}": "150",
        f"value_{e2.pk}": "20000"})
    text = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in text
    assert "A percentage of the price can be at most 100." in text
    assert "Choose whether E2 is worth an amount or a percentage." in text
    assert f'href="#id_value_{e1.pk}"' in text and f'href="#id_value_kind_{e2.pk}"' in text
    assert f'name="value_{e1.pk}" value="150"' in text and f'name="value_{e2.pk}" value="20000"' in text
    va_draft.refresh_from_db()
    assert va_draft.evaluation_model == ""


def test_the_fixed_price_on_the_page(login, va_draft, agency_procurer):
    criteria = _criteria(va_draft)
    client = login(agency_procurer)
    weights = {f"weight_{criteria['Pris']}": "60", f"weight_{criteria['Kvalitet']}": "40"}
    missing = client.post(_url(va_draft), {"evaluation_model": "fixed_price"} | weights)
    assert "State the fixed price in SEK excluding VAT, above 0." in missing.content.decode()
    client.post(_url(va_draft), {"evaluation_model": "fixed_price", "fixed_price": "750000"} | weights)
    va_draft.refresh_from_db()
    assert va_draft.fixed_price == Decimal(750_000)


def test_a_lot_without_those_models_does_not_ask(login, draft, agency_procurer):
    page = login(agency_procurer).get(_url(draft)).content.decode()
    assert "value_kind_" not in page and 'name="fixed_price"' not in page
