"""Forms that help (issue 16, item 7): visibility says who reads, the themes are searchable,
a file chosen before an error is named with the request to choose it again."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dealmonitor.deals.models import Theme
from dealmonitor.learning import services as learning_services
from dealmonitor.learning.constants import LessonKind, Visibility

from .conftest import make_deal, member

pytestmark = pytest.mark.django_db


def test_a_public_lesson_is_read_without_signing_in_and_the_form_says_so(client, user):
    leader = user("projectleider")
    deal, _, _ = make_deal(1)  # published
    member(leader, deal, "team")
    lesson = learning_services.save_lesson(
        actor=leader, deal=deal, title="Begin klein", text="Een les.", kind=LessonKind.INZICHT,
        visibility=Visibility.PROGRAMMA, learned_on=dt.date(2026, 5, 1))
    # the rule: a lesson "for the programme" of a published deal is public
    assert Client().get(reverse("learning:lesson", args=[deal.slug, lesson.pk])).status_code == 200
    client.force_login(leader)
    html = client.get(reverse("learning:lesson_create", args=[deal.slug])).content.decode()
    assert "openbaar: iedereen, ook zonder in te loggen" in html
    assert "het hele programma" not in html
    assert 'type="radio" name="visibility"' in html


def test_the_themes_are_a_searchable_list(client, user):
    leader = user("projectleider")
    deal, _, _ = make_deal(1)
    member(leader, deal, "team")
    for n in range(61):
        Theme.objects.get_or_create(name=f"thema {n:02d}")
    client.force_login(leader)
    html = client.get(reverse("learning:lesson_create", args=[deal.slug])).content.decode()
    start = html.index("data-dm-multiselect")
    assert html.count('name="themes"', start) == Theme.objects.count()  # works without script
    assert 'data-search-label="Zoek in de lijst"' in html
    assert "ui/multiselect.js" in html


def test_a_file_chosen_before_an_error_is_named_with_the_request_to_choose_it_again(
        client, user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    leader = user("projectleider")
    deal, indicator, _ = make_deal(1)
    member(leader, deal, "team")
    client.force_login(leader)
    upload = SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 rapport", content_type="application/pdf")
    response = client.post(reverse("impact:measurement_create", args=[deal.slug, indicator.pk]), {
        "date": "", "value": "12", "verification": "zelfgerapporteerd", "evidence_file": upload,
    })
    assert response.status_code == 400
    html = response.content.decode()
    assert "U koos het bestand rapport.pdf" in html
    assert "kies het opnieuw" in html
    # before the form is sent nothing says so
    page = client.get(reverse("impact:measurement_create", args=[deal.slug, indicator.pk]))
    assert "U koos het bestand" not in page.content.decode()


def _checked_visibility(html):
    import re

    return re.findall(r'<input type="radio" name="visibility" value="(\w+)"[^>]*\bchecked\b', html)


def test_a_new_lesson_in_the_form_is_for_the_deal_only_until_made_public(client, user):
    """The form proposes the narrower audience for a new lesson; a lesson saved public stays
    public when edited; the model's default (import, API) is unchanged."""
    leader = user("projectleider")
    deal, _, _ = make_deal(1)
    member(leader, deal, "team")
    client.force_login(leader)
    html = client.get(reverse("learning:lesson_create", args=[deal.slug])).content.decode()
    assert _checked_visibility(html) == [Visibility.DEAL]
    public = learning_services.save_lesson(
        actor=leader, deal=deal, title="Begin klein", text="Een les.", kind=LessonKind.INZICHT,
        visibility=Visibility.PROGRAMMA, learned_on=dt.date(2026, 5, 1))
    html = client.get(reverse("learning:lesson_edit", args=[deal.slug, public.pk])).content.decode()
    assert _checked_visibility(html) == [Visibility.PROGRAMMA]
    unsaid = learning_services.save_lesson(
        actor=leader, deal=deal, title="Zonder keuze", text="Een les.", kind=LessonKind.INZICHT,
        learned_on=dt.date(2026, 5, 1))
    assert unsaid.visibility == Visibility.PROGRAMMA
