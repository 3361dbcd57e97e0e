"""The `innokop` command line: Django's management commands under one name.

`innokop serve`, `innokop migrate`, `innokop demo`, `innokop audit-verify` ... Command names
may be written with hyphens; they map to the Python module names with underscores.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innokop.config.settings.local")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    argv[0] = "innokop"
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
