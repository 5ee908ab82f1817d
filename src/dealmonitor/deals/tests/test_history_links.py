"""Many-to-many links in a deal's change log: a deal's themes, a lesson's themes (and its
indicators, assumptions, bottlenecks), an effect's tags. Who changed them, when, what was
added and removed, and why; and putting the earlier links back."""

import datetime as dt
import html

import pytest
from django.apps import apps
from django.urls import reverse

from dealmonitor.accounts.models import DealMembership
from dealmonitor.connections import services as connection_services
from dealmonitor.deals import history
from dealmonitor.deals.history_baseline import keep_current_links
from dealmonitor.deals.models import Deal, Theme
from dealmonitor.deals.services import restore_change, save_deal
from dealmonitor.deals.tests.factories import DealFactory
from dealmonitor.impact import services as impact_services
from dealmonitor.impact.models import Effect, ReferenceItem
from dealmonitor.learning import services as learning_services
from dealmonitor.learning.models import Lesson
from dealmonitor.utils.change_reason import change_reason
from dealmonitor.utils.queries import count_queries

pytestmark = pytest.mark.django_db
PASSWORD = "een-lang-wachtwoord-42"


@pytest.fixture
def deal():
    return DealFactory(slug="cd-koppelingen", name="City Deal Koppelingen", unpublished=True)


@pytest.fixture
def team(deal, django_user_model):
    user = django_user_model.objects.create_user("leider", password=PASSWORD)
    DealMembership.objects.create(user=user, deal=deal, role="team")
    return user


def log_page(client, deal, **params):
    response = client.get(reverse("deals:change_log", args=[deal.slug]), params)
    assert response.status_code == 200
    return response.content.decode()


def row_of(page, label, record):
    """The table row of one entry (raw HTML)."""
    start = page.index(f'id="wijziging-{label}-{record.history_id}"')
    return page[start:page.index("</tr>", start)]


def themes(obj):
    return sorted(obj.themes.values_list("name", flat=True))


def test_a_change_of_a_deals_themes_is_one_entry_with_who_what_and_why(client, deal, team):
    save_deal(actor=None, slug=deal.slug, themes=["Energie", "Wonen"])
    before = Deal.history.filter(id=deal.pk).count()
    with change_reason("correctie", "verkeerd thema"):
        save_deal(actor=team, slug=deal.slug, themes=["Wonen", "Zorg"])
    assert Deal.history.filter(id=deal.pk).count() == before + 1  # not one per add or remove
    record = Deal.history.filter(id=deal.pk).latest("history_id")
    assert record.history_user == team
    assert record.history_change_reason == "correctie: verkeerd thema"
    assert sorted(record.themes.values_list("theme__name", flat=True)) == ["Wonen", "Zorg"]

    client.force_login(team)
    row = html.unescape(row_of(log_page(client, deal), "deals.deal", record))
    assert "Thema's</span>: " in row
    assert "toegevoegd Zorg" in row and "verwijderd Energie" in row
    assert "Wonen" not in row  # kept, so not a change
    assert "leider" in row and "Correctie" in row and "verkeerd thema" in row


def test_saving_the_same_themes_again_writes_nothing(deal, team):
    save_deal(actor=team, slug=deal.slug, themes=["Energie"])
    count = Deal.history.filter(id=deal.pk).count()
    save_deal(actor=team, slug=deal.slug, themes=["Energie"])
    assert Deal.history.filter(id=deal.pk).count() == count


