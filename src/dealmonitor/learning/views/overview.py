"""The programme view across deals: overview, evidence gaps, key-person risk."""

from django.shortcuts import render


from .. import selectors


# The programme view -----------------------------------------------------------------------


def programme(request):
    return render(request, "learning/programme.html", {"overview": selectors.programme_overview(request.user)})


def evidence_gaps(request):
    return render(request, "learning/evidence_gaps.html", {"gaps": selectors.evidence_gaps(request.user)})


def key_persons(request):
    return render(request, "learning/key_persons.html", {"risk": selectors.key_person_risk(request.user)})
