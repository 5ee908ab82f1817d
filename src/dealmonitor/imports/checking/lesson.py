"""The Lessen sheet: lessons with their links."""


from django.utils.translation import gettext as _

from dealmonitor.learning import rules as learning_rules
from dealmonitor.learning.constants import Visibility



class LessonSheet:
    """Checker methods for this sheet kind (imports/checking/__init__.py puts them together)."""

    def _check_lessons(self, part):
        seen = {}
        for number, values, before in self.rows(part):
            deal = self._deal_for(part, number, values, learning_rules.can_edit_learning,
                                  _("There is no deal '%(slug)s', or you may not change its lessons."))
            if not deal or not values["titel"] or not values["datum"]:
                continue
            key = (deal.slug, values["titel"], values["datum"])
            if self._duplicate(part, number, seen, key, "titel", _("each lesson once (title and date)")):
                continue
            existing = self._existing("lessons", deal).get(key[1:], [])
            self._one(part, number, "titel", existing,
                      _("The deal has more than one lesson with this title and date."),
                      _("a title and date that identify one lesson"))
            indicators = []
            for name in values["indicatoren"] or []:
                if (deal.slug, name) in self.plan.indicators or name in self._existing("indicators", deal):
                    indicators.append(name)
                else:
                    self.problem(part, number, "indicatoren",
                                 _("The deal %(deal)s has no indicator '%(name)s'.") % {"deal": deal.name, "name": name},
                                 _("names of the deal's indicators, separated by semicolons"))
            bottlenecks = []
            for title in values["knelpunten"] or []:
                keys = {k for k in self.plan.bottlenecks if k[:2] == (deal.slug, title)} | {
                    (deal.slug, t, d) for (t, d) in self._existing("bottlenecks", deal) if t == title}
                if len(keys) != 1:
                    self.problem(part, number, "knelpunten",
                                 (_("The deal %(deal)s has no bottleneck '%(title)s'.") if not keys else
                                  _("The deal %(deal)s has more than one bottleneck '%(title)s'."))
                                 % {"deal": deal.name, "title": title},
                                 _("titles of the deal's bottlenecks, separated by semicolons"))
                else:
                    bottlenecks.append(keys.pop())
            if len(self.problems) > before:
                continue
            fields = {"title": values["titel"], "text": values["les"], "kind": values["soort"],
                      "phase": values["fase"] or "", "tags": values["tags"] or "",
                      "visibility": values["zichtbaarheid"] or Visibility.PROGRAMMA,
                      "learned_on": values["datum"], "is_example": bool(values["voorbeeld"])}
            self.plan.lessons[key] = {"fields": fields, "themes": values["themas"] or [],
                                      "indicators": indicators, "bottlenecks": bottlenecks,
                                      "existing": existing[0] if existing else None}
