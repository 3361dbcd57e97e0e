"""The suggested timetable follows the working-day rules the rest of the system uses (issue 9, point 25).

Every date someone acts on lands on a working day of core.calendar (weekends, public holidays, Midsummer Eve,
Christmas Eve and New Year's Eve); the tender period is counted as check_timetable counts it; the contract starts
on the first day it may be signed, after the standstill of rule 9 (rolled past holidays by lag 1930:173).
"""

from datetime import date, timedelta

import pytest

from innokop.calloffs import rules
from innokop.core.calendar import is_working_day, local_date, next_working_day

pytestmark = pytest.mark.django_db

EASTER_2027 = [date(2027, 3, 1) + timedelta(days=n) for n in range(50)]  # Good Friday 26 March, Easter Monday 29
CHRISTMAS_2026 = [date(2026, 11, 25) + timedelta(days=n) for n in range(50)]  # 24 Dec to 6 Jan


def _problems(lot, today: date) -> list[str]:
    t = rules.suggest_timetable(lot, today)
    days = {"publish_on": t.publish_on, "questions_close": local_date(t.questions_close),
            "answers_by": local_date(t.answers_by), "tender_deadline": local_date(t.tender_deadline),
            "opening_at": local_date(t.opening_at), "decision_on": t.decision_on, "contract_start": t.contract_start}
    problems = [f"{today}: {name} {day} is not a working day" for name, day in days.items() if not is_working_day(day)]
    if t.contract_start != next_working_day(rules.standstill_end(t.decision_on)):
        problems.append(f"{today}: the contract starts {t.contract_start}, the standstill ends "
                        f"{rules.standstill_end(t.decision_on)}")
    if not days["answers_by"] < days["tender_deadline"]:
        problems.append(f"{today}: the answers come on the deadline's day {days['tender_deadline']}")
    if t.publish_on != (today if is_working_day(today) else next_working_day(today)):
        problems.append(f"{today}: published {t.publish_on}")
    try:
        rules.check_timetable(lot, t)
    except Exception as refused:  # noqa: BLE001 - any refusal is a problem of the suggestion
        problems.append(f"{today}: refused: {refused}")
    return problems


@pytest.mark.parametrize("days", [EASTER_2027, CHRISTMAS_2026], ids=["easter-2027", "christmas-2026"])
def test_every_suggested_date_lands_on_a_working_day(lot, days):
    lot.agreement.start_date = date(2026, 1, 1)  # in force over Christmas 2026 too
    assert [problem for today in days for problem in _problems(lot, today)] == []


# A week is the shortest period with a working day between publication and deadline over Easter.
@pytest.mark.parametrize("min_days", [7, 15, 30])
def test_any_minimum_tender_period_gives_a_valid_timetable(lot, min_days):
    lot.min_tender_days = min_days
    assert [problem for today in EASTER_2027 for problem in _problems(lot, today)] == []


def test_the_contract_starts_after_the_standstill_over_easter(lot):
    # Decision Friday 19 March 2027: day 10 is Easter Monday, so the standstill ends at the end of Tuesday 30 March.
    t = rules.suggest_timetable(lot, date(2027, 3, 1))
    assert t.decision_on == date(2027, 3, 19)
    assert rules.standstill_end(t.decision_on) == date(2027, 3, 30)
    assert t.contract_start == date(2027, 3, 31)


def test_the_contract_starts_after_the_standstill_over_new_year(lot):
    # Decision Tuesday 22 December 2026: day 10 is New Year's Day; the standstill ends on Monday 4 January.
    t = rules.suggest_timetable(lot, date(2026, 12, 4))
    assert t.decision_on == date(2026, 12, 22)
    assert rules.standstill_end(t.decision_on) == date(2027, 1, 4)
    assert t.contract_start == date(2027, 1, 5)


def test_on_a_holiday_the_suggestion_is_the_next_working_day(lot):
    t = rules.suggest_timetable(lot, date(2026, 12, 24))  # Christmas Eve
    assert t.publish_on == date(2026, 12, 28)
    assert local_date(t.tender_deadline) == date(2027, 1, 7)  # 10 days: 7 January, after Epiphany
