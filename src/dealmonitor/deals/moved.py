"""The addresses a deal's pages had before they all moved under /deals/<slug>/ (December
2026). Each answers with a permanent redirect to the page's address now, so bookmarks and
links in sent e-mails keep working: 301 for reading (GET, HEAD), 308 for a form sent to an
old address (the browser sends it again, to the new one, unchanged).

A page of one row (a lesson, a bottleneck, a self-assessment round, ...) had no deal in its
address; its new address names the deal, so the row is looked up through the gateway first,
and what the user may not read stays a 404 (`row_page`, used by learning/moved.py)."""

from django.http import HttpResponsePermanentRedirect
from django.urls import re_path, reverse
from django.views.decorators.http import require_http_methods

from . import access

SLUG = r"(?P<slug>[-a-zA-Z0-9_]+)"


def _to(request, url):
    query = request.META.get("QUERY_STRING", "")
    if query:
        url = f"{url}?{query}"
    response = HttpResponsePermanentRedirect(url)
    if request.method not in ("GET", "HEAD"):
        response.status_code = 308
    return response


ANY_METHOD = require_http_methods(["GET", "HEAD", "POST", "OPTIONS"])


@ANY_METHOD
def deal_page(request, slug, rest="", into=""):
    """/<old prefix>/deals/<slug>/<rest> to /deals/<slug>/<into><rest>."""
    return _to(request, reverse("deals:detail", args=[slug]) + into + rest)


def row_page(model, place, deal_path="deal"):
    """/<old address of a row>/<pk>/<rest> to /deals/<slug>/<place>/<pk>/<rest>: the row is
    found through the gateway, so what the user may not read stays a 404. Apps list their own
    (learning/moved.py)."""

    @ANY_METHOD
    def view(request, pk, rest=""):
        row = access.find_row(request.user, model.objects.select_related(deal_path), pk,
                              deal_path=deal_path)
        deal = access.deal_at(row, deal_path)
        return _to(request, f"{reverse('deals:detail', args=[deal.slug])}{place}/{pk}/{rest}")

    return view


REST = r"(?P<rest>[-a-z/]*)"

app_name = "moved"

urlpatterns = [
    re_path(rf"^impact/deals/{SLUG}/{REST}$", deal_page, name="impact"),
    re_path(rf"^leren/deals/{SLUG}/$", deal_page, {"into": "leren/"}, name="learning"),
    re_path(rf"^leren/deals/{SLUG}/{REST}$", deal_page, name="learning_page"),
    re_path(rf"^verbanden/deals/{SLUG}/(?P<rest>[-a-zA-Z0-9_/]*)$", deal_page,
            {"into": "verwant/"}, name="connections"),
    re_path(rf"^rapporten/deals/{SLUG}/(?P<rest>werkmap\.xlsx|jaarverslag/|jaarverslag\.pdf)$",
            deal_page, name="reports"),
]
