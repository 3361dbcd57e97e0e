"""Serves Innoköp with gunicorn and runs the background task worker beside it, and queues the apps' daily jobs
(core/daily.py) at start and then every `INNOKOP_DAILY_HOURS` hours."""

import os
import signal
import subprocess
import sys
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from innokop.core import daily


class Command(BaseCommand):
    help = "Serve the application (gunicorn + whitenoise) and run the background task worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--workers", default=os.environ.get("WEB_CONCURRENCY", "2"))
        parser.add_argument("--no-worker", action="store_true", help="do not start the task worker")
        parser.add_argument("--no-daily", action="store_true",
                            help="do not queue the daily jobs (as INNOKOP_DAILY_HOURS=0 does)")

    def handle(self, *args, host, port, workers, no_worker, no_daily=False, **options):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE)}
        children = []
        if not no_worker:
            children.append(subprocess.Popen([sys.executable, "-m", "innokop", "db_worker"], env=env))
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "innokop.config.wsgi:application", "--bind", f"{host}:{port}",
             "--workers", str(workers), "--access-logfile", "-", "--forwarded-allow-ips", "127.0.0.1"],
            env=env,
        )
        children.append(web)
        self.stdout.write(f"Innoköp is served on http://{host}:{port}/ (Ctrl+C stops it)")
        stop_daily = threading.Event()
        if settings.INNOKOP_DAILY_HOURS > 0 and not no_daily:
            threading.Thread(target=daily.schedule, args=(stop_daily,), name="innokop-daily", daemon=True).start()
            self.stdout.write(f"The daily jobs are queued now and every {settings.INNOKOP_DAILY_HOURS} hours")

        def stop(signum, frame):
            stop_daily.set()
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        code = web.wait()
        stop(None, None)
        for child in children:
            child.wait()
        sys.exit(code if code and code > 0 else 0)
