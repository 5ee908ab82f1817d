"""The test suite: fast password hashing, everything else as in base."""

from .base import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Static files come straight from the apps (no collectstatic needed outside production).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

# Background tasks run at once, inside the request or the test (Django's immediate backend);
# the tests of the database queue and its worker set the database backend themselves.
TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND",
                                        default="django_tasks.backends.immediate.ImmediateBackend")}}