def test_a_change_of_a_lessons_themes_shows_in_the_deals_log(client, deal, team):
    lesson = learning_services.save_lesson(
        actor=team, deal=deal, title="Vroeg beginnen", text="Begin vroeg.", kind="inzicht",
        themes=[Theme.objects.create(name="Energie")],
    )
    with change_reason("nieuwe-informatie", "na de evaluatie"):
        learning_services.save_lesson(
            actor=team, deal=deal, lesson=lesson,
            themes=[Theme.objects.create(name="Mobiliteit")],
        )
    assert themes(lesson) == ["Mobiliteit"]
    record = Lesson.history.filter(id=lesson.pk).latest("history_id")
    assert record.history_user == team
    assert record.history_change_reason == "nieuwe-informatie: na de evaluatie"

    client.force_login(team)
    page = log_page(client, deal, onderdeel="learning")
    row = html.unescape(row_of(page, "learning.lesson", record))
    assert "Vroeg beginnen" in row and "leider" in row
    assert "toegevoegd Mobiliteit" in row and "verwijderd Energie" in row
    assert "Nieuwe informatie" in row and "na de evaluatie" in row
    # the creation shows the first theme as the lesson's start
    first = Lesson.history.filter(id=lesson.pk).order_by("history_id")[1]
    assert "toegevoegd Energie" in html.unescape(row_of(page, "learning.lesson", first))


def test_a_lessons_indicators_and_bottlenecks_are_in_the_log_too(client, deal, team):
    indicator = impact_services.save_indicator(actor=team, deal=deal, name="Woningen")
    bottleneck = learning_services.report_bottleneck(
        actor=team, deal=deal, title="Regels rond warmte", kind="regelgeving",
    )
    lesson = learning_services.save_lesson(actor=team, deal=deal, title="Meten", text="x",
                                           kind="inzicht")
    learning_services.save_lesson(actor=team, deal=deal, lesson=lesson, indicators=[indicator],
                                  bottlenecks=[bottleneck])
    record = Lesson.history.filter(id=lesson.pk).latest("history_id")
    client.force_login(team)
    row = html.unescape(row_of(log_page(client, deal, onderdeel="learning"), "learning.lesson",
                               record))
    assert "Indicatoren</span>: " in row and "toegevoegd Woningen" in row
    assert "Knelpunten</span>: " in row and "toegevoegd Regels rond warmte" in row


def test_names_of_links_are_escaped(client, deal, team):
    save_deal(actor=team, slug=deal.slug, themes=["<script>alert(1)</script>"])
    client.force_login(team)
    page = log_page(client, deal)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_earlier_themes_are_put_back_as_a_new_change(client, deal, team):
    save_deal(actor=team, slug=deal.slug, themes=["Energie", "Wonen"])
    save_deal(actor=team, slug=deal.slug, themes=["Zorg"])
    change = Deal.history.filter(id=deal.pk).latest("history_id")
    client.force_login(team)
    assert "Eerdere waarde terugzetten" in html.unescape(row_of(log_page(client, deal),
                                                                "deals.deal", change))
    response = client.post(
        reverse("deals:restore_change", args=[deal.slug, "deals.deal", change.history_id]),
        {"note": "Zorg was fout"},
    )
    assert response.status_code == 302
    assert themes(deal) == ["Energie", "Wonen"]
    latest = Deal.history.filter(id=deal.pk).latest("history_id")
    assert latest.history_change_reason == "herstel: Zorg was fout"
    assert latest.history_user == team
    row = html.unescape(row_of(log_page(client, deal), "deals.deal", latest))
    assert "toegevoegd Energie, Wonen" in row and "verwijderd Zorg" in row


def test_a_link_to_a_deleted_theme_is_not_put_back(deal, team):
    save_deal(actor=team, slug=deal.slug, themes=["Energie", "Wonen"])
    save_deal(actor=team, slug=deal.slug, themes=[])
    change = Deal.history.filter(id=deal.pk).latest("history_id")
    Theme.objects.filter(name="Wonen").delete()
    restore_change(actor=team, deal=deal, label="deals.deal", history_id=change.history_id)
    assert themes(deal) == ["Energie"]


def test_a_deleted_lesson_comes_back_with_its_themes(deal, team):
    lesson = learning_services.save_lesson(
        actor=team, deal=deal, title="Weg", text="x", kind="inzicht",
        themes=[Theme.objects.create(name="Energie")],
    )
    pk = lesson.pk
    lesson._history_user = team
    lesson.delete()
    deletion = Lesson.history.get(id=pk, history_type="-")
    restore_change(actor=team, deal=deal, label="learning.lesson", history_id=deletion.history_id)
    assert themes(Lesson.objects.get(pk=pk)) == ["Energie"]


