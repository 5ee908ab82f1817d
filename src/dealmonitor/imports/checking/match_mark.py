"""The sheet Matchbesluiten: decisions on matches, checked with the rules of
ecosystem.services.mark_match before anything is written: the need is managed by the user
(its poster's side) and open, the offer one the user may read, of the need's kind, by another
organisation."""

from django.utils.translation import gettext as _

from dealmonitor.deals import rules as deal_rules
from dealmonitor.ecosystem import rules as ecosystem_rules
from dealmonitor.ecosystem.constants import Direction
from dealmonitor.ecosystem.models import Post

from .post import post_key


class MatchMarkSheet:
    """Checker methods for this sheet kind (imports/checking/__init__.py puts them together)."""

    def _named_post(self, part, number, deal_column, deal_slug, org_slug, direction, title, column):
        """(kind, is open, the row in the database or None) of the post this row names: in this
        file's sheet Vraag en aanbod, or in the database where the user may read it. None, with
        one problem, when it is neither (a post of a hidden deal answers as a missing one)."""
        key = post_key(deal_slug, org_slug, direction, title)
        planned = self.plan.posts.get(key)
        if planned is not None:
            return planned["fields"]["kind"], planned["fields"]["is_open"], planned["existing"], key
        posts = Post.objects.filter(organisation__slug=org_slug, direction=direction, title=title)
        posts = posts.filter(deal__slug=deal_slug) if deal_slug else posts.filter(deal__isnull=True)
        found = list(posts.select_related("deal", "organisation")[:2])
        if len(found) == 1 and self._may_read_post(found[0]):
            return found[0].kind, found[0].is_open, found[0], key
        self.problem(part, number, column,
                     (_("There is no need '%(title)s' of %(org)s, or you may not read it.") if direction == Direction.NEED
                      else _("There is no offer '%(title)s' of %(org)s, or you may not read it."))
                     % {"title": title, "org": org_slug},
                     _("the title of a post in the sheet Vraag en aanbod or already registered, with its deal and organisation"))
        return None

    def _may_read_post(self, post):
        if self.actor is None:  # the system (the command line)
            return True
        if post.deal is not None and not deal_rules.can_view_deal(self.actor, post.deal):
            return False
        return ecosystem_rules.may_read_post(self.actor, post)

    def _check_match_marks(self, part):
        seen = {}
        for number, values, before in self.rows(part):
            if not (values["organisatie_id"] and values["vraag"] and values["aanbod_organisatie_id"]
                    and values["aanbod"]):
                continue
            need = self._named_post(part, number, "deal_id", values["deal_id"], values["organisatie_id"],
                                    Direction.NEED, values["vraag"], "vraag")
            offer = self._named_post(part, number, "aanbod_deal_id", values["aanbod_deal_id"],
                                     values["aanbod_organisatie_id"], Direction.OFFER, values["aanbod"], "aanbod")
            if need is None or offer is None:
                continue
            (need_kind, need_open, need_row, need_key), (offer_kind, _open, _row, offer_key) = need, offer
            if self._duplicate(part, number, seen, (need_key, offer_key), "aanbod",
                               _("each need and offer once")):
                continue
            if need_row is not None and need_key not in self.plan.posts \
                    and not ecosystem_rules.can_manage_post(self.actor, need_row):
                self.problem(part, number, "vraag", _("Only the poster of the need marks its matches."),
                             _("a need you posted, or of your organisation in the deal"))
                continue
            if need_kind != offer_kind or need_key[1] == offer_key[1]:
                self.problem(part, number, "aanbod", _("This offer is not a match of this need."),
                             _("an offer of the same kind, by another organisation"))
                continue
            if not need_open:
                self.problem(part, number, "vraag", _("This need is closed: reopen it to mark its matches."),
                             _("an open need"))
                continue
            if len(self.problems) > before or values["status"] is None:
                continue
            self.plan.match_marks[(need_key, offer_key)] = {"status": values["status"]}
