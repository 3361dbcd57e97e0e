"""Serves Innoköp with gunicorn and runs the background task worker beside it."""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the application (gunicorn + whitenoise) and run the background task worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--workers", default=os.environ.get("WEB_CONCURRENCY", "2"))
        parser.add_argument("--no-worker", action="store_true", help="do not start the task worker")

    def handle(self, *args, host, port, workers, no_worker, **options):
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

        def stop(signum, frame):
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