def test_an_effects_tags_are_one_entry_by_the_actor(client, deal, team):
    items = list(ReferenceItem.objects.order_by("pk")[:2])
    assert len(items) == 2  # shipped by a migration
    effect = impact_services.save_effect(actor=team, deal=deal, description="Minder uitstoot",
                                         valence="positief", dimension="ecologisch")
    count = Effect.history.filter(id=effect.pk).count()
    impact_services.save_effect(actor=team, deal=deal, effect=effect, tags=items)
    assert Effect.history.filter(id=effect.pk).count() == count + 2  # the row, then its links
    record = Effect.history.filter(id=effect.pk).latest("history_id")
    assert record.history_user == team
    client.force_login(team)
    row = html.unescape(row_of(log_page(client, deal, onderdeel="pathway"), "impact.effect", record))
    assert f"toegevoegd {', '.join(sorted((i.name for i in items), key=str.lower))}" in row


def test_the_deals_of_an_event_are_one_entry_by_the_actor(deal, django_user_model):
    admin = django_user_model.objects.create_user("beheer", password=PASSWORD, is_staff=True,
                                                  is_superuser=True)
    event = connection_services.create_event(actor=admin, title="Bijeenkomst",
                                             date=dt.date(2024, 5, 1))
    other = DealFactory()
    connection_services.set_event_deals(actor=admin, event=event, deals=[deal, other])
    connection_services.set_event_deals(actor=admin, event=event, deals=[other])
    records = list(event.history.order_by("history_id"))
    assert [r.history_type for r in records] == ["+", "~", "~"]
    assert records[-1].history_user == admin
    assert list(records[-1].deals.values_list("deal_id", flat=True)) == [other.pk]


def test_the_migration_gives_earlier_entries_the_current_links(client, deal, team):
    """Entries from before the links were kept get today's links: no invented change."""
    energy, housing = Theme.objects.create(name="Energie"), Theme.objects.create(name="Wonen")
    deal.skip_history_when_saving = True
    deal.themes.set([energy, housing])
    del deal.skip_history_when_saving
    save_deal(actor=team, slug=deal.slug, name="Nieuwe naam")
    Kept = Deal.history.model.themes.model
    Kept.objects.all().delete()  # as before the migration: no links kept
    keep_current_links("deals", "Deal", ["themes"])(apps, None)
    for record in Deal.history.filter(id=deal.pk):
        assert sorted(record.themes.values_list("theme__name", flat=True)) == ["Energie", "Wonen"]
    client.force_login(team)
    page = html.unescape(log_page(client, deal))
    assert "toegevoegd Energie" not in page
    save_deal(actor=team, slug=deal.slug, themes=["Energie"])
    assert "verwijderd Wonen" in html.unescape(log_page(client, deal))


def test_the_log_with_links_reads_a_fixed_number_of_queries(client, deal, team):
    client.force_login(team)
    url = reverse("deals:change_log", args=[deal.slug])

    def measure():
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        return counted.count

    lesson = learning_services.save_lesson(actor=team, deal=deal, title="Les", text="x",
                                           kind="inzicht", themes=[Theme.objects.create(name="T0")])
    save_deal(actor=team, slug=deal.slug, themes=["T0"])
    before = measure()
    for i in range(1, 8):
        learning_services.save_lesson(actor=team, deal=deal, lesson=lesson,
                                      themes=[Theme.objects.create(name=f"T{i}")])
        save_deal(actor=team, slug=deal.slug, themes=[f"T{i}", f"T{i - 1}"])
    assert measure() == before


def test_every_kept_relation_is_one_the_log_knows():
    kept = {label: [f.name for f in history.relations_of(label)] for label in history.PART_OF}
    assert kept["deals.deal"] == ["themes"]
    assert kept["learning.lesson"] == ["themes", "indicators", "assumptions", "bottlenecks"]
    assert kept["impact.effect"] == ["tags"]
