"""The lessons library search: Dutch stemming and stop words, ranking, filters, visibility.
Runs on SQLite (stems from utils.text) and on PostgreSQL (its `dutch` text search)."""

import pytest
from django.contrib.auth.models import AnonymousUser


from dealmonitor.deals.models import Theme
from dealmonitor.learning import selectors, services
from dealmonitor.learning.constants import Visibility

pytestmark = pytest.mark.django_db


def lesson(deal, title, text, **extra):
    fields = {"kind": "inzicht", "visibility": Visibility.PROGRAMMA}
    fields.update(extra)
    return services.save_lesson(actor=None, deal=deal, title=title, text=text, **fields)


def titles(rows):
    return [r.title for r in rows]


def test_a_lesson_about_knelpunten_is_found_with_knelpunt(deal):
    found = lesson(deal, "Agenderen werkt", "We brachten de knelpunten in de regels vroeg naar het Rijk.")
    lesson(deal, "Iets anders", "Bewoners doen mee in de wijk.")
    assert titles(selectors.lesson_library(None, q="knelpunt")) == [found.title]
    assert titles(selectors.lesson_library(None, q="Knelpunten")) == [found.title]


def test_every_word_must_match_and_stop_words_are_ignored(deal):
    lesson(deal, "Subsidie", "De subsidie voor bewoners werd aangepast.")
    lesson(deal, "Subsidie en wijk", "De subsidie voor bewoners in de wijk werd aangepast.")
    assert titles(selectors.lesson_library(None, q="subsidie wijk")) == ["Subsidie en wijk"]
    assert titles(selectors.lesson_library(None, q="de subsidie")) != []
    assert selectors.lesson_library(None, q="de het een") == []


def test_an_exact_phrase_ranks_above_a_scattered_match(deal):
    scattered = lesson(deal, "Verspreid", "Wet- en regelgeving bleek geen probleem; het grootste knelpunt was geld voor de wijk.")
    phrase = lesson(deal, "Precies", "Het belangrijkste knelpunt regelgeving hebben we opgelost met het Rijk.")
    results = selectors.lesson_library(None, q="knelpunt regelgeving")
    assert titles(results) == [phrase.title, scattered.title]
    assert results[0].rank > results[1].rank


def test_a_match_in_the_title_ranks_above_one_in_the_text(deal):
    lesson(deal, "Over borging", "Een tekst over iets anders, langer dan de titel, met borging op het eind.")
    lesson(deal, "Iets anders", "Borging kwam ook ter sprake in een lange tekst over de wijk en de stad.")
    assert titles(selectors.lesson_library(None, q="borging"))[0] == "Over borging"


def test_filters_by_phase_theme_and_kind(deal):
    energy = Theme.objects.get(name="energietransitie")
    other = Theme.objects.create(name="gezondheid")
    a = lesson(deal, "Fase leren", "Knelpunt opgelost", phase="leren", themes=[energy])
    lesson(deal, "Fase aanjagen", "Knelpunt gevonden", phase="aanjagen", themes=[other], kind="fout")
    assert titles(selectors.lesson_library(None, q="knelpunt", phase="leren")) == [a.title]
    assert titles(selectors.lesson_library(None, theme=other)) == ["Fase aanjagen"]
    assert titles(selectors.lesson_library(None, kind="fout")) == ["Fase aanjagen"]


def test_a_lesson_for_the_deal_only_is_hidden_from_others(deal, team_user, rotterdam_user, outsider, staff_user):
    lesson(deal, "Intern", "Een knelpunt in onze samenwerking.", visibility=Visibility.DEAL)
    assert selectors.lesson_library(AnonymousUser(), q="knelpunt") == []
    assert selectors.lesson_library(outsider, q="knelpunt") == []
    for user in (team_user, rotterdam_user, staff_user, None):  # None: the command line
        assert titles(selectors.lesson_library(user, q="knelpunt")) == ["Intern"]


def test_editing_a_lesson_updates_what_it_is_found_by(deal):
    found = lesson(deal, "Titel", "Over fietsen.")
    services.save_lesson(actor=None, deal=deal, lesson=found, text="Over lopen.")
    assert selectors.lesson_library(None, q="fietsen") == []
    assert titles(selectors.lesson_library(None, q="lopen")) == ["Titel"]
