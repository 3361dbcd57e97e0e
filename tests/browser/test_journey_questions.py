"""A supplier asks a question privately; the agency answers; every invited supplier reads the answer, not the asker."""

from decimal import Decimal

from playwright.sync_api import expect

from innokop.calloffs import services

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
