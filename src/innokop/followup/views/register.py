"""Pages of the contract register: the list, a contract's register page with its whole history, and one form
per change (each with its reason)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from innokop.agreements.models import FrameworkAgreement
from innokop.core import clock
from innokop.core.calendar import local_date
from innokop.core.forms import add_service_errors, posted
from innokop.core.refusals import REFUSALS

from ..models import ContractOption, ContractRecord, ContractReferenceCase
from ..permissions import contracts_kept_by, contracts_visible_to, get_contract_for_register
from ..register_forms import (
    ChangeForm,
    CompleteForm,
    DetailsForm,
    OptionForm,
    OptionUseForm,
    ReferenceCaseForm,
    RegisterFilterForm,
)
from ..services import register as services


def _today():
    return local_date(clock.now())


@login_required
@require_safe
def contract_register(request):
    contracts = contracts_visible_to(request.actor)
    agreements = FrameworkAgreement.objects.filter(pk__in=contracts.values("calloff__lot__agreement")).order_by(
        "reference")
    form = RegisterFilterForm(request.GET or None, agreements=agreements)
    services.records_for(contracts)
    records = ContractRecord.objects.filter(contract__in=contracts).with_related()
    if form.is_valid():
        if form.cleaned_data["state"]:
            records = services.in_state(records, form.cleaned_data["state"], _today())
        if form.cleaned_data["agreement"]:
            records = records.filter(contract__calloff__lot__agreement_id=form.cleaned_data["agreement"])
    today = _today()
    return render(request, "followup/register/list.html", {
        "form": form, "rows": [(record, record.state(today)) for record in records], "today": today})


def _context(request, contract, **extra) -> dict:
    record = services.record_of(contract)
    return {"contract": contract, "record": record, "calloff": contract.calloff, "agreement": record.agreement,
            "keeps": contracts_kept_by(request.actor).filter(pk=contract.pk).exists(), "today": _today(),
            "state": record.state(_today()), "days_left": record.days_left(_today()), **extra}


@login_required
@require_safe
def contract_record(request, pk: int):
    contract = get_contract_for_register(request.actor, pk)
    context = _context(request, contract)
    record = context["record"]
    changes = list(record.changes.select_related("created_by"))
    for change in changes:
        change.warning_texts = [services.warning_text(w) for w in change.warnings]
    link = ContractReferenceCase.objects.filter(record=record).select_related("case", "solution").first()
    return render(request, "followup/register/detail.html", {
        **context, "options": list(record.options.select_related("created_by", "used_by")), "changes": changes,
        "alerts": list(record.alerts.all()), "case_link": link,
        "requirements": contract.requirements.order_by("identifier")})


def _form_page(request, template: str, contract, form, **extra):
    return render(request, f"followup/register/{template}.html", _context(request, contract, form=form, **extra),
                  status=422 if request.method == "POST" else 200)


def _done(request, contract, message: str):
    messages.success(request, message)
    return redirect("followup:contract_record", contract.pk)


@login_required
@require_http_methods(["GET", "POST"])
def contract_details(request, pk: int):
    contract = get_contract_for_register(request.actor, pk, write=True)
    record = services.record_of(contract)
    form = DetailsForm(posted(request), initial={"registration_number": record.registration_number,
                                                 "kind": record.kind})
    if form.is_valid():
        try:
            services.contract_details_set(actor=request.user, record=record, **form.cleaned_data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            return _done(request, contract, _("The register details are saved."))
    return _form_page(request, "details", contract, form)


@login_required
@require_http_methods(["GET", "POST"])
def option_add(request, pk: int):
    contract = get_contract_for_register(request.actor, pk, write=True)
    form = OptionForm(posted(request))
    if form.is_valid():
        try:
            services.contract_option_add(actor=request.user, record=services.record_of(contract), **form.cleaned_data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            return _done(request, contract, _("The option is recorded."))
    return _form_page(request, "option_add", contract, form)


@login_required
@require_http_methods(["GET", "POST"])
def option_use(request, pk: int, option_pk: int):
    contract = get_contract_for_register(request.actor, pk, write=True)
    option = ContractOption.objects.filter(record__contract=contract, pk=option_pk).first()
    if option is None:
        raise Http404
    form = OptionUseForm(posted(request))
    if form.is_valid():
        try:
            services.contract_option_use(actor=request.user, option=option, **form.cleaned_data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            return _done(request, contract, _("The option is used."))
    return _form_page(request, "option_use", contract, form, option=option)


@login_required
@require_http_methods(["GET", "POST"])
def change_add(request, pk: int):
    """A change: the warnings of LOU 17 kap. are shown first, and the agency confirms to record it anyway."""
    contract = get_contract_for_register(request.actor, pk, write=True)
    record = services.record_of(contract)
    form, check = ChangeForm(posted(request)), None
    if form.is_valid():
        data = form.cleaned_data
        check = services.change_check(record, data["reason"], record.value, data["value_after"], _today())
        if check.warnings and not request.POST.get("confirm"):
            form = ChangeForm(request.POST, warned=True)
            form.is_valid()
        else:
            try:
                services.contract_change_record(actor=request.user, record=record, reason=data["reason"],
                                                description=data["description"], value_after=data["value_after"])
            except REFUSALS as error:
                add_service_errors(form, error)
            else:
                return _done(request, contract, _("The change is recorded.") if not check.warnings else
                             _("The change is recorded with its warning."))
    return _form_page(request, "change_add", contract, form, warnings=check.texts if check else [])


@login_required
@require_http_methods(["GET", "POST"])
def contract_complete(request, pk: int):
    contract = get_contract_for_register(request.actor, pk, write=True)
    form = CompleteForm(posted(request))
    if form.is_valid():
        try:
            services.contract_complete(actor=request.user, record=services.record_of(contract), **form.cleaned_data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            return _done(request, contract, _("The contract is completed."))
    return _form_page(request, "complete", contract, form)


@login_required
@require_http_methods(["GET", "POST"])
def reference_case_write(request, pk: int):
    contract = get_contract_for_register(request.actor, pk, write=True)
    record = services.record_of(contract)
    solutions = list(services.solutions_for_case(record))
    form = ReferenceCaseForm(posted(request), solutions=solutions)
    if form.is_valid():
        data = dict(form.cleaned_data)
        solution = next(s for s in solutions if str(s.pk) == data.pop("solution"))
        try:
            services.contract_reference_case_write(actor=request.user, record=record, solution=solution, **data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            return _done(request, contract, _("Thank you. The reference case shows on the solution page once the "
                                              "purchasing body has approved it."))
    return _form_page(request, "reference_case", contract, form, solutions=solutions)
