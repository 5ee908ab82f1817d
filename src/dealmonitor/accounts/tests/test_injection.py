"""Script injection: a script payload in every free-text field of every model, then every page
of the permission matrix (and the admin) read as the programme administrator, who sees
everything. No page may contain a payload unescaped.

The list of fields comes from the models themselves (every CharField and TextField without
choices, and the texts inside JSON lists and objects), so a field added later is covered
without touching this test. Fields too short to hold a payload, slugs (which a URL pattern
checks) and web addresses (URLField: the validators refuse `javascript:`; see
test_an_address_must_be_a_web_address) are listed and skipped.
"""

import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client

from .test_permission_matrix import MATRIX, _cells
from .world import build_world, populate

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("{m}")</script><img src=x onerror=alert("{m}")>'
SHORT = "<i>{m}</i>"
# A payload arrives unescaped when one of these appears in a page.
RAW = re.compile(r'<script>alert\("xss\d+"\)|<img src=x onerror|<i>xss\d+</i>')
SKIPPED_FIELDS = {"password", "slug", "search_stems"}


def _text_fields(model):
    for f in model._meta.concrete_fields:
        if f.name in SKIPPED_FIELDS or isinstance(f, (models.SlugField, models.URLField,
                                                      models.FileField)):
            continue
        if isinstance(f, (models.CharField, models.TextField)) and not f.choices:
            yield f
        elif isinstance(f, models.JSONField):
            yield f


def project_models():
    return [
        m for m in apps.get_models()
        if m.__module__.startswith("dealmonitor.") and not m.__name__.startswith("Historical")
        and m._meta.managed and not m._meta.proxy
    ]


def fill_with_payloads():
    """Put a payload with its own marker in every text field of every row; return the
    markers {marker: "app.model.field"} and the fields too short to hold one."""
    markers, too_short, n = {}, set(), 0
    for model in project_models():
        fields = list(_text_fields(model))
        if not fields:
            continue
        for obj in model._base_manager.all():
            for f in fields:
                n += 1
                marker = f"xss{n}"
                where = f"{model._meta.label_lower}.{f.name}"
                if isinstance(f, models.JSONField):
                    value = getattr(obj, f.attname)
                    if isinstance(value, list):
                        setattr(obj, f.attname, [PAYLOAD.format(m=marker)])
                    elif isinstance(value, dict):
                        setattr(obj, f.attname, {PAYLOAD.format(m=marker): 1})
                    else:
                        continue
                else:
                    limit = f.max_length or 10_000
                    for template in (PAYLOAD, SHORT):
                        if len(template.format(m=marker)) <= limit:
                            setattr(obj, f.attname, template.format(m=marker))
                            break
                    else:
                        too_short.add(where)
                        continue
                markers[marker] = where
            obj._change_reason = "injectietest"
            obj.save()
    return markers, too_short


def test_no_page_shows_a_payload_unescaped(django_user_model, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = populate(build_world(django_user_model), tmp_path)
    markers, too_short = fill_with_payloads()
    client = Client()
    client.force_login(world.users["admin"])
    pages = []
    for name, row in MATRIX.items():
        for case in row if isinstance(row, list) else [row]:
            if not case.read:
                continue
            for key, _ in _cells(case):
                pages.append(case.url(world, key or "own"))
    # the admin's lists and change forms of the deals (Django's own escaping)
    pages += ["/admin/deals/deal/", "/admin/deals/participation/", "/admin/learning/lesson/"]
    unescaped, seen = [], set()
    for url in pages:
        response = client.get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        body = response.content.decode()
        for match in RAW.finditer(body):
            start = max(match.start() - 80, 0)
            unescaped.append(f"{url}: …{body[start:match.end() + 20]}…")
        seen |= set(re.findall(r"xss\d+", body))
    assert not unescaped, "unescaped user text:\n" + "\n".join(unescaped)
    rendered = {markers[m] for m in seen if m in markers}
    # The test is not vacuous: most text fields are shown somewhere, escaped.
    assert len(rendered) >= 60, sorted(rendered)
    print(f"\n{len(markers)} payloads in {len(set(markers.values()))} fields, "
          f"{len(rendered)} fields shown on {len(pages)} pages, all escaped; "
          f"too short for a payload: {sorted(too_short)}")


def test_an_address_must_be_a_web_address(django_user_model):
    """Addresses are shown as links, so `javascript:` must never be stored in one."""
    from dealmonitor.deals.tests.factories import DealFactory
    from dealmonitor.learning import services

    deal = DealFactory()
    with pytest.raises(ValidationError) as exc:
        services.save_deliverable(actor=None, deal=deal, name="Kwaadaardig", kind="instrument",
                                  url="javascript:alert(1)")
    assert "url" in exc.value.message_dict
