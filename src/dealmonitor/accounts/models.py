from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The project's own user model, so that roles and organisations can be added later
    without a painful swap (Django's advice for every new project)."""

    class Meta:
        db_table = "accounts_user"
