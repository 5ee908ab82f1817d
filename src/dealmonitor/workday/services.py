"""Writes that span apps on the floors below: each part through its own app's service."""

from django.db import transaction

from dealmonitor.accounts import services as account_services
from dealmonitor.accounts.models import DealMembership
from dealmonitor.deals import services as deal_services
from dealmonitor.impact import services as impact_services


def open_deal(*, actor, dealmakers=(), team=(), reason="", **fields):
    """A new deal with its team and an empty impact pathway, in one transaction; the page
    that follows is its start conversation (learning), which the team records there."""
    with transaction.atomic():
        deal = deal_services.create_deal(actor=actor, reason=reason, **fields)
        for role, users in ((DealMembership.Role.DEALMAKER, dealmakers),
                            (DealMembership.Role.TEAM, team)):
            for user in users:
                account_services.grant_deal_role(actor=actor, user=user, deal=deal, role=role,
                                                 reason=reason or "new deal")
        impact_services.get_or_create_pathway(actor=actor, deal=deal)
    return deal
