"""The one door to a post of needs and offers, as deals/access.py is to a deal: a post of a
deal is found through the deal's gateway (`find_row`: 404 when the deal may not be read); a
post an organisation made for itself follows rules.can_read_post. Then the action asked for
is checked (`require`: 403, or the sign-in page for an anonymous user). An organisation's own
page of posts is found through `find_organisation`."""

from django.http import Http404
from django.utils.translation import gettext as _

from dealmonitor.deals import access
from dealmonitor.deals.selectors import visible_organisations
from dealmonitor.organisations.models import Organisation

from . import rules, selectors
from .models import Post


def find_post(user, pk, predicate=None):
    """Post `pk` if `user` may read it (else 404, the same for one that does not exist), and
    may do what `predicate` (a rule on the post) says."""
    posts = Post.objects.select_related("deal", "organisation", "created_by").prefetch_related("themes")
    try:
        found = Post.objects.filter(pk=int(pk)).only("pk", "deal").first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise Http404(_("Not found."))
    if found.deal_id is not None:
        post = access.find_row(user, posts, pk)  # through the deal's gateway
    else:
        post = posts.get(pk=found.pk)
    if not rules.can_read_post(user, post):
        raise Http404(_("Not found."))  # a post for the programme, or closed: as if absent
    access.require(user, predicate, post)
    return post


def find_organisation(user, slug):
    """The organisation `slug` whose own posts (outside a deal) `user` may see, with its posts
    and whether `user` may post for it: (organisation, posts, can_post). 404, the same as for
    an organisation that does not exist, unless the user may post for it, can read one of its
    posts, or may see the organisation itself (it is a partner in a deal they can read)."""
    org = Organisation.objects.filter(slug=slug).first() if isinstance(slug, str) else None
    if org is None:
        raise Http404(_("No organisation with this identifier."))
    can_post = access.allowed(user, rules.can_post_for_organisation, org)
    own = selectors.posts_of_organisation(user, org)
    if not (can_post or own.exists() or visible_organisations(user).filter(pk=org.pk).exists()):
        raise Http404(_("No organisation with this identifier."))
    return org, own, can_post
