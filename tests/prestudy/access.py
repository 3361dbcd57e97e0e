"""Access-matrix rows for pre-studies and needs (see tests/test_access_matrix.py and DESIGN.md §5): a pre-study
is its purchasing body's; a public need is anyone's to read, an internal one its agency's and the purchasing
body's; only the agency changes its need, only another agency joins it, only the purchasing body takes it up."""

from datetime import timedelta

from django.urls import reverse

from innokop.accounts.models import OrganisationKind, Role
from innokop.prestudy import services
from innokop.prestudy.services import market, surveys

from ..access import AGENCY_READS, API_AUTH, OPEN, Row, static
from ..factories import OrganisationFactory, member
from .conftest import need_input, prestudy_input

CPB_PAGE = {"anonymous": 302, "cpb": 200, "*": 403}
CPB_CASE = {"anonymous": 302, "cpb": 200, "*": 404}
AGENCY_PAGE = {"anonymous": 302, "agency": 200, "colleague": 200, "*": 403}
# A page that changes something public of the purchasing body (a published request): others who see it get 403.
CPB_CHANGES_PUBLIC = {"anonymous": 302, "cpb": 200, "*": 403}
RFI_ANSWER = {"anonymous": 302, "supplier": 200, "cpb": 200, "*": 404}
# An internal need: its agency and the purchasing body; nobody else learns it exists.
INTERNAL = {"anonymous": 404, "agency": 200, "colleague": 200, "cpb": 200, "*": 404}


def build(world) -> None:
    cpb_user, agency_user = world.users["cpb"], world.users["agency"]
    prestudy = services.prestudy_create(actor=cpb_user, owner=world.extra["cpb"], given=prestudy_input())
    public = services.need_create(actor=agency_user, agency=world.extra["agency"], given=need_input())
    internal = services.need_create(actor=agency_user, agency=world.extra["agency"],
                                    given=need_input(title="Internt behov", is_public=False))
    other = OrganisationFactory(kind=OrganisationKind.AGENCY, name="Grannkommunen")
    joiner = member(other, Role.PROCURER)
    interest = services.need_join(actor=joiner, need=public, agency=other, volume=10, needed_year=2028)
    world.extra.update(prestudy=prestudy, public_need=public, internal_need=internal, interest=interest)
    _build_surveys(world, prestudy)
    _build_market(world, prestudy)
    _build_public_documents(world)


def _build_surveys(world, prestudy) -> None:
    cpb_user, deadline = world.users["cpb"], world.now + timedelta(days=20)
    draft = surveys.survey_create(actor=cpb_user, prestudy=prestudy, title="Utkast", introduction="I",
                                  deadline=deadline, agencies=[world.extra["agency"]])
    question = surveys.survey_question_add(actor=cpb_user, survey=draft, kind="text", text="Vad behöver ni?")
    sent = surveys.survey_create(actor=cpb_user, prestudy=prestudy, title="Skickad", introduction="I",
                                 deadline=deadline, agencies=[world.extra["agency"]])
    surveys.survey_question_add(actor=cpb_user, survey=sent, kind="number", text="Hur många?")
    surveys.survey_send(actor=cpb_user, survey=sent)
    world.extra.update(draft_survey=draft, draft_question=question, sent_survey=sent)


def _build_market(world, prestudy) -> None:
    cpb_user, deadline = world.users["cpb"], world.now + timedelta(days=20)
    draft = market.market_dialogue_create(actor=cpb_user, prestudy=prestudy, title="Utkast", description="D",
                                          questions="Fråga", deadline=deadline)
    published = market.market_dialogue_create(actor=cpb_user, prestudy=prestudy, title="Publicerad",
                                              description="D", questions="Fråga", deadline=deadline)
    market.market_dialogue_publish(actor=cpb_user, dialogue=published)
    response = market.rfi_answer(actor=world.users["supplier"], dialogue=published,
                                 supplier=world.extra["supplier_org"], answers=["Svar"])
    slot = market.meeting_offer(actor=cpb_user, dialogue=published, starts_at=world.now + timedelta(days=2),
                                minutes_long=60, place="Teams")
    world.extra.update(draft_rfi=draft, rfi=published, rfi_response=response, slot=slot)


