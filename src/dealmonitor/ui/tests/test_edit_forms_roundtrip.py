"""Every edit form of the site, posted back unchanged the way a browser does, changes no data;
and every edit form refuses a stale version (someone else saved the row meanwhile).

A browser cannot hold a value its input type does not allow (`<input type="date"
value="11-03-2021">` is an empty field) and submits what it holds: a form that renders a
value in the wrong format erases it on the next save, even when the user only changed the
description. The forms here are parsed from the page, sanitised per input type and posted
(html_forms.py), in Dutch and in English; the rows must be equal before and after.

New edit pages are found through the URL configuration: a URL whose name says edit or
whose path says wijzigen/bewerken must be listed in EDIT_FORMS, or the first test fails.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import DateTimeField
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dealmonitor.deals.models import Deal, Participation, Theme
from dealmonitor.ecosystem import services as ecosystem_services
from dealmonitor.ecosystem.models import Post
from dealmonitor.impact import models as impact_models
from dealmonitor.impact import services as impact_services
from dealmonitor.learning import models as learning_models
from dealmonitor.learning import services as learning_services
from dealmonitor.organisations.models import Organisation
from dealmonitor.utils.partial_dates import Precision

from dealmonitor.ui.concurrency import VERSION_FIELD

from .html_forms import find_form, form_data, input_values, sanitize

pytestmark = pytest.mark.django_db

PASSWORD = "een-lang-wachtwoord-42"


def _change(name):
    """Someone else's save: a new text in the field `name` of the row."""
    def save(row):
        setattr(row, name, "Intussen door een collega aangepast.")
        row.save()
    return save


def _edit_form(model, url, field, *, query="", watch=None, ignore=(), other_save=None, data=None):
    """`data`: what the user must add before sending (a correction needs a reason)."""
    return {"model": model, "url": url, "field": field, "query": query, "watch": watch or [model],
            "ignore": set(ignore), "other_save": other_save or _change(field), "data": data or {}}


# A revisit is a new version of the plan dated today (the form's default), even unchanged.
REVISIT = {"reviewed_on"}


def _change_target(target):
    target.value = (target.value or 0) + 1
    target.save()


# name -> how to reach one edit form on the demo data: the row it edits, the page, and a
# control that picks out the form on the page. `watch`: the models whose rows must not change.
EDIT_FORMS = {
    "deals:partner_edit": _edit_form(
        Participation, lambda p: reverse("deals:partner_edit", args=[p.deal.slug, p.pk]),
        "role_description"),
    "impact:indicator_edit": _edit_form(
        impact_models.Indicator, lambda i: reverse("impact:indicator_edit", args=[i.deal.slug, i.pk]),
        "description"),
    "impact:indicator_targets": _edit_form(
        impact_models.Indicator, lambda i: reverse("impact:indicator_targets", args=[i.deal.slug, i.pk]),
        "count", watch=[impact_models.Target], other_save=lambda i: _change_target(i.targets.first())),
    "impact:pathway": _edit_form(
        impact_models.Pathway, lambda p: reverse("impact:pathway", args=[p.deal.slug]), "summary"),
    # Correcting a measurement asks why: the reason is the one thing the user fills in.
    "impact:measurement_edit": _edit_form(
        impact_models.Measurement,
        lambda m: reverse("impact:measurement_edit", args=[m.indicator.deal.slug, m.indicator.pk, m.pk]),
        "note", watch=[impact_models.Measurement, impact_models.MeasurementPart],
        data={"change_reason": ["correctie"], "change_reason_text": ["alleen nagekeken"]}),
    "learning:bottleneck_edit": _edit_form(
        learning_models.Bottleneck, lambda b: reverse("learning:bottleneck_edit", args=[b.deal.slug, b.pk]), "title"),
    "learning:lesson_edit": _edit_form(
        learning_models.Lesson, lambda r: reverse("learning:lesson_edit", args=[r.deal.slug, r.pk]), "title"),
    "learning:milestone_edit": _edit_form(
        learning_models.Milestone, lambda r: reverse("learning:milestone_edit", args=[r.deal.slug, r.pk]), "title"),
    "learning:experiment_edit": _edit_form(
        learning_models.Experiment, lambda r: reverse("learning:experiment_edit", args=[r.deal.slug, r.pk]), "title"),
    "learning:scaling_plan": _edit_form(
        learning_models.ScalingPlan, lambda r: reverse("learning:scaling_plan", args=[r.deal.slug]), "route",
        ignore=REVISIT, other_save=_change("route_explanation")),
    "learning:start_conversation": _edit_form(
        learning_models.StartConversation,
        lambda r: reverse("learning:start_conversation", args=[r.deal.slug]), "client",
        ignore=REVISIT),
    "learning:round_answer": _edit_form(
        learning_models.AssessmentRound, lambda r: reverse("learning:round_answer", args=[r.deal.slug, r.pk]),
        "organisation", query="?organisation={org}", watch=[learning_models.Answer],
        other_save=lambda r: _change("comment")(r.answers.first())),
    # a need or offer: dates, themes, a region and the choices a wrong format would lose
    "ecosystem:edit": _edit_form(
        Post, lambda r: reverse("ecosystem:edit", args=[r.pk]), "title"),
}


