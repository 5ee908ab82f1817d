"""The one door to a post of needs and offers, as deals/access.py is to a deal: a post of a
deal is found through the deal's gateway (`find_row`: 404 when the deal may not be read); a
post an organisation made for itself follows rules.can_read_post. Then the action asked for
is checked (`require`: 403, or the sign-in page for an anonymous user)."""

from django.http import Http404
from django.utils.translation import gettext as _

from dealmonitor.deals import access

from . import rules
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
