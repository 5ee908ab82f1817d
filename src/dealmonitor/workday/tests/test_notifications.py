"""E-mail notifications (issue 16, item 5), with Django's locmem backend (pytest-django)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command

from dealmonitor.accounts import services as account_services
from dealmonitor.deals.tests.factories import OrganisationFactory, ParticipationFactory
from dealmonitor.impact import services as impact_services
from dealmonitor.learning import services as learning_services
from dealmonitor.workday import notifications

from .conftest import TODAY, make_deal, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(user):
    deal, indicator, org = make_deal(1)
    leader, partner, maker, stranger = (user("leider"), user("partner"), user("maker"),
                                        user("vreemd"))
    member(leader, deal, "team")
    member(partner, deal, "partner", org)
    member(maker, deal, "dealmaker")
    return {"deal": deal, "indicator": indicator, "org": org, "leader": leader,
            "partner": partner, "maker": maker, "stranger": stranger}


def test_opening_a_round_invites_the_deal_in_each_ones_language(world, settings,
                                                                 django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://dealmonitor.example.nl"
    account_services.set_profile(actor=world["partner"], user=world["partner"],
                                 email="partner@example.org", language="en",
                                 round_invitations=True)
    with django_capture_on_commit_callbacks(execute=True):
        round = learning_services.open_round(actor=world["leader"], deal=world["deal"],
                                             name="Midterm 2026")
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"leider@example.org", "partner@example.org", "maker@example.org"}
    dutch, english = by_address["leider@example.org"], by_address["partner@example.org"]
    assert "Zelfevaluatie" in dutch.subject or "zelfevaluatie" in dutch.subject
    assert (f"https://dealmonitor.example.nl/deals/{world['deal'].slug}/zelfevaluaties/"
            f"{round.pk}/invullen/") in dutch.body
    assert "Self-assessment round opened" in english.subject
    assert f"https://dealmonitor.example.nl/en/deals/{world['deal'].slug}/zelfevaluaties/" in english.body


def test_who_turned_invitations_off_gets_none(world, django_capture_on_commit_callbacks):
    account_services.set_profile(actor=world["leader"], user=world["leader"],
                                 email="leider@example.org", round_invitations=False)
    with django_capture_on_commit_callbacks(execute=True):
        learning_services.open_round(actor=world["leader"], deal=world["deal"], name="Ronde")
    assert "leider@example.org" not in {m.to[0] for m in mail.outbox}
    assert len(mail.outbox) == 2


def test_a_bottleneck_reaches_the_dealmaker_only(world, ministry, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        bottleneck = learning_services.report_bottleneck(
            actor=world["leader"], deal=world["deal"], title="Regel knelt", kind="regelgeving",
            ministry=ministry)
    assert [m.to for m in mail.outbox] == [["maker@example.org"]]
    assert f"/deals/{world['deal'].slug}/knelpunten/{bottleneck.pk}/" in mail.outbox[0].body
    assert "Regel knelt" in mail.outbox[0].body


def test_reminders_are_sent_once_per_period(world):
    sent = notifications.remind_measurements(TODAY)
    # the team and the partner member record measurements; the dealmaker does not
    assert sent == 2
    assert {m.to[0] for m in mail.outbox} == {"leider@example.org", "partner@example.org"}
    body = {m.to[0]: m.body for m in mail.outbox}["partner@example.org"]
    assert "2026-K1" in body
    assert f"/deals/{world['deal'].slug}/indicatoren/{world['indicator'].pk}/meting/" in body
    mail.outbox.clear()
    assert notifications.remind_measurements(TODAY) == 0  # idempotent: recorded
    assert notifications.remind_measurements(TODAY + dt.timedelta(days=5)) == 0  # same period
    assert mail.outbox == []
    # the next quarter ends: a new reminder, unless measured
    impact_services.record_measurement(actor=None, indicator=world["indicator"],
                                       date=dt.date(2026, 6, 30), value=Decimal(1),
                                       reporting_organisation=world["org"])
    assert notifications.remind_measurements(dt.date(2026, 7, 2)) == 0
    assert notifications.remind_measurements(dt.date(2026, 10, 2)) == 2


def test_the_remind_command_says_what_it_sent(world, capsys):
    call_command("remind", "--date", TODAY.isoformat())
    assert "2 reminder(s)" in capsys.readouterr().out
    call_command("remind", "--date", TODAY.isoformat())
    assert "0 reminder(s)" in capsys.readouterr().out


def test_the_weekly_digest_is_for_who_asked_once_a_week(world):
    account_services.set_profile(actor=world["leader"], user=world["leader"],
                                 email="leider@example.org", weekly_digest=True)
    monday = dt.date(2026, 5, 18)
    assert notifications.weekly_digest(monday + dt.timedelta(days=1)) == 0  # not a Monday
    assert notifications.weekly_digest(monday) == 1
    assert notifications.weekly_digest(monday) == 0
    assert mail.outbox[0].to == ["leider@example.org"]
    assert "/mijn-deals/" in mail.outbox[0].body


def test_the_profile_page_sets_the_choices(client, world):
    client.force_login(world["leader"])
    page = client.get("/account/profiel/")
    assert page.status_code == 200
    html = page.content.decode()
    token = html.split('name="form_token" value="')[1].split('"')[0]
    response = client.post("/account/profiel/", {
        "email": "nieuw@example.org", "round_invitations": "on", "language": "en",
        "form_token": token,
    })
    assert response.status_code == 302
    world["leader"].refresh_from_db()
    prefs = world["leader"].notification_preferences
    assert world["leader"].email == "nieuw@example.org"
    assert prefs.round_invitations and not prefs.measurement_reminders and prefs.language == "en"


def test_a_failing_mail_server_does_not_undo_the_round(world, settings,
                                                       django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    with django_capture_on_commit_callbacks(execute=True):
        round = learning_services.open_round(actor=world["leader"], deal=world["deal"], name="R")
    assert round.pk is not None


def _report(world, ministry, captured, **extra):
    with captured(execute=True):
        return learning_services.report_bottleneck(
            actor=world["leader"], deal=world["deal"], title="Regel knelt", kind="regelgeving",
            ministry=ministry, **extra)


def test_a_bottleneck_reaches_the_contact_of_its_ministry_in_the_deal(
        world, ministry, django_capture_on_commit_callbacks):
    ParticipationFactory(deal=world["deal"], organisation=ministry, contact_name="Fatima Bakker",
                         contact_email="f.bakker@minbzk.example.nl")
    bottleneck = _report(world, ministry, django_capture_on_commit_callbacks,
                         rule="Bouwbesluit 2012, artikel 5.2")
    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == ["f.bakker@minbzk.example.nl", "maker@example.org"]
    assert len(mail.outbox) == 2  # once each
    notice = by_address["f.bakker@minbzk.example.nl"]
    assert "Fatima Bakker" in notice.body
    assert "Regel knelt" in notice.body and "Bouwbesluit 2012, artikel 5.2" in notice.body
    assert "Ministerie van BZK" in notice.body
    assert f"/deals/{world['deal'].slug}/knelpunten/{bottleneck.pk}/" in notice.body
    assert world["deal"].name in notice.subject


def test_no_contact_mail_without_a_contact_address(world, ministry,
                                                   django_capture_on_commit_callbacks):
    ParticipationFactory(deal=world["deal"], organisation=ministry, contact_name="Fatima Bakker")
    _report(world, ministry, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["maker@example.org"]]


def test_the_contact_of_another_organisation_gets_no_mail(world, ministry,
                                                          django_capture_on_commit_callbacks):
    """Only the organisation the bottleneck is raised with: not every contact in the deal,
    and nobody when it is raised with no organisation."""
    other = OrganisationFactory(name="Ministerie van EZK", slug="ministerie-ezk")
    ParticipationFactory(deal=world["deal"], organisation=other,
                         contact_email="contact@minezk.example.nl")
    _report(world, ministry, django_capture_on_commit_callbacks)
    _report(world, None, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["maker@example.org"], ["maker@example.org"]]


def test_a_contact_who_is_also_the_dealmaker_gets_one_mail(world, ministry,
                                                          django_capture_on_commit_callbacks):
    ParticipationFactory(deal=world["deal"], organisation=ministry,
                         contact_email="MAKER@example.org")
    _report(world, ministry, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["maker@example.org"]]


def test_the_contact_mail_is_sent_on_commit_only(world, ministry, django_capture_on_commit_callbacks):
    ParticipationFactory(deal=world["deal"], organisation=ministry,
                         contact_email="f.bakker@minbzk.example.nl")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        learning_services.report_bottleneck(
            actor=world["leader"], deal=world["deal"], title="Regel knelt", kind="regelgeving",
            ministry=ministry)
    assert mail.outbox == []  # nothing before the report has committed
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == ["f.bakker@minbzk.example.nl",
                                                    "maker@example.org"]


def test_a_ministry_named_later_reaches_its_contact_once(world, ministry, django_capture_on_commit_callbacks):
    """A bottleneck reported without a ministry, the ministry chosen later in the edit form: its
    contact gets the notice then (the dealmakers had theirs with the report); saving again,
    or naming the same ministry, sends nothing more; another ministry's contact gets one."""
    ParticipationFactory(deal=world["deal"], organisation=ministry, contact_name="Fatima Bakker",
                         contact_email="f.bakker@minbzk.example.nl")
    other = OrganisationFactory(name="Ministerie van EZK", slug="ministerie-ezk", type=ministry.type)
    ParticipationFactory(deal=world["deal"], organisation=other, contact_email="contact@minezk.example.nl")
    bottleneck = _report(world, None, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["maker@example.org"]]
    mail.outbox.clear()

    def update(**fields):
        with django_capture_on_commit_callbacks(execute=True):
            learning_services.update_bottleneck(actor=world["leader"], bottleneck=bottleneck, **fields)

    update(ministry=ministry)
    assert [m.to for m in mail.outbox] == [["f.bakker@minbzk.example.nl"]]
    assert "Fatima Bakker" in mail.outbox[0].body and bottleneck.title in mail.outbox[0].body
    update(title="Regel knelt nog steeds")
    update(ministry=ministry)
    assert len(mail.outbox) == 1
    update(ministry=other)
    assert [m.to for m in mail.outbox] == [["f.bakker@minbzk.example.nl"], ["contact@minezk.example.nl"]]
