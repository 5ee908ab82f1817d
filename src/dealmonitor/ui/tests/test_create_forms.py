"""Every form that creates a row carries a one-time token and posts to a guarded view
(ui/concurrency.py), so sending it twice stores one row (the behaviour itself:
impact/tests/test_concurrency.py). New create pages are found through the URL configuration:
a URL whose name says create or whose path says nieuw must be listed here."""

import datetime as dt

import pytest
from django.urls import resolve, reverse

from dealmonitor.connections import services as connection_services
from dealmonitor.learning.models import AssessmentTemplate, Bottleneck, Deliverable
from dealmonitor.ui.concurrency import ONE_TIME_FIELD

from .html_forms import forms_of
from .test_edit_forms_roundtrip import _named_urls, site  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _deal(site):
    return site["indicator"].deal


# page -> (how to reach it, the controls that mark each create form on it)
CREATE_PAGES = {
    "impact:indicator_create": (lambda s: reverse("impact:indicator_create", args=[_deal(s).slug]), ["name"]),
    "impact:measurement_create": (
        lambda s: reverse("impact:measurement_create", args=[_deal(s).slug, s["indicator"].pk]), ["date"]),
    "impact:pathway": (lambda s: reverse("impact:pathway", args=[_deal(s).slug]),
                       ["element-title", "link-cause", "assumption-text", "evidence-text"]),
    "impact:effects": (lambda s: reverse("impact:effects", args=[_deal(s).slug]), ["description"]),
    "learning:bottleneck_create": (lambda s: reverse("learning:bottleneck_create", args=[_deal(s).slug]), ["title"]),
    "learning:bottleneck": (lambda s: Bottleneck.objects.order_by("pk").first().get_absolute_url(), ["status"]),
    "learning:lesson_create": (lambda s: reverse("learning:lesson_create", args=[_deal(s).slug]), ["title"]),
    "learning:round_open": (lambda s: reverse("learning:round_open", args=[_deal(s).slug]), ["name"]),
    "learning:round_close": (lambda s: reverse("learning:round_close", args=[s["round"].deal.slug, s["round"].pk]), ["reflection"]),
    "learning:uptake_create": (lambda s: reverse("learning:uptake_create", args=[_deal(s).slug]), ["title"]),
    "learning:deliverable_create": (lambda s: reverse("learning:deliverable_create", args=[_deal(s).slug]), ["name"]),
    "learning:adoption_create": (
        lambda s: reverse("learning:adoption_create", args=[Deliverable.objects.first().deal.slug, Deliverable.objects.first().pk]), ["adopter"]),
    "learning:milestone_create": (lambda s: reverse("learning:milestone_create", args=[_deal(s).slug]), ["title"]),
    "learning:experiment_create": (lambda s: reverse("learning:experiment_create", args=[_deal(s).slug]), ["title"]),
    "learning:template_version": (
        lambda s: reverse("learning:template_version", args=[AssessmentTemplate.objects.get(is_default=True).pk]),
        ["description"]),
    "connections:events": (lambda s: reverse("connections:events"), ["title"]),
    "connections:event": (lambda s: reverse("connections:event", args=[s["event"].pk]), ["text", "other"]),
    "deals:detail": (lambda s: _deal(s).get_absolute_url(), ["phase"]),
    "workday:new_deal": (lambda s: reverse("workday:new_deal"), ["name"]),
}


def test_every_create_page_is_covered():
    create_pages = {
        name for name, route in _named_urls()
        if not name.startswith("admin:") and ("create" in name or "nieuw" in route)
    }
    assert create_pages, "the URL configuration has no create pages: the scan is broken"
    assert create_pages <= set(CREATE_PAGES), f"create pages not checked: {create_pages - set(CREATE_PAGES)}"


@pytest.mark.parametrize("name", sorted(CREATE_PAGES))
def test_every_create_form_carries_a_one_time_token(client, site, name):
    site["event"] = connection_services.create_event(
        actor=site["user"], title="Jaarparade", date=dt.date(2025, 5, 1), deals=[_deal(site)])
    url_of, markers = CREATE_PAGES[name]
    client.force_login(site["user"])
    url = url_of(site)
    page = client.get(url)
    assert page.status_code == 200, name
    found = set()
    for form in forms_of(page.content.decode()):
        controls = {attrs.get("name") for _tag, attrs, _value in form.controls}
        marker = next((m for m in markers if m in controls), None)
        if marker is None or form.attrs.get("method", "").lower() != "post":
            continue
        found.add(marker)
        assert any(c and (c == ONE_TIME_FIELD or c.endswith("-" + ONE_TIME_FIELD)) for c in controls), (
            f"{name}: the form with {marker!r} has no one-time token")
        target = form.attrs.get("action") or url
        assert getattr(resolve(target.split("?")[0]).func, "guards_posts", False), (
            f"{name}: {target} does not guard its posts (ui.concurrency.guarded_post)")
    assert found == set(markers), f"{name}: forms not found: {set(markers) - found}"
