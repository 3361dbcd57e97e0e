from datetime import date

import pytest

from innokop.followup.quarters import Quarter, is_quarter_start, quarters_between


@pytest.mark.parametrize(("quarter", "due"), [
    (Quarter(2027, 1), date(2027, 5, 15)),  # 31 March + one month (30 April) + 15 days
    (Quarter(2027, 2), date(2027, 8, 15)),
    (Quarter(2027, 3), date(2027, 11, 15)),
    (Quarter(2026, 4), date(2027, 2, 15)),  # over the new year
])
def test_a_report_is_due_one_month_and_15_days_after_the_quarter(quarter, due):
    assert quarter.due == due


def test_quarters_know_their_days_and_neighbours():
    assert Quarter.of(date(2028, 2, 29)) == Quarter(2028, 1)
    assert Quarter(2028, 1).days == 91 and Quarter(2027, 1).days == 90
    assert Quarter(2026, 4).next() == Quarter(2027, 1) and Quarter(2027, 1).previous() == Quarter(2026, 4)
    assert quarters_between(date(2026, 3, 31), date(2026, 7, 1)) == [Quarter(2026, 1), Quarter(2026, 2),
                                                                      Quarter(2026, 3)]
    assert Quarter(2026, 2).overlap_days(date(2026, 6, 1), date(2026, 12, 31)) == 30
    assert Quarter(2026, 2).overlap_days(date(2026, 7, 1), date(2026, 12, 31)) == 0
    assert is_quarter_start(date(2027, 4, 1)) and not is_quarter_start(date(2027, 5, 1))
    with pytest.raises(ValueError):
        Quarter(2027, 5)
