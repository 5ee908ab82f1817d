"""Pages of a long list, the same way on every page that has one.

Lists that grow with the portfolio (deals, lessons) are shown a page at a time, so a page
costs the same at 30 deals and at 10,000 (docs/performance.md). When the total is already
counted in the database for the page's totals, it is passed in, saving a second COUNT.
"""

from django.core.paginator import Paginator


def paginate(request, items, *, per_page, count=None):
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.__dict__["count"] = count  # Paginator.count is a cached property
    return paginator.get_page(request.GET.get("page"))
