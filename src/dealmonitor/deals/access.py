"""The one door to a deal: every page and API resource that reads or changes a deal, or a row
of a deal, finds it here.

Three answers, always the same way:

- the deal (or row) is not there, or the user may not read it: 404, with one message, so an
  address does not tell whether an unpublished deal exists;
- the user may read it but not do what they ask: 403 for a signed-in user, and the sign-in
  page for an anonymous one (`SignInRequired`, turned into a redirect by `AccessMiddleware`);
- otherwise the deal or row.

What a user may do is a `rules` predicate from `deals/rules.py` (or an app's `rules.py`, which
takes its predicates from there). Views use the `deal_view` decorator or `find_deal` /
`find_row` / `require`; the API uses `DealRowPermission` and `visible_rows`. A test
(`deals/tests/test_access.py`) fails when a view looks up a deal, or checks a permission, by
itself.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import permissions

from . import rules as deal_rules
from . import selectors
from .models import Deal


class SignInRequired(PermissionDenied):
    """The user may not do this as they are, but might after signing in (anonymous)."""


def _not_found(message=None):
    return Http404(message or _("No deal with this identifier."))


def allowed(user, predicate, obj=None):
    """Whether `user` may do what `predicate` says to `obj` (False for the anonymous user
    where the predicate needs a role). For the flags a page shows (an edit button)."""
    if predicate is None:
        return True
    return bool(predicate.test(user, obj))


def require(user, predicate, obj=None):
    """Raise unless `user` may do what `predicate` says: `SignInRequired` for the anonymous
    user (the sign-in page), `PermissionDenied` (403) for a signed-in one."""
    if allowed(user, predicate, obj):
        return
    if user is None or not getattr(user, "is_authenticated", False):
        raise SignInRequired
    raise PermissionDenied


def visible_deals(user):
    """The deals `user` may read (deals.selectors.visible_deals): the base of every lookup."""
    return selectors.visible_deals(user)


def find_deal(user, slug, predicate=None, *, detail=False):
    """The deal with this identifier if `user` may read it (else 404), and may do what
    `predicate` says (else 403 or the sign-in page). `detail=True`: with what its page shows."""
    if not isinstance(slug, str) or "\x00" in slug:
        raise _not_found()
    try:
        if detail:
            deal = selectors.deal_detail(user, slug)
        else:
            deal = visible_deals(user).get(slug=slug)
    except Deal.DoesNotExist:
        raise _not_found() from None
    require(user, predicate, deal)
    return deal


def rows_of_visible_deals(user, queryset, deal_path="deal"):
    """`queryset` (a model or queryset) limited to rows of deals `user` may read."""
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    return qs.filter(selectors.visible_deals_q(user, deal_path))


def deal_at(row, deal_path):
    """The deal of `row`, along `deal_path` (`indicator__deal` for a measurement)."""
    obj = row
    for part in deal_path.split("__"):
        obj = getattr(obj, part)
    return obj


def find_row(user, queryset, pk, predicate=None, *, deal=None, deal_path="deal"):
    """Row `pk` of `queryset` (a model or queryset) if it belongs to a deal `user` may read
    (and to `deal`, when given; else 404), checked against `predicate` for its deal. The row's
    deal is at `row.<deal_path>` (`indicator__deal` for a measurement)."""
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404(_("Not found.")) from None
    if deal is not None:
        qs = qs.filter(**{deal_path: deal})
    else:
        qs = rows_of_visible_deals(user, qs, deal_path)
    row = qs.filter(pk=pk).first()
    if row is None:
        raise Http404(_("Not found."))
    require(user, predicate, deal if deal is not None else deal_at(row, deal_path))
    return row


def deal_view(predicate=None, *, detail=False):
    """Decorate a view of one deal (`<slug:slug>` in its address): the view receives the deal
    instead of the identifier, found and checked by `find_deal`."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            deal = find_deal(request.user, slug, predicate, detail=detail)
            return view(request, deal, *args, **kwargs)

        wrapper.deal_gateway = True
        return wrapper

    return decorate


class AccessMiddleware:
    """Turns `SignInRequired` into the sign-in page with the way back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, SignInRequired) and not request.path.startswith("/api/"):
            return redirect_to_login(request.get_full_path())
        return None


class DealRowPermission(permissions.BasePermission):
    """The API's check for one row of a deal: reading it needs `can_view_deal` (the queryset
    already holds only rows of readable deals); changing it is checked by the service with
    the deal's own predicate. Views set `deal_path` (the way from the row to its deal)."""

    def has_object_permission(self, request, view, obj):
        deal_path = getattr(view, "deal_path", None)
        if isinstance(obj, Deal):
            deal = obj
        else:
            deal = deal_at(obj, deal_path) if deal_path else None
        if deal is None:
            return True
        return allowed(request.user, deal_rules.can_view_deal, deal)
