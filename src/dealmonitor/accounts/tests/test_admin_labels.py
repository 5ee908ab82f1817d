"""The admin in both languages: every model the admin shows (its pages and its inlines), every
field of it and every app heading has a label that reads as Dutch on Dutch pages and as English
under /en/. A label that is the same in both languages must be a word both languages use."""

from django.contrib import admin
from django.utils import translation
from django.utils.encoding import force_str

# Words Dutch and English share: a label may read the same in both.
SAME_IN_BOTH = {"ID", "id", "deal", "deals", "Deals", "status", "OIN", "HTTP Accept", "evaluator",
                "Accounts"}


def _in(language, text):
    with translation.override(language):
        return force_str(text)


def _shown_models():
    for model, model_admin in admin.site._registry.items():
        yield model
        for inline in model_admin.inlines:
            yield inline.model


def _labels():
    for model in set(_shown_models()):
        opts = model._meta
        yield f"{opts.label} (model)", opts.verbose_name
        yield f"{opts.label} (plural)", opts.verbose_name_plural
        for field in opts.get_fields():
            if field.auto_created and not field.concrete:
                continue  # a reverse relation: the admin shows no label for it
            yield f"{opts.label}.{field.name}", field.verbose_name
    for config in {m._meta.app_config for m in admin.site._registry}:
        yield f"{config.label} (app)", config.verbose_name


def test_every_admin_label_has_a_dutch_and_an_english_wording():
    untranslated = sorted(
        f"{where}: {_in('en', text)!r}" for where, text in _labels()
        if _in("nl", text) == _in("en", text) and _in("en", text) not in SAME_IN_BOTH
    )
    assert not untranslated, "\n".join(untranslated)


def test_third_party_admin_models_read_dutch(admin_client):
    """The pages of the admin index say in Dutch what the tokens, sign-in attempts and
    background tasks are (those models come from django-rest-knox, django-axes and
    django-tasks)."""
    with translation.override("nl"):
        page = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    for english in ("Auth tokens", "Task Results", "Tasks Database Backend", ">Knox<", ">Axes<",
                    "Access attempts"):
        assert english not in page
    assert "API-sleutels" in page
