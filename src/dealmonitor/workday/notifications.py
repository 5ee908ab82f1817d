"""E-mail that reaches people who are not looking (docs/configuration.md#e-mail).

Plain functions: each finds its recipients, renders one mail per recipient in the recipient's
language with a link to the exact page, and sends it through Django's mail framework. They
are called when a round opens and a bottleneck is reported (signals from learning, connected
in apps.py) and by `dealmonitor remind` (measurements due, the weekly digest). A failing
mail server is logged; it never undoes what the user saved.

Who receives what:

- round invitations: every member of the deal (dealmaker, team, partner member);
- measurement reminders: the deal team and the partner members (for their organisation),
  who record the measurements, at most once per indicator and period;
- bottleneck notices: the deal's dealmakers, and the contact person (Participation.contact_email)
  of the organisation the bottleneck is raised with, where it takes part in the deal;
- the weekly digest: whoever asked for it, once per week.

Each user only when they have an e-mail address, is active, and has not turned it off on their
profile page (accounts.NotificationPreferences).
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from dealmonitor.accounts.models import DealMembership
from dealmonitor.accounts.services import preferences_of

from . import selectors
from .models import SentNotification

logger = logging.getLogger(__name__)


def _link(path, language=None):
    """The full address of a page (`path` already carries the recipient's language prefix)."""
    return f"{settings.SITE_URL}{path}"


def _path(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


def _recipients(users, preference):
    """(user, language) for each active user with an address who wants this kind of mail."""
    found = []
    for user in users:
        if not user.is_active or not user.email:
            continue
        prefs = preferences_of(user)
        if getattr(prefs, preference):
            found.append((user, prefs.language or settings.LANGUAGE_CODE))
    return found


def _send(user, language, template, context):
    """Render `workday/mail/<template>.txt` (first line: the subject) in `language`, send it."""
    with translation.override(language):
        profile_link = _link(reverse("accounts:profile"), language)
    return _send_to_address(user.email, language, template,
                            {"user": user, "profile_link": profile_link, **context})


def _members(deal, roles):
    ids = DealMembership.objects.filter(deal=deal, role__in=roles).values("user_id")
    return get_user_model().objects.filter(pk__in=ids).select_related(
        "notification_preferences").order_by("username")


def invite_to_round(round):
    """A self-assessment round opened: invite every member of its deal to answer it."""
    deal = round.deal
    sent = 0
    for user, language in _recipients(_members(deal, ["dealmaker", "team", "partner"]),
                                      "round_invitations"):
        link = _link(_path(language, "learning:round_answer", deal.slug, round.pk), language)
        sent += _send(user, language, "round_invitation", {"deal": deal, "round": round, "link": link})
    return sent


def notify_bottleneck(bottleneck):
    """A deal reported a bottleneck: tell its dealmakers, and the contact person of the
    organisation it is raised with, where that organisation takes part in the deal and its
    participation names a contact e-mail address. Sent once, after the report has committed
    (learning's `bottleneck_reported` signal); a contact who is also a dealmaker gets one mail."""
    deal = bottleneck.deal
    sent = 0
    reached = set()
    for user, language in _recipients(_members(deal, ["dealmaker"]), "bottleneck_notices"):
        link = _link(_path(language, "learning:bottleneck", deal.slug, bottleneck.pk), language)
        if _send(user, language, "bottleneck_reported",
                 {"deal": deal, "bottleneck": bottleneck, "link": link}):
            sent += 1
            reached.add(user.email.lower())
    return sent + notify_bottleneck_contact(bottleneck, reached)


def notify_bottleneck_contact(bottleneck, reached=()):
    """Tell the contact person of the organisation the bottleneck is raised with, where that
    organisation takes part in the deal with a contact e-mail address (not one in `reached`,
    already told). Also sent when the organisation is named or changed after the report
    (learning's `bottleneck_raised_with` signal). 1 when sent, else 0."""
    contact = _ministry_contact(bottleneck)
    if not contact or contact.contact_email.lower() in reached:
        return 0
    # a contact person is no user: no language or preferences of their own, so the site's
    # language, and no profile link in the footer
    language = settings.LANGUAGE_CODE
    deal = bottleneck.deal
    link = _link(_path(language, "learning:bottleneck", deal.slug, bottleneck.pk), language)
    return int(bool(_send_to_address(contact.contact_email, language, "bottleneck_contact", {
        "deal": deal, "bottleneck": bottleneck, "link": link,
        "contact_name": contact.contact_name, "organisation": contact.organisation})))


def _ministry_contact(bottleneck):
    """The participation in the bottleneck's deal of the organisation it is raised with, when
    that participation has a contact e-mail address; else None."""
    if not bottleneck.ministry_id:
        return None
    return (bottleneck.deal.participations.select_related("organisation")
            .filter(organisation_id=bottleneck.ministry_id).exclude(contact_email="").first())


def _send_to_address(address, language, template, context):
    """Render `workday/mail/<template>.txt` in `language` and send it to `address` (also one
    that belongs to no user, such as a partner's contact person). False when it failed."""
    with translation.override(language):
        text = render_to_string(f"workday/mail/{template}.txt", context)
    subject, _, body = text.strip().partition("\n")
    message = EmailMessage(subject=subject.strip(), body=body.strip() + "\n",
                           from_email=settings.DEFAULT_FROM_EMAIL, to=[address])
    try:
        message.send()
    except Exception:  # noqa: BLE001 - a mail server that fails must not fail the caller
        logger.exception("Could not send %s to %s", template, address)
        return False
    return True


def _record(user, key):
    """Record that `key` was sent to `user`; False when it had been already."""
    try:
        with transaction.atomic():
            SentNotification.objects.create(user=user, key=key)
    except IntegrityError:
        return False
    return True


def _users_with_roles():
    ids = DealMembership.objects.values("user_id")
    return get_user_model().objects.filter(pk__in=ids).select_related(
        "notification_preferences").order_by("username")


def remind_measurements(today=None):
    """Each member who records measurements gets one mail listing the measurements due in
    their deals that they have not been reminded of for this period. Returns the number of
    mails sent; a second run on the same day (or in the same period) sends none."""
    today = today or timezone.localdate()
    sent = 0
    for user, language in _recipients(_users_with_roles(), "measurement_reminders"):
        items = []
        for item in selectors.my_deals(user, today):
            if not item.roles & {"team", "partner"}:
                continue  # the dealmaker (the ministry's liaison) does not report
            for due in item.measurements:
                key = f"measurement:{due.indicator.pk}:{due.period.start.isoformat()}"
                if SentNotification.objects.filter(user=user, key=key).exists():
                    continue
                path = _path(language, "impact:measurement_create", item.deal.slug, due.indicator.pk)
                items.append((key, item.deal, due, _link(path, language)))
        if not items:
            continue
        with transaction.atomic():
            keys = [key for key, *_ in items if _record(user, key)]
        if not keys:
            continue
        if _send(user, language, "measurement_reminder", {
            "items": [(deal, due, link) for key, deal, due, link in items if key in keys],
            "mine": _link(_path(language, "workday:mine"), language),
        }):
            sent += 1
        else:  # not sent: try again on the next run
            SentNotification.objects.filter(user=user, key__in=keys).delete()
    return sent


def weekly_digest(today=None, force=False):
    """What is due in their deals, once a week (on Mondays, or any day with `force`), for
    whoever asked for it."""
    today = today or timezone.localdate()
    if today.weekday() != 0 and not force:
        return 0
    year, week, _ = today.isocalendar()
    key = f"digest:{year}-W{week:02d}"
    sent = 0
    for user, language in _recipients(_users_with_roles(), "weekly_digest"):
        if SentNotification.objects.filter(user=user, key=key).exists():
            continue
        deals = selectors.my_deals(user, today)
        if not deals:
            continue
        if not _record(user, key):
            continue
        if _send(user, language, "weekly_digest", {
            "deals": deals, "week": week, "today": today,
            "mine": _link(_path(language, "workday:mine"), language),
        }):
            sent += 1
        else:
            SentNotification.objects.filter(user=user, key=key).delete()
    return sent
