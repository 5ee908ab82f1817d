from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import selectors
from .models import Organisation


def organisation_list(request):
    return render(
        request,
        "organisations/organisation_list.html",
        {"organisations": selectors.organisations_list(request.user)},
    )


def organisation_detail(request, slug):
    try:
        organisation = selectors.organisation_detail(request.user, slug)
    except Organisation.DoesNotExist:
        raise Http404(_("No organisation with this identifier.")) from None
    return render(
        request, "organisations/organisation_detail.html", {"organisation": organisation}
    )
