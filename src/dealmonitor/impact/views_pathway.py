from django.http import Http404
from django.shortcuts import render

from dealmonitor.deals.models import Deal


def pathway(request, slug):
    try:
        deal = Deal.objects.get(slug=slug)
    except Deal.DoesNotExist:
        raise Http404 from None
    return render(request, "impact/pathway.html", {"deal": deal})
