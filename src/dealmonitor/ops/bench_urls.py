"""The project's addresses plus one the benchmark alone uses: an empty page, signed in,
through every middleware and the base template with nothing in it. Its time is the
framework's floor (`dealmonitor bench`, case `empty`): what any page costs before it reads
a row. Never part of the served site (dealmonitor.urls does not include it)."""

from django.shortcuts import render
from django.urls import path

from dealmonitor.urls import urlpatterns as project_urlpatterns


def empty_page(request):
    return render(request, "base.html", {})


urlpatterns = [path("bench/leeg/", empty_page, name="bench-empty"), *project_urlpatterns]
