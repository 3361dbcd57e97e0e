import pytest
from django.core.management import call_command

from innokop.accounts.models import Organisation
from innokop.prestudy.models import MeetingSlot, Need, NeedInterest, PreStudy, PreStudyStatus, RfiResponse, Survey
from innokop.prestudy.services.market import shared_with_some
from innokop.prestudy.wording import naming_warnings


@pytest.mark.django_db
def test_the_demo_has_a_decided_and_a_collecting_pre_study_and_thirty_needs(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", quiet_logins=True)
    concluded = PreStudy.objects.get(status=PreStudyStatus.PROCUREMENT_STARTED)
    assert concluded.agreement.reference == "IK-2026-002" and concluded.decision_reasons
    assert concluded.steps.count() == 4 and concluded.needs.count() >= 5
    collecting = PreStudy.objects.get(status=PreStudyStatus.COLLECTING)
    assert collecting.needs.exists()
    assert Need.objects.count() >= 30
    assert Organisation.objects.filter(needs__isnull=False).distinct().count() >= 8
    assert Need.objects.filter(is_public=False).count() >= 3
    assert NeedInterest.objects.active().values("need").distinct().count() >= 5
    assert NeedInterest.objects.filter(withdrawn_at__isnull=False).exists()
    for need in Need.objects.all():  # problems, not products
        assert naming_warnings(need.title, need.problem, need.current_situation, need.desired_effects,
                               need.effect_measures, need.affected) == [], need.title
    _the_collecting_pre_study_has_a_survey_and_a_market_dialogue(collecting)
    count, answers = Need.objects.count(), RfiResponse.objects.count()
    call_command("demo", quiet_logins=True)
    assert Need.objects.count() == count and PreStudy.objects.count() == 2
    assert RfiResponse.objects.count() == answers and Survey.objects.count() == 1


def _the_collecting_pre_study_has_a_survey_and_a_market_dialogue(collecting):
    from innokop.core import clock

    now = clock.now()
    survey = collecting.surveys.get()
    assert survey.is_open(now) and 0 < survey.answers.count() < survey.recipients.count()
    dialogue = collecting.dialogues.get()
    assert dialogue.is_open(now) and dialogue.responses.values("supplier").distinct().count() >= 6
    assert dialogue.responses.filter(secrecy_requested=True).count() == 1
    assert MeetingSlot.objects.filter(dialogue=dialogue, supplier__isnull=False).exclude(minutes="").exists()
    assert collecting.market_entries.count() >= 3
    assert shared_with_some(collecting).exists()
