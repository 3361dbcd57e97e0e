import pytest
from django.core.management import call_command

from innokop.accounts.models import Organisation
from innokop.prestudy.models import Need, NeedInterest, PreStudy, PreStudyStatus
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
    count = Need.objects.count()
    call_command("demo", quiet_logins=True)
    assert Need.objects.count() == count and PreStudy.objects.count() == 2
