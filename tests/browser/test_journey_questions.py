"""A supplier asks a question privately; the agency answers; every invited supplier reads the answer, not the asker."""

from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import expect

from innokop.accounts.models import User
from innokop.calloffs import services
from innokop.calloffs.models import CallOffQuestion

from ..calloffs.conftest import prepare
from .helpers import log_in
from .test_journey_dialogue import _switch, _world

QUESTION = "Får lösningen använda en språkmodell som körs utanför EU?"
ANSWER = "Nej. Krav K3 gäller all behandling av personuppgifter."


def test_a_supplier_asks_and_every_invited_supplier_reads_the_answer(page, checker, clock, transactional_db):
    procurer, lot, _ranking = _world()
    calloff = services.calloff_start(actor=procurer, lot=lot, title="AI-stöd för handläggning",
                                     need="Handläggarna behöver stöd.", estimated_value=Decimal(3_500_000))
    calloff = services.calloff_publish(actor=procurer, calloff=prepare(procurer, calloff))
    detail = f"/call-offs/{calloff.pk}/"
    ask = f"main form[action='{detail}questions/']"

    log_in(page, "sara@klartext.example")
    page.goto(detail)
    page.locator(f"{ask} textarea[name=text]").fill(QUESTION)
    page.locator(f"{ask} button[type=submit]").click()
    expect(page.get_by_text(QUESTION)).to_be_visible()  # under "your questions waiting for an answer"
    checker.check(page, "question-asked")

    _switch(page, "maria@mdss.example")
    page.goto(detail)
    expect(page.get_by_text("Klartext AI AB").first).to_be_visible()  # the agency sees who asked
    page.locator("main textarea[name=answer]").fill(ANSWER)
    page.locator("main form[action*='/answer/'] button[type=submit]").click()
    expect(page.get_by_text(ANSWER)).to_be_visible()
    checker.check(page, "question-answered")

    _switch(page, "bo@fjallvind.example")
    page.goto(detail)
    expect(page.get_by_text(QUESTION)).to_be_visible()
    expect(page.get_by_text(ANSWER)).to_be_visible()
    assert "Klartext" not in page.locator("main").inner_text()  # never who asked
    checker.check(page, "question-published")


def test_the_team_reads_many_questions_a_page_at_a_time(page, checker, clock, transactional_db):
    """Hundreds of questions are read 50 at a time, the unanswered first, with page links that keep the list in
    view (issue 13)."""
    procurer, lot, _ranking = _world()
    calloff = services.calloff_start(actor=procurer, lot=lot, title="AI-stöd för handläggning",
                                     need="Handläggarna behöver stöd.", estimated_value=Decimal(3_500_000))
    calloff = services.calloff_publish(actor=procurer, calloff=prepare(procurer, calloff))
    asker = User.objects.get(email="sara@klartext.example")
    moment = calloff.published_at
    CallOffQuestion.objects.bulk_create([CallOffQuestion(
        calloff=calloff, supplier=asker.memberships.first().organisation, asked_by=asker, text=f"Fråga nummer {n}",
        asked_at=moment + timedelta(minutes=n), answer=f"Svar nummer {n}" if n >= 3 else "",
        answered_by=procurer if n >= 3 else None, answered_at=moment + timedelta(minutes=n, hours=1) if n >= 3 else None)
        for n in range(60)])

    log_in(page, "maria@mdss.example")
    page.goto(f"/call-offs/{calloff.pk}/")
    expect(page.get_by_text("Frågor 1–50 av 60")).to_be_visible()
    expect(page.get_by_text("Fråga nummer 0", exact=True)).to_be_visible()  # unanswered first
    page.get_by_role("navigation", name="Sidor med frågor").get_by_role("link", name="Sida 2").click()
    expect(page.get_by_text("Frågor 51–60 av 60")).to_be_visible()
    assert page.url.endswith("?page=2#questions")
    checker.check(page, "questions-page-2")
