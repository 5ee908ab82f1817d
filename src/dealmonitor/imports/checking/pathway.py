"""The pathway sheets: elements, links, assumptions and their evidence."""


from django.utils.translation import gettext as _

from dealmonitor.impact.constants import Level



class PathwaySheets:
    """Checker methods for this sheet kind (imports/checking/__init__.py puts them together)."""

    def _element_ref(self, part, number, deal, level_key, title_key, values):
        """(level, title) of an element of the deal's pathway (in the database or on the sheet
        Veranderpad), or None with a problem."""
        level, title = values[level_key], values[title_key]
        if not (level and title):
            return None
        found = self._existing("elements", deal).get((level, title), [])
        if not self._one(part, number, title_key, found,
                         _("The pathway of %(deal)s has more than one element '%(title)s' at this level.")
                         % {"deal": deal.name, "title": title},
                         _("a level and title that identify one element")):
            return None
        if not found and (deal.slug, level, title) not in self.plan.elements:
            self.problem(part, number, title_key,
                         _("The pathway of %(deal)s has no element '%(title)s' at the level %(level)s.")
                         % {"deal": deal.name, "title": title, "level": Level(level).label},
                         _("the level and title of an element on the sheet Veranderpad or in the deal's pathway"))
            return None
        return (level, title)

    def _link_ref(self, part, number, deal, values):
        cause = self._element_ref(part, number, deal, "van_niveau", "van_element", values)
        effect = self._element_ref(part, number, deal, "naar_niveau", "naar_element", values)
        if not (cause and effect):
            return None
        key = (deal.slug, cause, effect)
        if key in self.plan.links or (cause, effect) in self._existing("links", deal):
            return key
        self.problem(part, number, "naar_element",
                     _("The pathway of %(deal)s has no link from '%(cause)s' to '%(effect)s'.")
                     % {"deal": deal.name, "cause": cause[1], "effect": effect[1]},
                     _("a link on the sheet Verbanden or in the deal's pathway"))
        return None

    def _check_elements(self, part):
        seen = {}
        defaults = {"description": "", "is_active_ingredient": False, "is_example": False}
        for number, values, before in self.rows(part):
            deal = self._pathway_deal(part, number, values)
            if not deal or not values["niveau"] or not values["element"]:
                continue
            key = (deal.slug, values["niveau"], values["element"])
            if self._duplicate(part, number, seen, key, "element",
                               _("each level and title once per deal")):
                continue
            self._one(part, number, "element", self._existing("elements", deal).get(key[1:], []),
                      _("The pathway of %(deal)s has more than one element '%(title)s' at this level.")
                      % {"deal": deal.name, "title": key[2]},
                      _("a level and title that identify one element"))
            if len(self.problems) > before:
                continue
            fields = {}
            for column_key, name in (("omschrijving", "description"),
                                     ("werkzaam_element", "is_active_ingredient"),
                                     ("volgorde", "order"), ("voorbeeld", "is_example")):
                if self._given(part, column_key):
                    value = values[column_key] if values[column_key] is not None else defaults.get(name)
                    if value is not None:  # an empty position: the row's place in the pathway
                        fields[name] = value
            self.plan.elements[key] = fields

    def _check_links(self, part):
        seen = {}
        for number, values, before in self.rows(part):
            deal = self._pathway_deal(part, number, values)
            if not deal or len(self.problems) > before:
                continue
            cause = self._element_ref(part, number, deal, "van_niveau", "van_element", values)
            effect = self._element_ref(part, number, deal, "naar_niveau", "naar_element", values)
            if not (cause and effect):
                continue
            if cause == effect:
                self.problem(part, number, "naar_element",
                             _("An element cannot lead to itself."), _("two different elements"))
                continue
            key = (deal.slug, cause, effect)
            if self._duplicate(part, number, seen, key, "naar_element", _("each link once")):
                continue
            if (cause, effect) not in self._existing("links", deal):
                self.plan.links[key] = True

    def _check_assumptions(self, part):
        seen = {}
        for number, values, before in self.rows(part):
            deal = self._pathway_deal(part, number, values)
            if not deal or len(self.problems) > before:
                continue
            link = self._link_ref(part, number, deal, values)
            if not link or not values["aanname"]:
                continue
            key = (*link, values["aanname"])
            if self._duplicate(part, number, seen, key, "aanname", _("each assumption once per link")):
                continue
            if not self._one(part, number, "aanname", self._existing("assumptions", deal).get(key[1:], []),
                             _("This link has this assumption more than once."),
                             _("a text that identifies one assumption of the link")):
                continue
            fields = {}
            if self._given(part, "status"):
                fields["status"] = values["status"] or "ongetoetst"
            if self._given(part, "voorbeeld"):
                fields["is_example"] = bool(values["voorbeeld"])
            self.plan.assumptions[key] = fields

    def _check_evidence(self, part):
        for number, values, before in self.rows(part):
            deal = self._pathway_deal(part, number, values)
            if not deal or len(self.problems) > before:
                continue
            link = self._link_ref(part, number, deal, values)
            if not link:
                continue
            key = (*link, values["aanname"])
            if key not in self.plan.assumptions and not self._existing("assumptions", deal).get(key[1:]):
                self.problem(part, number, "aanname",
                             _("The link has no assumption '%(text)s'.") % {"text": values["aanname"]},
                             _("an assumption on the sheet Aannames or in the deal's pathway"))
                continue
            if len(self.problems) > before:
                continue
            fields = {"date": values["datum"], "stance": values["houding"],
                      "text": values["onderbouwing"], "url": values["url"] or ""}
            if (key[1:], tuple(sorted(fields.items()))) in self._existing("evidence", deal):
                self.plan.skipped += 1  # already recorded: importing a file twice does not double it
                continue
            self.plan.evidence.append({"assumption": key, "fields": fields})
