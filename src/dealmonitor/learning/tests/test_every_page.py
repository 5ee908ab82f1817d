"""Every page of the learning and connections apps, on the real demo data, in a real browser:
each answers, has one main heading, can be reached by Tab from the page's first link to its
main content, and passes an axe scan for WCAG 2.1 AA. New pages are found through the URL
configuration, so a page added without being listed here fails the test."""

import pytest
from django.core.management import call_command
from django.urls import get_resolver, reverse
from playwright.sync_api import expect

from dealmonitor.connections.models import CommunityEvent
from dealmonitor.deals.models import Deal
from dealmonitor.learning import services
from dealmonitor.learning.models import (
    AssessmentTemplate,
    Bottleneck,
    Deliverable,
    Experiment,
    Lesson,
    Milestone,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Pages that only take a POST (no page of their own).
POST_ONLY = {"connections:decide"}


def _page_names(namespace):
    resolver = get_resolver()
    names = set()
    for key in resolver.namespace_dict[namespace][1].reverse_dict:
        if isinstance(key, str):
            names.add(f"{namespace}:{key}")
    return names


def _urls():
    ew = Deal.objects.get(slug="cd-energieke-wijken")
    rnd = services.open_round(actor=None, deal=ew, name="Tussenmeting 2025")
    isde = Bottleneck.objects.get(deal=ew, rule__contains="ISDE")
    lesson = Lesson.objects.filter(visibility="programma").first()
    event = CommunityEvent.objects.get(title__startswith="Voorbeeld")
    return {
        "learning:programme": reverse("learning:programme"),
        "learning:evidence_gaps": reverse("learning:evidence_gaps"),
        "learning:key_persons": reverse("learning:key_persons"),
        "learning:bottlenecks": reverse("learning:bottlenecks"),
        "learning:bottleneck": isde.get_absolute_url(),
        "learning:bottleneck_edit": reverse("learning:bottleneck_edit", args=[isde.deal.slug, isde.pk]),
        "learning:lessons": reverse("learning:lessons") + "?q=knelpunt",
        "learning:lesson": lesson.get_absolute_url(),
        "learning:lesson_edit": reverse("learning:lesson_edit", args=[lesson.deal.slug, lesson.pk]),
        "learning:templates": reverse("learning:templates"),
        "learning:template_version": reverse(
            "learning:template_version", args=[AssessmentTemplate.objects.get(is_default=True).pk]),
        "learning:round": rnd.get_absolute_url(),
        "learning:round_answer": reverse("learning:round_answer", args=[rnd.deal.slug, rnd.pk]),
        "learning:round_close": reverse("learning:round_close", args=[rnd.deal.slug, rnd.pk]),
        "learning:milestone_edit": _row_url("learning:milestone_edit", Milestone.objects.first()),
        "learning:experiment_edit": _row_url("learning:experiment_edit", Experiment.objects.first()),
        "learning:adoption_create": _row_url("learning:adoption_create", Deliverable.objects.first()),
        "learning:deal": reverse("learning:deal", args=[ew.slug]),
        "learning:bottleneck_create": reverse("learning:bottleneck_create", args=[ew.slug]),
        "learning:lesson_create": reverse("learning:lesson_create", args=[ew.slug]),
        "learning:round_open": reverse("learning:round_open", args=["cd-fietsen-voor-iedereen"]),
        "learning:uptake_create": reverse("learning:uptake_create", args=[ew.slug]),
        "learning:deliverable_create": reverse("learning:deliverable_create", args=[ew.slug]),
        "learning:scaling_plan": reverse("learning:scaling_plan", args=["cd-lokale-weerbaarheid-cybercrime"]),
        "learning:start_conversation": reverse("learning:start_conversation", args=[ew.slug]),
        "learning:milestone_create": reverse("learning:milestone_create", args=[ew.slug]),
        "learning:experiment_create": reverse("learning:experiment_create", args=[ew.slug]),
        "connections:overview": reverse("connections:overview"),
        "connections:deal": reverse("connections:deal", args=["cd-een-slimme-stad"]),
        "connections:network": reverse("connections:network"),
        "connections:events": reverse("connections:events"),
        "connections:event": reverse("connections:event", args=[event.pk]),
    }


def test_every_learning_and_connections_page_answers_and_passes_axe(
    live_server, demo_data, staff_user, page, axe_check
):
    call_command("loadimpactdemo")
    call_command("loadlearningdemo")
    call_command("related", "--rebuild")
    call_command("loadconnectionsdemo")
    urls = _urls()
    assert _page_names("learning") | _page_names("connections") == set(urls) | POST_ONLY

    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Gebruikersnaam").fill(staff_user.username)
    page.get_by_label("Wachtwoord").fill("een-lang-wachtwoord-42")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text(f"Ingelogd als {staff_user.username}")).to_be_visible()
    for name, url in urls.items():
        response = page.goto(live_server.url + url)
        assert response.status == 200, name
        expect(page.locator("h1")).to_have_count(1)
        # The keyboard reaches the page's own content (a link or field inside <main>).
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("!!document.activeElement.closest('main')"):
                break
        else:
            pytest.fail(f"{name}: Tab never reaches the main content")
        axe_check(page)


def _row_url(name, row):
    return reverse(name, args=[row.deal.slug, row.pk])