def _build_public_documents(world) -> None:
    """A request for the RFI answer registered, one under review, one decided with its copy; the supplier's tender of
    tests/calloffs/access_tenders.py for its secrecy request."""
    from django.contrib.auth.models import AnonymousUser

    from innokop.calloffs.models import Tender
    from innokop.prestudy.services import documents

    cpb_user, rfi, response = world.users["cpb"], world.extra["rfi"], world.extra["rfi_response"]

    def ask():
        return documents.document_request_register(actor=AnonymousUser(), dialogue=rfi, description="Svaret")

    registered, reviewing, decided = ask(), ask(), ask()
    for request in (reviewing, decided):
        documents.document_request_review(actor=cpb_user, request=request, document_pk=response.pk)
    for part in decided.parts.all():
        documents.document_request_part_decide(actor=cpb_user, request=decided, part=part, released=True)
    documents.document_request_decide(actor=cpb_user, request=decided, reasons="Ingen sekretess.")
    world.extra.update(document_request=registered, document_request_reviewing=reviewing,
                       document_request_decided=decided,
                       own_tender=Tender.objects.get(calloff=world.extra["tender_calloff"]))


def _token_url(name: str, key: str):
    from innokop.prestudy.services.documents import request_token

    return lambda w: reverse(name, args=[request_token(w.extra[key])])


def _slot_url(name: str):
    return lambda w: reverse(name, args=[w.extra["rfi"].pk, w.extra["slot"].pk])


def _url(name: str, key: str, *extra):
    return lambda w: reverse(name, args=[w.extra[key].pk, *extra])


