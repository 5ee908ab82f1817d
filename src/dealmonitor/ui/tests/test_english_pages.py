"""English throughout: every main page under /en/, on the demo data, signed in as the
programme's administrator, shows no Dutch wording of a status, phase, kind, role or any other
choice of any model (a text on the page that is exactly the Dutch label of a choice whose
English label differs). What people typed (descriptions, notes, names) stays as they wrote
it; only the interface's own words are checked."""

import html
import re

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.encoding import force_str

from .test_every_page_browser import PAGES

pytestmark = pytest.mark.django_db


def _dutch_choice_labels():
    labels = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("dealmonitor."):
            continue
        for model in config.get_models():
            for field in model._meta.concrete_fields:
                for _value, label in field.flatchoices or ():
                    with translation.override("nl"):
                        dutch = force_str(label)
                    with translation.override("en"):
                        english = force_str(label)
                    if dutch.lower() != english.lower():
                        labels[dutch.lower()] = f"{model._meta.label}.{field.name}"
    return labels


def _texts(page):
    body = page[page.index("<body"):]
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    # a text marked as Dutch on purpose: the language link says "Nederlands" in Dutch
    body = re.sub(r'(<[^>]*\slang="nl"[^>]*>)[^<]*', r"\1", body)
    for text in re.split(r"<[^>]+>", body):
        text = re.sub(r"\s+", " ", html.unescape(text)).strip(" ·:,.")
        if text:
            yield text.lower()


def test_no_dutch_choice_label_on_any_english_page(client, demo_data, staff_user):
    dutch = _dutch_choice_labels()
    assert {"aanjagen", "gemeente", "opgelost"} & set(dutch)  # phases, organisation types, statuses
    client.force_login(staff_user)
    left = []
    for name, path in PAGES.items():
        response = client.get("/en" + path)
        assert response.status_code == 200, name
        page = response.content.decode()
        assert '<html lang="en"' in page
        left += [f"{name}: {text!r} ({dutch[text]})" for text in set(_texts(page)) if text in dutch]
    assert not left, "\n".join(sorted(left))
