"""The Knelpunten and Knelpuntstatussen sheets: bottlenecks and their status history."""


from django.utils import timezone
from django.utils.translation import gettext as _

from dealmonitor.learning import rules as learning_rules
from dealmonitor.learning.constants import CLOSED_STATUSES, BottleneckStatus
from dealmonitor.learning.models import Bottleneck
from dealmonitor.organisations.constants import OrganisationType
from dealmonitor.organisations.models import Organisation



class BottleneckSheets:
    """Checker methods for this sheet kind (imports/checking/__init__.py puts them together)."""

    def _ministry(self, part, number, values, deal=None):
        """The identifier of the ministry a bottleneck was raised with; a ministry not yet
        registered is added with the name given."""
        slug, name = values["ministerie_id"], values["ministerie"]
        if not slug:
            if name:
                self.problem(part, number, "ministerie_id", _("A ministry needs its identifier."),
                             _("the identifier of the ministry, e.g. ministerie-van-bzk"))
            return None
        if slug not in self._org_cache:
            self._org_cache[slug] = Organisation.objects.filter(slug=slug).first()
        org = self._org_cache[slug]
        planned = self.plan.organisations.get(slug)
        if org is None and planned is None:
            if not name:
                self.problem(part, number, "ministerie",
                             _("There is no organisation '%(id)s'; give its name to add it as a ministry.")
                             % {"id": slug}, _("the name of the ministry"))
                return None
            self.plan.organisations[slug] = {"name": name, "type": OrganisationType.MINISTERIE}
            return slug
        if org is not None and self.references.error(deal, Bottleneck, "ministry", org):
            self.problem(part, number, "ministerie_id", self.references.error(deal, Bottleneck, "ministry", org),
                         _("the identifier of a ministry"))
            return None
        registered = org or Organisation(slug=slug, **planned)
        if registered.type != OrganisationType.MINISTERIE:
            self.problem(part, number, "ministerie_id",
                         _("%(name)s is not a ministry.") % {"name": registered.name},
                         _("the identifier of a ministry"))
        elif name and name != registered.name:
            self.problem(part, number, "ministerie",
                         _("Organisation %(id)s is registered as '%(name)s'.") % {"id": slug, "name": registered.name},
                         _("the name as registered, or an empty cell"))
        return slug

    def _check_bottlenecks(self, part):
        seen = {}
        today = timezone.localdate()
        for number, values, before in self.rows(part):
            deal = self._deal_for(part, number, values, learning_rules.can_edit_learning,
                                  _("There is no deal '%(slug)s', or you may not change its bottlenecks."))
            title, signalled = values["titel"], values["gesignaleerd"]
            if not deal or not title or not signalled:
                continue
            key = (deal.slug, title, signalled)
            if self._duplicate(part, number, seen, key, "titel",
                               _("each bottleneck once (title and date signalled)")):
                continue
            if signalled > today:
                self.problem(part, number, "gesignaleerd",
                             _("A bottleneck cannot be signalled in the future."), _("a date up to today"))
            existing = self._existing("bottlenecks", deal).get(key[1:], [])
            self._one(part, number, "titel", existing,
                      _("The deal has more than one bottleneck with this title, signalled on this date."),
                      _("a title and date that identify one bottleneck"))
            ministry = self._ministry(part, number, values, deal)
            if len(self.problems) > before:
                continue
            fields = {"title": title, "kind": values["soort"]}
            for column_key, name in (("omschrijving", "description"), ("regel", "rule"),
                                     ("niveau", "level"), ("oplossing", "resolution"),
                                     ("voorbeeld", "is_example")):
                if self._given(part, column_key):
                    fields[name] = values[column_key] if values[column_key] is not None else (
                        False if name == "is_example" else "")
            self.plan.bottlenecks[key] = {
                "fields": fields, "ministry": ministry,
                "ministry_given": self._given(part, "ministerie_id"),
                "existing": existing[0] if existing else None, "part": part, "row": number,
                "status": values["status"], "closed": values["gesloten"],
                "closed_given": self._given(part, "gesloten"), "history": [], "history_part": None,
            }

    def _check_bottleneck_statuses(self, part):
        for number, values, before in self.rows(part):
            deal = self._deal_for(part, number, values, learning_rules.can_edit_learning,
                                  _("There is no deal '%(slug)s', or you may not change its bottlenecks."))
            if not deal or len(self.problems) > before:
                continue
            key = (deal.slug, values["knelpunt"], values["gesignaleerd"])
            planned = self.plan.bottlenecks.get(key)
            if planned is None:
                existing = self._existing("bottlenecks", deal).get(key[1:], [])
                if len(existing) != 1:
                    self.problem(part, number, "knelpunt",
                                 _("The deal has no bottleneck '%(title)s' signalled on %(date)s.")
                                 % {"title": key[1], "date": key[2].isoformat()} if not existing else
                                 _("The deal has more than one bottleneck with this title, signalled on this date."),
                                 _("the title and date signalled of a bottleneck on the sheet Knelpunten"))
                    continue
                planned = self.plan.bottlenecks[key] = {
                    "fields": None, "existing": existing[0], "status": None, "closed": None,
                    "closed_given": False, "history": [], "part": part, "row": number,
                }
            planned["history"].append((values["datum"], number, values["status"], values["notitie"] or ""))
            planned["history_part"] = part

    def _plan_history(self, key, b, today):
        """The status history a bottleneck will have, checked by the rules of
        `learning.services.change_bottleneck_status`; b["changes"] are the entries to add after
        the first ('signalled', written with the bottleneck)."""
        existing = b["existing"]
        recorded = [(c.status, c.date, c.note) for c in existing.status_changes.all()] if existing else []
        fields = b["fields"] or {}
        resolution = fields.get("resolution", existing.resolution if existing else "")
        if b["history"]:
            part = b["history_part"]
            rows = sorted(b["history"], key=lambda h: (h[0], h[1]))
        else:  # no status history in the file: the status column moves it on, if it is given
            part, number = b["part"], b["row"]
            history = recorded or [(BottleneckStatus.GESIGNALEERD, key[2], "")]
            rows = [(date, number, status, note) for status, date, note in history]
            if b["status"] and b["status"] != history[-1][0]:
                date = b["closed"] or (today if existing else max(h[1] for h in history))
                rows.append((date, number, b["status"], ""))
        history = []
        column = {"status": "status", "datum": "datum" if b["history"] else "gesloten"}
        first = rows[0]
        if first[2] != BottleneckStatus.GESIGNALEERD or first[0] != key[2]:
            self.problem(part, first[1], column["status"],
                         _("The status history of a bottleneck starts with '%(status)s' on the day it was signalled (%(date)s).")
                         % {"status": BottleneckStatus.GESIGNALEERD.label, "date": key[2].isoformat()},
                         _("a first row with that status and date"))
        for date, number, status, note in rows:
            if history and status == history[-1][0]:
                self.problem(part, number, column["status"],
                             _("The bottleneck already has this status."),
                             _("a status other than the one before"))
            if date > today:
                self.problem(part, number, column["datum"],
                             _("A status change cannot lie in the future."), _("a date up to today"))
            if status == BottleneckStatus.OPGELOST and not (resolution or "").strip():
                self.problem(part, number, column["status"],
                             _("A resolved bottleneck needs a description of how it was resolved."),
                             _("the resolution in the column oplossing of the sheet Knelpunten"))
            history.append((status, date, note))
        current = history[-1][0]
        closed = history[-1][1] if current in CLOSED_STATUSES else None
        if b["fields"] is not None:
            if b["status"] and b["status"] != current:
                self.problem(b["part"], b["row"], "status",
                             _("This differs from the last status of its history (%(status)s).")
                             % {"status": BottleneckStatus(current).label},
                             _("the status of its last row on the sheet Knelpuntstatussen"))
            if b["closed_given"] and b["closed"] != closed:
                self.problem(b["part"], b["row"], "gesloten",
                             _("The closing date follows from the status history: %(date)s.")
                             % {"date": closed.isoformat() if closed else _("empty, it is open")},
                             _("the date of the last status, if that closes the bottleneck"))
        if recorded and history[:len(recorded)] != recorded:
            self.problem(part, rows[0][1], column["status"],
                         _("The recorded status history of this bottleneck cannot be changed, only extended."),
                         _("the recorded rows, then any new ones"))
        b["first_note"] = history[0][2]
        b["changes"] = history[max(len(recorded), 1):]
