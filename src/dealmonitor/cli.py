"""The `dealmonitor` command line: one entry point for every operator task.

It is Django's management utility with the project's settings preselected, so
`dealmonitor migrate`, `dealmonitor import PATH`, `dealmonitor createdemouser` and
`dealmonitor runserver` all work from any directory once the package is installed.
"""

import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dealmonitor.conf.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv or sys.argv)


if __name__ == "__main__":
    main()
