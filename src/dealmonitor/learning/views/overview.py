"""The programme view across deals: overview, evidence gaps, key-person risk."""

from django.shortcuts import render


from .. import programme_html, selectors


# The programme view -----------------------------------------------------------------------


def programme(request):
    overview = selectors.programme_overview(request.user)
    return render(request, "learning/programme.html", {
        "overview": overview,
        "theme_bars": programme_html.theme_bars(overview["themes"]),
        "not_assessed_items": programme_html.not_assessed_items(overview["not_assessed"]),
    })


def evidence_gaps(request):
    return render(request, "learning/evidence_gaps.html", {"gaps": selectors.evidence_gaps(request.user)})


def key_persons(request):
    return render(request, "learning/key_persons.html", {"risk": selectors.key_person_risk(request.user)})
