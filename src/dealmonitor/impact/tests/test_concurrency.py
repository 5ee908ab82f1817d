"""Lost updates and double submits on the indicator pages (the mechanism: ui/concurrency.py).

Two people edit one indicator: the later save of a stale form must not silently undo the
other's change. Posting the measurement form twice must store one measurement (a cumulative
indicator would otherwise count it twice), also when both posts arrive at the same moment."""

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from dealmonitor.impact import services
from dealmonitor.impact.models import Indicator, Measurement
from dealmonitor.ui.tests.html_forms import find_form, form_data

pytestmark = pytest.mark.django_db


def _edit_url(indicator):
    return reverse("impact:indicator_edit", args=[indicator.deal.slug, indicator.pk])


def _measure_url(indicator):
    return reverse("impact:measurement_create", args=[indicator.deal.slug, indicator.pk])


def _form(client, url, having):
    page = client.get(url)
    assert page.status_code == 200
    return form_data(find_form(page.content.decode(), having=having))


def test_the_later_save_of_a_stale_form_is_refused_and_shows_both_inputs(client, team_user, numeric,
                                                                         django_user_model):
    colleague = Client()
    colleague.force_login(django_user_model.objects.get(pk=team_user.pk))
    client.force_login(team_user)
    mine = _form(client, _edit_url(numeric), "description")
    theirs = _form(colleague, _edit_url(numeric), "description")

    theirs["name"] = ["Woningen aardgasvrij"]
    assert colleague.post(_edit_url(numeric), theirs).status_code == 302

    mine["description"] = ["Geteld bij oplevering."]
    response = client.post(_edit_url(numeric), mine)
    page = response.content.decode()
    assert response.status_code == 400
    numeric.refresh_from_db()
    assert numeric.name == "Woningen aardgasvrij" and numeric.description == ""
    assert "Iemand anders heeft dit gewijzigd terwijl u het bewerkte" in page
    assert "Geteld bij oplevering." in page  # my input, kept
    assert "Intussen opgeslagen: Woningen aardgasvrij" in page  # their change, shown

    # Having seen it, I save again: a deliberate choice, accepted.
    again = form_data(find_form(page, having="description"))
    assert again["description"] == ["Geteld bij oplevering."]
    again["name"] = ["Woningen aardgasvrij"]
    assert client.post(_edit_url(numeric), again).status_code == 302
    numeric.refresh_from_db()
    assert (numeric.name, numeric.description) == ("Woningen aardgasvrij", "Geteld bij oplevering.")


def test_the_same_edit_form_sent_twice_is_saved_without_a_conflict(client, team_user, numeric):
    """A double click on Save: the second post finds the row as the first one left it, which
    is what it says itself, so nothing of anyone's is lost and no conflict is reported."""
    client.force_login(team_user)
    data = _form(client, _edit_url(numeric), "description")
    data["description"] = ["Geteld bij oplevering."]
    assert client.post(_edit_url(numeric), data).status_code == 302
    assert client.post(_edit_url(numeric), data).status_code == 302
    numeric.refresh_from_db()
    assert numeric.description == "Geteld bij oplevering."


def _measurement(client, indicator):
    data = _form(client, _measure_url(indicator), "value")
    data.update({"value": ["12,5"], "date": ["2024-06-30"]})
    return data


def test_posting_the_measurement_form_twice_stores_one_measurement(client, team_user, numeric):
    client.force_login(team_user)
    data = _measurement(client, numeric)
    first = client.post(_measure_url(numeric), data)
    second = client.post(_measure_url(numeric), data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Measurement.objects.filter(indicator=numeric).count() == 1
    # A new form is a new measurement.
    assert client.post(_measure_url(numeric), _measurement(client, numeric)).status_code == 302
    assert Measurement.objects.filter(indicator=numeric).count() == 2


def test_tokens_older_than_the_stated_days_are_forgotten(client, team_user, numeric, settings):
    """The table of sent create forms does not grow for ever: storing a token removes those
    older than FORM_TOKEN_DAYS (and keeps the recent ones, which still stop a repeat)."""
    import datetime as dt
    import uuid

    from django.utils import timezone

    from dealmonitor.ui.models import FormSubmission

    settings.FORM_TOKEN_DAYS = 7
    old = FormSubmission.objects.create(token=uuid.uuid4())
    recent = FormSubmission.objects.create(token=uuid.uuid4())
    FormSubmission.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    FormSubmission.objects.filter(pk=recent.pk).update(created_at=timezone.now() - dt.timedelta(days=6))
    client.force_login(team_user)
    assert client.post(_measure_url(numeric), _measurement(client, numeric)).status_code == 302
    assert not FormSubmission.objects.filter(pk=old.pk).exists()
    assert FormSubmission.objects.filter(pk=recent.pk).exists()


def test_a_measurement_form_with_errors_can_be_corrected_and_sent(client, team_user, numeric):
    client.force_login(team_user)
    data = _measurement(client, numeric)
    data["value"] = ["twaalf"]
    assert client.post(_measure_url(numeric), data).status_code == 400
    data["value"] = ["12"]
    assert client.post(_measure_url(numeric), data).status_code == 302
    assert Measurement.objects.filter(indicator=numeric).count() == 1


def _slow(monkeypatch, name):
    """Make a service take a while, so that two requests overlap for certain."""
    original = getattr(services, name)

    def slow(**kwargs):
        time.sleep(0.5)
        return original(**kwargs)

    monkeypatch.setattr(services, name, slow)


def _at_once(*posts):
    """Run the posts in threads that start together; their responses, in order."""
    barrier = threading.Barrier(len(posts))
    results = [None] * len(posts)

    def run(i, post):
        try:
            barrier.wait()
            results[i] = post()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


needs_row_locks = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="simultaneous requests need row locks and concurrent writers: PostgreSQL only",
)


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_of_one_measurement_form_store_one(team_user, numeric, monkeypatch):
    _slow(monkeypatch, "record_measurement")
    clients = [Client(), Client()]
    for c in clients:
        c.force_login(team_user)
    data = _measurement(clients[0], numeric)
    responses = _at_once(*[lambda c=c: c.post(_measure_url(numeric), data) for c in clients])
    assert [r.status_code for r in responses] == [302, 302]
    assert Measurement.objects.filter(indicator=numeric).count() == 1


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_one_version_let_one_through(team_user, numeric, monkeypatch):
    _slow(monkeypatch, "save_indicator")
    clients = [Client(), Client()]
    for c in clients:
        c.force_login(team_user)
    forms = [_form(c, _edit_url(numeric), "description") for c in clients]
    forms[0]["description"] = ["Eerste"]
    forms[1]["description"] = ["Tweede"]
    responses = _at_once(*[lambda c=c, f=f: c.post(_edit_url(numeric), f) for c, f in zip(clients, forms)])
    assert sorted(r.status_code for r in responses) == [302, 400]
    winner = forms[[r.status_code for r in responses].index(302)]["description"][0]
    assert Indicator.objects.get(pk=numeric.pk).description == winner
