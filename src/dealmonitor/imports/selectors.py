"""Reads for the import pages, scoped to the user."""

from dealmonitor.deals.rules import is_programme_admin
from dealmonitor.deals.selectors import visible_deals

from .models import ImportJob


def importable_deals(user):
    """Deals the user may bring data into: every deal for the programme administrator, else
    the deals they are a member of (the services check each row's permission again)."""
    deals = visible_deals(user).order_by("name")
    if is_programme_admin(user):
        return deals
    return deals.filter(memberships__user=user).distinct()


def jobs_of(user):
    return ImportJob.objects.filter(user=user).order_by("-created_at")[:10]


def job_for(user, uuid):
    """The job, if it is the user's own (or the user is a programme administrator)."""
    qs = ImportJob.objects.select_related("user")
    if not is_programme_admin(user):
        qs = qs.filter(user=user)
    return qs.get(uuid=uuid)
