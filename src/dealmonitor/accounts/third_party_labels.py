"""Labels for the admin pages of the libraries Dealmonitor uses for sign-in and background
work. django-rest-knox (API tokens) gives its model and fields no translatable names, and
django-axes, django-rest-knox and django-tasks name their apps with plain English strings;
the admin would show them in English on Dutch pages. Their labels are set here once, at
start-up, as translatable strings (the Dutch in conf/locale/nl); the libraries' own code is
untouched. accounts/tests/test_admin_labels.py fails on any admin label without both words."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

APP_NAMES = {
    "axes": _("Sign-in attempts"),
    "knox": _("API keys"),
    "django_tasks_database": _("Background tasks"),
}

KNOX_TOKEN = {
    None: (_("API key"), _("API keys")),
    "digest": _("fingerprint"),
    "token_key": _("first characters of the key"),
    "user": _("user"),
    "created": _("created at"),
    "expiry": _("expires at"),
}


def label_third_party_apps():
    for label, name in APP_NAMES.items():
        if apps.is_installed(label) or label in apps.app_configs:
            apps.get_app_config(label).verbose_name = name
    if "knox" in apps.app_configs:
        from knox.models import get_token_model

        opts = get_token_model()._meta
        if opts.app_label == "knox":
            opts.verbose_name, opts.verbose_name_plural = KNOX_TOKEN[None]
            for name, label in KNOX_TOKEN.items():
                if name:
                    opts.get_field(name).verbose_name = label