ROWS = {
    "prestudy:prestudy_list": Row(static("prestudy:prestudy_list"), CPB_PAGE),
    "prestudy:prestudy_create": Row(static("prestudy:prestudy_create"), CPB_PAGE),
    "prestudy:prestudy_detail": Row(_url("prestudy:prestudy_detail", "prestudy"), CPB_CASE),
    "prestudy:prestudy_edit": Row(_url("prestudy:prestudy_edit", "prestudy"), CPB_CASE),
    "prestudy:prestudy_advance": Row(_url("prestudy:prestudy_advance", "prestudy", "collecting"), CPB_CASE),
    "prestudy:prestudy_decide": Row(_url("prestudy:prestudy_decide", "prestudy"), CPB_CASE),
    "prestudy:survey_create": Row(_url("prestudy:survey_create", "prestudy"), CPB_CASE),
    "prestudy:survey_detail": Row(_url("prestudy:survey_detail", "sent_survey"), CPB_CASE),
    "prestudy:survey_edit": Row(_url("prestudy:survey_edit", "draft_survey"), CPB_CASE),
    "prestudy:survey_question_add": Row(_url("prestudy:survey_question_add", "draft_survey"), CPB_CASE),
    "prestudy:survey_question_remove": Row(
        lambda w: reverse("prestudy:survey_question_remove", args=[w.extra["draft_survey"].pk,
                                                                   w.extra["draft_question"].pk]),
        {"anonymous": 302, "cpb": 302, "*": 404}, "post"),
    "prestudy:survey_send": Row(_url("prestudy:survey_send", "draft_survey"), {"anonymous": 302, "cpb": 302, "*": 404},
                                "post"),
    # The agencies the survey went to answer it; nobody else learns of it.
    "prestudy:survey_answer": Row(_url("prestudy:survey_answer", "sent_survey"), AGENCY_READS),
    "prestudy:rfi_create": Row(_url("prestudy:rfi_create", "prestudy"), CPB_CASE),
    "prestudy:contact_log": Row(_url("prestudy:contact_log", "prestudy"), CPB_CASE),
    "prestudy:market_entry_add": Row(_url("prestudy:market_entry_add", "prestudy"), CPB_CASE),
    "prestudy:rfi_list": Row(static("prestudy:rfi_list"), OPEN),
    # A draft request is its purchasing body's; a published one is public (tests/prestudy/test_market.py).
    "prestudy:rfi_detail": Row(_url("prestudy:rfi_detail", "draft_rfi"), {"anonymous": 404, "cpb": 200, "*": 404}),
    # A published request no longer changes: the page says so (its purchasing body) with the refusal on a post.
    "prestudy:rfi_edit": Row(_url("prestudy:rfi_edit", "draft_rfi"), CPB_CASE),
    "prestudy:rfi_document_add": Row(_url("prestudy:rfi_document_add", "rfi"), CPB_CHANGES_PUBLIC),
    "prestudy:rfi_publish": Row(_url("prestudy:rfi_publish", "draft_rfi"), {"anonymous": 302, "cpb": 302, "*": 404},
                                "post"),
    # Any registered supplier answers a published request; nobody else.
    "prestudy:rfi_answer": Row(_url("prestudy:rfi_answer", "rfi"),
                               {"anonymous": 302, "supplier": 200, "other_lot_supplier": 200, "*": 403}),
    "prestudy:rfi_responses": Row(_url("prestudy:rfi_responses", "rfi"), CPB_CASE),
    "prestudy:rfi_summary": Row(_url("prestudy:rfi_summary", "rfi"), CPB_CHANGES_PUBLIC),
    "prestudy:meeting_offer": Row(_url("prestudy:meeting_offer", "rfi"), CPB_CHANGES_PUBLIC),
    # Suppliers book (one that has not answered is refused with a message); nobody else.
    "prestudy:meeting_book": Row(_slot_url("prestudy:meeting_book"),
                                 {"anonymous": 302, "supplier": 302, "other_lot_supplier": 302, "*": 403}, "post"),
    "prestudy:meeting_minutes": Row(_slot_url("prestudy:meeting_minutes"), CPB_CHANGES_PUBLIC),
    # An answer: the purchasing body and the answering supplier only (DESIGN.md §5).
    "prestudy:rfi_response": Row(_url("prestudy:rfi_response", "rfi_response"), RFI_ANSWER),
    "prestudy:need_list": Row(static("prestudy:need_list"), OPEN),
    "prestudy:my_needs": Row(static("prestudy:my_needs"), AGENCY_PAGE),
    "prestudy:need_create": Row(static("prestudy:need_create"), AGENCY_PAGE),
    "prestudy:need_detail": Row(_url("prestudy:need_detail", "internal_need"), INTERNAL),
    "prestudy:need_edit": Row(_url("prestudy:need_edit", "public_need"), AGENCY_PAGE),
    # No persona belongs to another agency: the need's own agency changes it instead of joining.
    "prestudy:need_join": Row(_url("prestudy:need_join", "public_need"), {"anonymous": 302, "*": 403}),
    "prestudy:need_link": Row(_url("prestudy:need_link", "public_need"), CPB_PAGE),
    # The need is in no pre-study: the purchasing body's refusal comes back as a message on the need's page.
    "prestudy:need_unlink": Row(_url("prestudy:need_unlink", "public_need"), {"anonymous": 302, "cpb": 302, "*": 403},
                                "post"),
    # The interest is another agency's: everyone who sees the need sees it, none of the personas withdraws it.
    "prestudy:interest_withdraw": Row(_url("prestudy:interest_withdraw", "interest"), {"anonymous": 302, "*": 403}),
    "api:need_list": Row(static("api:need_list"), OPEN),
    "api:need_totals": Row(static("api:need_totals"), OPEN),
    "api:need_detail": Row(_url("api:need_detail", "internal_need"), INTERNAL),
    "api:need_create": Row(static("api:need_create"), {"anonymous": 401, "*": 422}, "post", json=True),
    "api:need_update": Row(_url("api:need_update", "public_need"), {"anonymous": 401, "*": 422}, "put", json=True),
    "api:prestudy_list": Row(static("api:prestudy_list"), API_AUTH),
    "api:rfi_list": Row(static("api:rfi_list"), OPEN),
    "api:rfi_detail": Row(_url("api:rfi_detail", "draft_rfi"), {"anonymous": 404, "cpb": 200, "*": 404}),
    "api:rfi_answer": Row(_url("api:rfi_answer", "rfi"), {"anonymous": 401, "*": 422}, "put", json=True),
    "api:rfi_response": Row(_url("api:rfi_response", "rfi_response"),
                            {"anonymous": 401, "supplier": 200, "cpb": 200, "*": 404}),
    "api:prestudy_detail": Row(_url("api:prestudy_detail", "prestudy"), {"anonymous": 401, "cpb": 200, "*": 404}),
    # Analysis and conclusion: the purchasing body's (its team reads the dashboard); the pre-study is planning, so
    # the checklist and "start the procurement" pages say they are not possible yet, and writing the report is
    # refused with a message (no checklist).
    "prestudy:prestudy_dashboard": Row(_url("prestudy:prestudy_dashboard", "prestudy"), CPB_CASE),
    "prestudy:prestudy_checklist": Row(_url("prestudy:prestudy_checklist", "prestudy"), CPB_CASE),
    "prestudy:report_generate": Row(_url("prestudy:report_generate", "prestudy"),
                                    {"anonymous": 302, "cpb": 302, "*": 404}, "post"),
    "prestudy:procurement_start": Row(_url("prestudy:procurement_start", "prestudy"), CPB_CASE),
    # Public documents: anyone asks (the form) and follows the request by its signed link; the reviewers (the
    # purchasing body for RFI answers) alone see and decide the request, with the requester's contact details.
    "prestudy:document_request_new": Row(static("prestudy:document_request_new"), OPEN),
    "prestudy:document_request_status": Row(_token_url("prestudy:document_request_status", "document_request"), OPEN),
    "prestudy:document_request_copy": Row(_token_url("prestudy:document_request_copy", "document_request_decided"),
                                          OPEN),
    "prestudy:document_request_list": Row(static("prestudy:document_request_list"), {"anonymous": 302, "*": 200}),
    "prestudy:document_request_detail": Row(_url("prestudy:document_request_detail", "document_request"), CPB_CASE),
    "prestudy:document_request_review": Row(_url("prestudy:document_request_review", "document_request"),
                                            {"anonymous": 302, "cpb": 302, "*": 404}, "post"),
    # An RFI answer is not a sealed tender: the purchasing body's refusal under 19:3 comes back as a message.
    "prestudy:document_request_refuse": Row(_url("prestudy:document_request_refuse", "document_request"),
                                            {"anonymous": 302, "cpb": 302, "*": 404}, "post"),
    # Posted empty: the purchasing body's form answers 422 with its errors.
    "prestudy:document_request_part": Row(
        lambda w: reverse("prestudy:document_request_part", args=[
            w.extra["document_request_reviewing"].pk, w.extra["document_request_reviewing"].parts.first().pk]),
        {"anonymous": 302, "cpb": 422, "*": 404}, "post"),
    "prestudy:document_request_decide": Row(_url("prestudy:document_request_decide", "document_request_reviewing"),
                                            {"anonymous": 302, "cpb": 422, "*": 404}, "post"),
    # A supplier's secrecy request on its tender: its representatives only.
    "prestudy:tender_secrecy": Row(_url("prestudy:tender_secrecy", "own_tender"),
                                   {"anonymous": 302, "supplier": 200, "*": 404}),
    # Naming the call-off that answers a need: the agencies whose need it is (no agreement yet: the page says so).
    "prestudy:need_calloffs": Row(_url("prestudy:need_calloffs", "public_need"),
                                  {"anonymous": 302, "agency": 200, "colleague": 200, "*": 403}),
    # The matches of a need: its agency and the purchasing body; an internal need stays unknown to others.
    "api:need_matches": Row(_url("api:need_matches", "internal_need"), {"anonymous": 401, "agency": 200,
                                                                        "colleague": 200, "cpb": 200, "*": 404}),
}