def _named_urls():
    """(name, route) of every URL of the site."""
    found = []

    def walk(patterns, namespace, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = ":".join(filter(None, [namespace, entry.namespace]))
                walk(entry.url_patterns, ns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and entry.name:
                found.append((":".join(filter(None, [namespace, entry.name])), prefix + str(entry.pattern)))

    walk(get_resolver().url_patterns, "", "")
    return found


def test_every_edit_page_is_covered():
    edit_pages = {
        name for name, route in _named_urls()
        if not name.startswith("admin:")
        and ("edit" in name or "wijzigen" in route or "bewerken" in route)
    }
    assert edit_pages, "the URL configuration has no edit pages: the scan is broken"
    assert edit_pages <= set(EDIT_FORMS), f"edit pages without a round-trip test: {edit_pages - set(EDIT_FORMS)}"


def _snapshot(models, ignore=()):
    """Every row of the models, as plain values (times set by the database left out), with
    their many-to-many links."""
    rows = {}
    for model in models:
        skip = {f.name for f in model._meta.concrete_fields
                if isinstance(f, DateTimeField) and (f.auto_now or f.auto_now_add)} | set(ignore)
        m2m = [f.name for f in model._meta.many_to_many]
        for row in model.objects.order_by("pk"):
            values = {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields
                      if f.name not in skip}
            for name in m2m:
                values[name] = sorted(getattr(row, name).values_list("pk", flat=True))
            rows[(model.__name__, row.pk)] = values
    return rows


@pytest.fixture
def site(demo_site, staff_user):
    # Values that the demo leaves empty but that trip a form when shown in the wrong format.
    indicator = impact_models.Indicator.objects.get(baseline_date=dt.date(2021, 3, 11))
    impact_services.set_targets(actor=None, indicator=indicator, targets=[
        {"period_start": dt.date(2025, 1, 1), "period_end": dt.date(2025, 12, 31),
         "label": "2025", "value": Decimal("1234.5")},
        {"period_start": dt.date(2026, 1, 1), "period_end": dt.date(2026, 12, 31),
         "label": "2026", "value": Decimal("0.125")},
    ])
    deal = indicator.deal
    rnd = learning_services.open_round(actor=None, deal=deal, name="Tussenmeting")
    org = Organisation.objects.filter(participations__deal=deal).order_by("pk").first()
    statements = list(rnd.template.statements.all()[:2])
    learning_services.save_answers(actor=None, round=rnd, organisation=org, answers={
        statements[0].pk: (4, "Goed op weg"), statements[1].pk: (2, ""),
    })
    # A participation with every value its edit form shows: a day and a month as dates,
    # amounts with decimals, the texts.
    participation = Participation.objects.filter(deal=deal).order_by("pk").first()
    for name, value in {
        "role_description": "Trekker van de werkgroep", "stance": "enthousiast",
        "joined_on": dt.date(2021, 3, 11), "joined_on_precision": Precision.DAY,
        "left_on": dt.date(2024, 6, 1), "left_on_precision": Precision.MONTH,
        "commitment_money": Decimal("12500.50"), "commitment_fte": Decimal("0.25"),
        "commitment_in_kind": "Vergaderruimte", "contact_name": "A. de Vries",
        "contact_email": "a.devries@example.org",
    }.items():
        setattr(participation, name, value)
    participation.full_clean()
    participation.save()
    # A measurement with every field the correction page shows filled in: a decimal value,
    # a period start, dates that a wrong format would erase, a source, an address, a note.
    measurement = impact_services.record_measurement(
        actor=None, indicator=indicator, date=dt.date(2025, 6, 30), period_start=dt.date(2025, 1, 1),
        value=Decimal("12.5"), source="Telling van de gemeente", evidence_url="https://example.org/telling",
        reporting_organisation=org, confidence="hoog", note="Geteld in juni, na de zomer opnieuw.")
    # A need of a partner of the deal with every field its edit form shows filled in.
    post = ecosystem_services.save_post(
        actor=None, deal=deal, organisation=org, direction="vraag", kind="financiering",
        title="Financiering voor wijkondernemers", text="Wij zoeken impactfinanciering.",
        themes=list(Theme.objects.order_by("pk")[:2]), region="PV26",
        period_start=dt.date(2025, 3, 11), period_end=dt.date(2026, 12, 31), visibility="openbaar")
    return {"indicator": indicator, "round": rnd, "organisation": org, "user": staff_user,
            "participation": participation, "measurement": measurement, "post": post}


def _row_for(name, site):
    spec = EDIT_FORMS[name]
    model = spec["model"]
    if model is impact_models.Indicator:
        return site["indicator"]
    if model is learning_models.AssessmentRound:
        return site["round"]
    if model is Participation:
        return site["participation"]
    if model is impact_models.Measurement:
        return site["measurement"]
    if model is Post:
        return site["post"]
    if model is impact_models.Pathway:
        return model.objects.filter(deal=site["indicator"].deal).first() or model.objects.first()
    # The row with the most filled-in fields: the most values that could be lost.
    def filled(row):
        return sum(1 for f in model._meta.concrete_fields if getattr(row, f.attname) not in (None, ""))
    rows = list(model.objects.order_by("pk"))
    assert rows, f"{name}: the demo data has no {model.__name__}"
    return max(rows, key=filled)


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("name", sorted(EDIT_FORMS))
def test_an_edit_form_posted_back_unchanged_changes_nothing(client, site, name, language):
    spec = EDIT_FORMS[name]
    client.force_login(site["user"])
    row = _row_for(name, site)
    url = spec["url"](row)
    if language == "en":
        url = "/en" + url
    page = client.get(url + spec["query"].format(org=site["organisation"].pk))
    assert page.status_code == 200, name
    form = find_form(page.content.decode(), having=spec["field"])
    # What the page shows must be a value the browser can hold.
    for field, kind, value in input_values(form):
        assert sanitize(kind, value) == value, f"{name} ({language}): {field} shows {value!r} in a {kind} input"

    before = _snapshot(spec["watch"], spec["ignore"])
    response = client.post(url, {**form_data(form), **spec["data"]})
    assert response.status_code == 302, (name, response.content.decode()[:3000])
    after = _snapshot(spec["watch"], spec["ignore"])
    changed = {key: {k: (v, after.get(key, {}).get(k)) for k, v in values.items() if after.get(key, {}).get(k) != v}
               for key, values in before.items() if after.get(key) != values}
    assert not changed and after.keys() == before.keys(), f"{name} ({language}) changed {changed}"


@pytest.mark.parametrize("name", sorted(EDIT_FORMS))
def test_an_edit_form_refuses_a_stale_version(client, site, name):
    """Someone else saves the row between showing the form and sending it: the form is
    refused with the Dutch message, nothing changes; sending the re-shown form saves it."""
    spec = EDIT_FORMS[name]
    client.force_login(site["user"])
    row = _row_for(name, site)
    url = spec["url"](row)
    page = client.get(url + spec["query"].format(org=site["organisation"].pk))
    form = find_form(page.content.decode(), having=spec["field"])
    data = {**form_data(form), **spec["data"]}
    assert data.get(VERSION_FIELD, [""])[0], f"{name}: the form carries no version"

    spec["other_save"](row)
    before = _snapshot(spec["watch"])
    response = client.post(url, data)
    assert response.status_code == 400, name
    assert "Iemand anders heeft dit gewijzigd terwijl u het bewerkte" in response.content.decode()
    assert "Intussen opgeslagen" in response.content.decode()
    assert _snapshot(spec["watch"]) == before

    again = find_form(response.content.decode(), having=spec["field"])
    assert client.post(url, {**form_data(again), **spec["data"]}).status_code == 302, name
