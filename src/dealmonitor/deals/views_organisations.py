"""Pages for keeping the register of organisations clean (programme staff): the likely
duplicates with their reason, merging a pair, and undoing a merge. The organisation pages
themselves are in views.py; the work is done by dealmonitor.organisations.merging."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealmonitor.organisations import merging
from dealmonitor.organisations.models import Merge, Organisation
from dealmonitor.organisations.rules import can_change_organisation

from . import access


def duplicates(request):
    access.require(request.user, can_change_organisation)
    return render(request, "organisations/duplicates.html", {
        "pairs": merging.likely_duplicates(),
        "merges": Merge.objects.select_related("kept", "merged_by", "undone_by")[:20],
    })


@require_POST
def merge(request):
    access.require(request.user, can_change_organisation)
    keep = Organisation.objects.filter(slug=request.POST.get("keep", "")).first()
    duplicate = Organisation.objects.filter(slug=request.POST.get("duplicate", "")).first()
    if keep is None or duplicate is None:  # merged meanwhile, or a page from before
        messages.error(request, _("One of the two organisations no longer exists; the list below is up to date."))
        return redirect(reverse("organisations:duplicates"))
    try:
        done = merging.merge_organisations(actor=request.user, keep=keep, duplicate=duplicate,
                                           reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(duplicate)s has been merged into %(keep)s.") % {
            "duplicate": done.duplicate_name, "keep": keep.name})
    return redirect(reverse("organisations:duplicates"))


@require_POST
def undo_merge(request, pk):
    access.require(request.user, can_change_organisation)
    record = Merge.objects.filter(pk=pk).first()
    if record is None:
        messages.error(request, _("There is no such merge."))
        return redirect(reverse("organisations:duplicates"))
    try:
        org = merging.undo_merge(actor=request.user, merge=record)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("organisations:duplicates"))
    messages.success(request, _("The merge has been undone: %(name)s is back.") % {"name": org.name})
    return redirect(reverse("organisations:duplicates"))
