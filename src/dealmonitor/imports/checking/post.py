"""The sheet Vraag en aanbod: needs and offers, checked with the rules of
ecosystem.services.save_post (who may post for which organisation, the organisation a partner
of the deal, the region, the period) before anything is written."""

from django.utils.translation import gettext as _

from dealmonitor.deals.models import Participation
from dealmonitor.ecosystem import rules as ecosystem_rules
from dealmonitor.ecosystem.constants import NATIONAL, Visibility
from dealmonitor.ecosystem.models import Post
from dealmonitor.organisations.models import Organisation
from dealmonitor.organisations.reference import area


def post_key(deal_slug, org_slug, direction, title):
    return (deal_slug or "", org_slug, direction, title)


class PostSheet:
    """Checker methods for this sheet kind (imports/checking/__init__.py puts them together)."""

    def _organisation_for_post(self, part, number, deal, slug):
        """The organisation of a post: registered, or added by this file; a partner of the
        deal (in the database or this file). None, with a problem, otherwise."""
        existing = Organisation.objects.filter(slug=slug).first()
        planned = slug in self.plan.organisations
        error = None
        if existing is None and not planned:
            error = _("There is no organisation '%(id)s'.") % {"id": slug}
        elif existing is not None and self.references.error(deal, Post, "organisation", existing):
            error = self.references.error(deal, Post, "organisation", existing)
        elif deal is not None and (deal.slug, slug) not in self.plan.participations and not (
                existing is not None and deal.pk is not None
                and Participation.objects.filter(deal=deal, organisation=existing).exists()):
            error = _("This organisation is not a partner of this deal.")
        if error:
            self.problem(part, number, "organisatie_id", error,
                         _("the identifier of a partner of the deal (sheet Partners), or of a registered organisation"))
            return None, False
        return existing, True

    def _check_posts(self, part):
        seen = {}
        for number, values, before in self.rows(part):
            deal = None
            if values["deal_id"]:
                deal = self._deal_for(part, number, values, ecosystem_rules.can_post_in_deal,
                                      _("There is no deal '%(slug)s', or you may not post needs and offers in it."))
                if deal is None:
                    continue
            if not values["organisatie_id"] or not values["vraag_of_aanbod"] or not values["titel"]:
                continue
            key = post_key(deal.slug if deal else "", values["organisatie_id"], values["vraag_of_aanbod"],
                           values["titel"])
            if self._duplicate(part, number, seen, key, "titel", _("each post once (deal, organisation, need or offer, title)")):
                continue
            organisation, found = self._organisation_for_post(part, number, deal, values["organisatie_id"])
            if not found:
                continue
            existing = []
            if organisation is not None and (deal is None or deal.pk is not None):
                existing = list(Post.objects.filter(
                    deal=deal, organisation=organisation, direction=values["vraag_of_aanbod"],
                    title=values["titel"]))
            if not self._one(part, number, "titel", existing,
                             _("There is more than one such post with this title."),
                             _("a title that identifies one post of the organisation")):
                continue
            if existing:
                allowed = ecosystem_rules.can_manage_post(self.actor, existing[0])
            elif organisation is None:  # added by this file: who adds it may post for it
                allowed = deal is not None or bool(ecosystem_rules.can_post_for_organisation(self.actor, None))
            else:
                allowed = ecosystem_rules.can_post(self.actor, deal, organisation)
            if not allowed:
                self.problem(part, number, "organisatie_id",
                             _("You may post needs and offers only for your own organisation in this deal.")
                             if deal is not None else
                             _("You may post needs and offers only for an organisation you are linked to."),
                             _("an organisation you may post for"))
                continue
            region = values["regio"] or ""
            if region and region != NATIONAL and not (region.startswith("PV") and area(region) is not None):
                self.problem(part, number, "regio", _("Choose a province, or nationwide."),
                             _("the CBS code of a province (PV26) or 'landelijk'"))
            if values["van"] and values["tot"] and values["tot"] < values["van"]:
                self.problem(part, number, "tot", _("The end lies before the start."), _("a date after 'van'"))
            if len(self.problems) > before:
                continue
            fields = {"kind": values["wat"], "title": values["titel"], "text": values["tekst"],
                      "direction": values["vraag_of_aanbod"], "region": region,
                      "period_start": values["van"], "period_end": values["tot"],
                      "visibility": values["zichtbaarheid"] or Visibility.PROGRAMME,
                      "is_open": values["open"] if values["open"] is not None else True}
            self.plan.posts[key] = {"fields": fields, "themes": values["themas"] or [],
                                    "existing": existing[0] if existing else None}
