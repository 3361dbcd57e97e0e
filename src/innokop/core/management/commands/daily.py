"""Queues every app's daily jobs once (core/daily.py): for cron when `INNOKOP_DAILY_HOURS=0`, or by hand."""

from django.core.management.base import BaseCommand, CommandError

from innokop.core import clock, daily
from innokop.core.models import DailyRun


class Command(BaseCommand):
    help = ("Queue every app's daily jobs (reminders, expiry alerts, the OCDS bulk file) for the task worker, "
            "unless a node has already queued them in this period; run it daily from cron when "
            "INNOKOP_DAILY_HOURS=0.")

    def handle(self, *args, **options):
        moment = clock.now()
        try:
            queued = daily.run(moment)
        except Exception as error:
            raise CommandError(f"the daily jobs could not be queued, none was: {type(error).__name__}: {error}") from error
        if queued is None:
            done = DailyRun.objects.get(period_start=daily.period_start(moment))
            self.stdout.write(f"the daily jobs of the period from {done.period_start:%Y-%m-%d %H:%M} UTC were "
                              f"already queued at {done.started_at:%Y-%m-%d %H:%M:%S} UTC; nothing queued")
            return
        for job, result_id in queued:
            self.stdout.write(f"queued {job.module_path} ({result_id})")
        self.stdout.write(f"{len(queued)} daily jobs queued")
