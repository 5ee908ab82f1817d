"""Local development (`make run`): debug on, SQLite under var/ unless DATABASE_URL says otherwise."""

import os

os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: E402,F401,F403
