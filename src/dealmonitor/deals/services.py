"""The only code that writes deal data. Each service checks permission, runs in one
transaction and leaves a history entry (django-simple-history) for every row it changes."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dealmonitor.organisations.constants import government_level_for
from dealmonitor.organisations.models import Organisation, Person
from dealmonitor.organisations.services import check_new_organisations
from dealmonitor.utils.cache import data_changed
from dealmonitor.utils.partial_dates import Precision

from . import history
from . import rules as deal_rules
from .references import check_row
from .signals import rows_imported
from .constants import DealStatus, ParticipationKind, Phase, SourcedField
from .importer import Fact, PartnerRecord
from .models import (
    Ambition,
    Deal,
    DealFact,
    Participation,
    PartnerCount,
    PhaseChange,
    Result,
    Role,
    Source,
    Theme,
)

IMPORT_REASON = "import"
# Stored data, in the language of the deal data (Dutch), not a UI text to translate.
DERIVED_PHASE_NOTE = "Afgeleid bij import uit status 'afgerond'."


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    @property
    def changed(self):
        return bool(sum(self.created.values()) or sum(self.updated.values()))

    def count(self, outcome, label):
        getattr(self, outcome)[label] += 1

    def lines(self):
        labels = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        for label in labels:
            yield (
                f"{label}: {self.created[label]} created, {self.updated[label]} updated, "
                f"{self.unchanged[label]} unchanged"
            )


# Rows whose new ones change a deal's related deals (connections listens to `rows_imported`).
RELATED_BY = (DealFact, Participation, Role, Result, Ambition)


class _Writer:
    """Create or update rows so that a second import of the same file writes nothing.

    Without N+1: what the deals of the file hold already is read up front, a few queries per
    table (`preload`); new rows wait in `pending` and are written at the end in bulk, each with
    its history row (`flush`), their links (sources, themes) with them; only a row that changed
    is saved on its own."""

    # New rows are written in this order: a row's parents before it.
    ORDER = (Organisation, Person, Deal, DealFact, Participation, Role, PartnerCount, Result, Ambition)

    def __init__(self, actor, report, publish=False, references=(), themes=()):
        """`references` and `themes`: the sources and themes the file names (only those are
        read; one named later that was not given here is taken as new)."""
        self.actor = actor
        self.publish = publish
        self.report = report
        self.sources = {s.reference: s for s in Source.objects.filter(reference__in=set(references))}
        self.themes = {t.name: t for t in Theme.objects.filter(name__in=set(themes))}
        self.outcomes = {}
        self.pending = {model: [] for model in self.ORDER}
        self.new_sources = []
        self.new_themes = []
        self.links = []  # (owner, field name, [objects]) of new owners
        self.current = {}  # (model, field name) -> {owner pk: {linked pks}} of existing owners
        self.phases = []  # (deal, phase, started_on, note): recorded once the deal is written

    def preload(self, model, name, owners):
        """The links `name` of existing `owners` (of `model`), in one query."""
        field = model._meta.get_field(name)
        through = field.remote_field.through
        own, other = field.m2m_field_name() + "_id", field.m2m_reverse_field_name() + "_id"
        found = {}
        ids = [o.pk for o in owners if o.pk is not None]
        if ids:
            for owner_id, linked_id in through.objects.filter(**{f"{own}__in": ids}).values_list(own, other):
                found.setdefault(owner_id, set()).add(linked_id)
        self.current.setdefault((model, name), {}).update({pk: found.get(pk, set()) for pk in ids})

    def save(self, instance, values, label):
        """Set `values` on `instance`; save (with history) only when something differs. A new
        row waits for `flush`."""
        is_new = instance.pk is None
        dirty = is_new
        for name, value in values.items():
            if getattr(instance, name) != value:
                setattr(instance, name, value)
                dirty = True
        if is_new:
            self.pending[type(instance)].append(instance)
        elif dirty:
            instance._history_user = self.actor
            instance._change_reason = IMPORT_REASON
            instance.save()
        outcome = "created" if is_new else "updated" if dirty else "unchanged"
        self.report.count(outcome, label)
        if not is_new:
            self.outcomes[(label, type(instance), instance.pk)] = outcome
        return dirty

    def sync_m2m(self, owner, name, wanted, label):
        """Set the many-to-many relation `name` of `owner`; an owner saved as unchanged now
        counts as updated."""
        if owner.pk is None:  # a new row: its links are written with it
            if wanted:
                self.links.append((owner, name, list(wanted)))
            return bool(wanted)
        wanted_ids = {obj.pk if obj.pk is not None else obj for obj in wanted}
        current = self.current.get((type(owner), name), {}).get(owner.pk)
        if current is None:
            current = set(getattr(owner, name).values_list("pk", flat=True))
        if current == wanted_ids:
            return False
        self.flush_new_links()  # a new source or theme gets its id first
        # simple-history records kept links (a deal's themes) with who and why
        owner._history_user = self.actor
        owner._change_reason = IMPORT_REASON
        getattr(owner, name).set([obj.pk for obj in wanted])
        key = (label, type(owner), owner.pk)
        if self.outcomes.get(key) == "unchanged":
            self.report.unchanged[label] -= 1
            self.report.updated[label] += 1
            self.outcomes[key] = "updated"
        return True

    def source_objs(self, references):
        out = []
        for ref in references:
            if ref not in self.sources:
                self.sources[ref] = Source(reference=ref)
                self.new_sources.append(self.sources[ref])
                self.report.count("created", "sources")
            out.append(self.sources[ref])
        return out

    def theme_objs(self, names):
        out = []
        for name in names:
            if name not in self.themes:
                self.themes[name] = Theme(name=name)
                self.new_themes.append(self.themes[name])
                self.report.count("created", "themes")
            out.append(self.themes[name])
        return out

    def flush_new_links(self):
        """Sources and themes first named in this file (they keep no history)."""
        for model, new in ((Source, self.new_sources), (Theme, self.new_themes)):
            if new:
                model.objects.bulk_create(new)
                data_changed(sender=model)  # bulk_create sends no signal: kept figures must go
                if any(obj.pk is None for obj in new):  # a database that returns no ids
                    ids = dict(model.objects.filter(pk__isnull=False).values_list(
                        "reference" if model is Source else "name", "pk"))
                    for obj in new:
                        obj.pk = ids[obj.reference if model is Source else obj.name]
                new.clear()

    def flush(self):
        """Write the new rows, a table at a time, each with its history row, then their links."""
        from dealmonitor.utils.bulk import insert_with_history

        self.flush_new_links()
        touched = set()  # the deals with new rows: their related deals are updated
        for model in self.ORDER:
            rows = self.pending[model]
            for row in rows:  # parents written above: take their ids
                for f in model._meta.concrete_fields:
                    if f.is_relation and getattr(row, f.attname) is None:
                        parent = f.get_cached_value(row, None)
                        if parent is not None:
                            setattr(row, f.attname, parent.pk)
                if hasattr(row, "refresh_identity"):  # what save() computes (normalised name,
                    row.refresh_identity()            # CBS code, identifiers): bulk skips save()
            insert_with_history(rows, user=self.actor, reason=IMPORT_REASON)
            if model is Deal:
                touched.update(row.pk for row in rows)
            elif model in RELATED_BY:
                touched.update(row.deal_id for row in rows)
            rows.clear()
        by_relation = {}
        for owner, name, linked in self.links:
            by_relation.setdefault((type(owner), name), []).append((owner, linked))
        for (model, name), pairs in by_relation.items():
            field = model._meta.get_field(name)
            through = field.remote_field.through
            own, other = field.m2m_field_name() + "_id", field.m2m_reverse_field_name() + "_id"
            through.objects.bulk_create([through(**{own: owner.pk, other: obj.pk})
                                         for owner, linked in pairs for obj in dict.fromkeys(linked)])
            data_changed(sender=through)  # no m2m_changed signal in bulk
            if model is Deal and name == "themes":
                self._themes_history([owner for owner, _linked in pairs])
                touched.update(owner.pk for owner, _linked in pairs)
        self.links.clear()
        for deal, phase, started_on, note in self.phases:
            _record_phase(deal, phase, started_on, self.actor, note=note)
        self.phases.clear()
        if touched:  # bulk rows send no post_save: as if each deal had been saved
            rows_imported.send(sender=Deal, deal_ids=sorted(touched))

    def _themes_history(self, deals):
        """As saving the themes of a deal one by one records it: a history row of the deal,
        after its creation, holding the themes it was linked to."""
        history = Deal.history.model
        m2m = apps.get_model("deals", "HistoricalDeal_themes")
        fields = [f.attname for f in history._meta.concrete_fields
                  if f.attname not in ("history_id", "history_date", "history_change_reason",
                                       "history_type", "history_user_id")]
        now = timezone.now()
        rows = history.objects.bulk_create([
            history(**{name: getattr(deal, name) for name in fields}, history_date=now,
                    history_type="~", history_change_reason=IMPORT_REASON, history_user=self.actor)
            for deal in deals
        ])
        if any(row.pk is None for row in rows):  # a database that returns no ids
            latest = dict(history.objects.filter(id__in=[d.pk for d in deals], history_type="~")
                          .order_by("history_id").values_list("id", "history_id"))
            for row in rows:
                row.pk = latest[row.id]
        themes = Deal.themes.through.objects.filter(deal__in=deals).values_list("id", "deal_id", "theme_id")
        kept = {row.id: row for row in rows}
        m2m.objects.bulk_create([m2m(id=pk, history=kept[deal_id], deal_id=deal_id, theme_id=theme_id)
                                 for pk, deal_id, theme_id in themes])


def _source_references(records):
    """Every source reference the records name: a deal's own list and those of its facts,
    partners, roles, partner counts, results and ambitions."""
    references = set()
    for record in records:
        references.update(record.all_sources)
        for value in vars(record).values():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, (Fact, PartnerRecord)):
                    references.update(item.sources)
                elif isinstance(item, dict):
                    references.update(item.get("sources") or ())
    return references


def _organisation_values(records):
    """One organisation per org_id across the file: its current (canonical) name where any
    mention gives one, else the name used most; type and subtype of the first mention."""
    mentions = {}
    for record in records:
        for partner in record.partners:
            mentions.setdefault(partner.org_id, []).append(partner)
    values = {}
    for org_id, partners in mentions.items():
        canonical = next((p.canonical_name for p in partners if p.canonical_name), "")
        names = Counter(p.name for p in partners)
        name = canonical or max(names, key=lambda n: (names[n], -list(names).index(n)))
        first = partners[0]
        subtype = next((p.subtype for p in partners if p.subtype), "")
        values[org_id] = {
            "name": name,
            "type": first.type,
            "subtype": subtype,
            "government_level": government_level_for(first.type, subtype),
        }
    return values


def import_portfolio(*, actor, records, publish=False):
    """Write parsed deal records (see importer.parse_portfolio) in one transaction.

    With `publish`, every deal in the file is published (readable by the public); without,
    new deals stay unpublished and existing deals keep their publication.

    Rows are matched on stable keys (deal id, org_id, person_id, texts), so the same file
    imported twice changes nothing the second time. Rows that are not in the file are left
    alone: the file describes what the sources say, not everything a deal team recorded.
    """
    if not deal_rules.can_import_deals(actor):
        raise PermissionDenied(_("You may not import deals."))
    report = ImportReport()
    with transaction.atomic():
        # Of the shared tables (at scale L 100,000 organisations and 30,000 people) only the
        # rows the file names are read.
        writer = _Writer(actor, report, publish=publish, references=_source_references(records),
                         themes=[name for record in records for name in record.themes])
        organisations = _organisation_values(records)
        orgs = {o.slug: o for o in Organisation.objects.filter(slug__in=list(organisations))}
        new = {}
        for org_id, values in organisations.items():
            org = orgs.get(org_id) or Organisation(slug=org_id)
            if org.pk is None:
                new[org_id] = values
            writer.save(org, values, "organisations")  # a new one waits for flush
            orgs[org_id] = org
        # The new ones are refused when one is registered (by identifier or name): the
        # registered rows that could match, read in one query, and the file's own as updated
        # above; no query per organisation.
        check_new_organisations(new, held=[o for o in orgs.values() if o.pk is not None])
        people = {p.slug: p for p in Person.objects.filter(
            slug__in={item["person_id"] for record in records for item in record.key_roles})}
        held = _Held(writer, [record.slug for record in records])
        for record in records:
            _import_deal(writer, record, orgs, people, held)
        writer.flush()
    return report


class _Held:
    """What the deals of a file already hold, read a table at a time (not a deal at a time)."""

    def __init__(self, writer, slugs):
        self.deals = {d.slug: d for d in Deal.objects.filter(slug__in=slugs)}
        ids = [d.pk for d in self.deals.values()]
        self.rows = {}
        for model in (DealFact, Participation, Role, PartnerCount, Result, Ambition):
            rows = model.objects.filter(deal_id__in=ids).order_by("pk")
            if model is Participation:
                rows = rows.select_related("organisation")
            self.rows[model] = {}
            for row in rows:
                self.rows[model].setdefault(row.deal_id, []).append(row)
            writer.preload(model, "sources", [r for group in self.rows[model].values() for r in group])
        writer.preload(Deal, "themes", self.deals.values())
        writer.preload(Deal, "all_sources", self.deals.values())

    def of(self, model, deal):
        return self.rows[model].get(deal.pk, []) if deal.pk is not None else []


def _import_deal(writer, record, orgs, people, held):
    deal = held.deals.get(record.slug) or Deal(slug=record.slug)
    signing, signing_precision = record.signing_date.value
    end, end_precision = record.end_date.value
    status_as_of, status_as_of_precision = record.status.as_of
    published = {"is_published": True} if writer.publish else {}
    writer.save(
        deal,
        {
            **published,
            "name": record.name.value,
            "kind": record.kind,
            "other_kind": record.other_kind,
            "aliases": record.aliases,
            "description": record.description.value,
            "signing_date": signing,
            "signing_date_precision": signing_precision,
            "end_date": end,
            "end_date_precision": end_precision,
            "status": record.status.value,
            "status_as_of": status_as_of,
            "status_as_of_precision": status_as_of_precision,
        },
        "deals",
    )
    writer.sync_m2m(deal, "themes", writer.theme_objs(record.themes), "deals")
    writer.sync_m2m(deal, "all_sources", writer.source_objs(record.all_sources), "deals")

    if not deal.phase and record.status.value == DealStatus.AFGEROND:
        # A finished deal is in its last phase; every other phase is for the deal team to set.
        # Its start is known no better than the end date (or the status date) is known.
        when = (end, end_precision) if end else (status_as_of, status_as_of_precision)
        writer.phases.append((deal, Phase.AFGEROND, when, DERIVED_PHASE_NOTE))
        writer.report.count("created", "phase changes")

    existing_facts = {f.field: f for f in held.of(DealFact, deal)}
    for fact_field in SourcedField:
        fact = getattr(record, fact_field.value, None)
        if fact_field == SourcedField.KIND or fact is None:
            continue
        if not (fact.sources or fact.note or fact.as_of[0] or fact.confidence):
            continue
        row = existing_facts.get(fact_field.value) or DealFact(deal=deal, field=fact_field.value)
        writer.save(
            row,
            {
                "note": fact.note,
                "as_of": fact.as_of[0],
                "as_of_precision": fact.as_of[1],
                "confidence": fact.confidence,
            },
            "sourced facts",
        )
        writer.sync_m2m(row, "sources", writer.source_objs(fact.sources), "sourced facts")

    existing = {p.organisation.slug: p for p in held.of(Participation, deal)}
    merged = {}
    for partner in record.partners:  # one organisation named twice in a deal: merge mentions
        merged.setdefault(partner.org_id, []).append(partner)
    for org_id, mentions in merged.items():
        first = mentions[0]
        row = existing.get(org_id) or Participation(deal=deal, organisation=orgs[org_id])
        roles = list(dict.fromkeys(m.role for m in mentions if m.role))
        writer.save(
            row,
            {
                "kind": (
                    ParticipationKind.ONDERTEKENAAR
                    if any(m.kind == ParticipationKind.ONDERTEKENAAR for m in mentions)
                    else first.kind
                ),
                "role_description": "; ".join(roles),
                "name_in_source": first.name,
                "joined_on": first.joined[0],
                "joined_on_precision": first.joined[1],
                "confidence": first.confidence,
                "note": "\n".join(dict.fromkeys(m.note for m in mentions if m.note)),
            },
            "participations",
        )
        refs = list(dict.fromkeys(ref for m in mentions for ref in m.sources))
        writer.sync_m2m(row, "sources", writer.source_objs(refs), "participations")

    for item in record.key_roles:
        person = people.get(item["person_id"])
        if person is None:
            person = Person(slug=item["person_id"])
            writer.save(person, {}, "people")
            people[person.slug] = person
        row = next((r for r in held.of(Role, deal) if (r.person_id, r.kind) == (person.pk, item["kind"])
                    and person.pk is not None), None) or Role(deal=deal, person=person, kind=item["kind"])
        writer.save(row, {"description": item["description"]}, "roles")
        writer.sync_m2m(row, "sources", writer.source_objs(item["sources"]), "roles")

    counts = {(c.count, c.as_of, c.as_of_precision): c for c in held.of(PartnerCount, deal)}
    for item in record.partner_counts:
        key = (item["count"], *item["as_of"])
        row = counts.get(key) or PartnerCount(
            deal=deal, count=item["count"], as_of=item["as_of"][0], as_of_precision=item["as_of"][1]
        )
        writer.save(row, {"breakdown": item["breakdown"], "note": item["note"]}, "partner counts")
        writer.sync_m2m(row, "sources", writer.source_objs(item["sources"]), "partner counts")

    results = {r.text: r for r in held.of(Result, deal)}
    for item in record.results:
        row = results.get(item["text"]) or Result(deal=deal, text=item["text"])
        writer.save(
            row,
            {
                "kind": item["kind"],
                "date": item["date"][0],
                "date_precision": item["date"][1],
                "note": item["note"],
            },
            "results",
        )
        writer.sync_m2m(row, "sources", writer.source_objs(item["sources"]), "results")

    ambitions = {a.text: a for a in held.of(Ambition, deal)}
    for item in record.ambitions:
        row = ambitions.get(item["text"]) or Ambition(deal=deal, text=item["text"])
        writer.save(
            row,
            {
                "target_value": item["target_value"],
                "unit": item["unit"],
                "target_year": item["target_year"],
                "scope": item["scope"],
            },
            "ambitions",
        )
        writer.sync_m2m(row, "sources", writer.source_objs(item["sources"]), "ambitions")


def _record_phase(deal, phase, started_on, actor, note=""):
    """`started_on` is a partial date: (date or None, precision)."""
    PhaseChange.objects.create(
        deal=deal, phase=phase, started_on=started_on[0], started_on_precision=started_on[1],
        note=note, recorded_by=actor,
    )
    deal.phase = phase
    deal._history_user = actor
    deal._change_reason = note or "phase"
    deal.save(update_fields=["phase", "updated_at"])


def change_deal_phase(*, actor, deal, phase, started_on=None, note=""):
    """Move a deal to a new phase, keeping the old one in its phase history."""
    if not deal_rules.can_edit_deal_data(actor, deal):
        raise PermissionDenied(_("You may not change the phase of this deal."))
    if phase not in Phase.values:
        raise ValidationError({"phase": _("Unknown phase: %(phase)s") % {"phase": phase}})
    started_on = started_on or timezone.localdate()
    if isinstance(started_on, dt.datetime):
        started_on = started_on.date()
    last = deal.phase_changes.order_by(
        F("started_on").desc(nulls_last=True), "-recorded_at"
    ).first()
    if last and last.started_on and started_on < last.started_on:
        raise ValidationError(
            {"started_on": _("A new phase cannot start before the current one (%(date)s).")
             % {"date": last.started_on.isoformat()}}
        )
    if deal.phase == phase:
        raise ValidationError({"phase": _("The deal is already in this phase.")})
    with transaction.atomic():
        _record_phase(deal, phase, (started_on, Precision.DAY), actor, note=note)
    return deal


# Single rows, for spreadsheet imports and the API ------------------------------------------

DEAL_FIELDS = (
    "is_published", "name", "kind", "other_kind", "description", "status", "signing_date",
    "signing_date_precision", "end_date", "end_date_precision", "extended_to",
    "extended_to_precision",
)
PARTICIPATION_FIELDS = (
    "kind", "role_description", "name_in_source", "stance", "joined_on", "joined_on_precision",
    "left_on", "left_on_precision", "commitment_money", "commitment_fte", "commitment_in_kind",
    "delivered_money", "delivered_fte", "confidence", "note", "contact_name", "contact_email",
)


def _write(instance, fields, allowed, actor, reason):
    """Set `fields` on `instance` and save it with history when anything differs.
    Returns True when the row was written."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    dirty = instance.pk is None
    for name, value in fields.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            dirty = True
    if dirty:
        if not isinstance(instance, Deal):
            check_row(actor=actor, instance=instance)  # deals/references.py
        instance.full_clean()
        instance._history_user = actor
        instance._change_reason = reason
        instance.save()
    return dirty


def save_deal(*, actor, slug, themes=None, phase=None, publish=False, reason="", **fields):
    """Create a deal (programme administrators) or change one (who may edit its data).
    Only what differs is written; a new phase goes through the phase history. With `publish`
    the deal is published; without, a new deal stays unpublished."""
    deal = Deal.objects.filter(slug=slug).first()
    if publish:
        fields["is_published"] = True
    if deal is None:
        if not deal_rules.can_import_deals(actor):
            raise PermissionDenied(_("Only the programme administrator may add a deal."))
        deal = Deal(slug=slug)
    elif not deal_rules.can_edit_deal_data(actor, deal):
        raise PermissionDenied(_("You may not change this deal."))
    with transaction.atomic():
        _write(deal, fields, DEAL_FIELDS, actor, reason)
        if themes is not None:
            wanted = [Theme.objects.get_or_create(name=name)[0] for name in themes]
            history.set_relations(deal, actor=actor, reason=reason, themes=wanted)
        if phase and phase != deal.phase:
            if not deal_rules.can_edit_deal_data(actor, deal):
                raise PermissionDenied(_("You may not change the phase of this deal."))
            _record_phase(deal, phase, (timezone.localdate(), Precision.DAY), actor,
                          note=reason or "")
    return deal


def save_participation(*, actor, deal, organisation, reason="", **fields):
    """Add an organisation to a deal or change its participation (who may edit the deal)."""
    if not deal_rules.can_edit_deal_data(actor, deal):
        raise PermissionDenied(_("You may not change the partners of this deal."))
    row = (
        Participation.objects.filter(deal=deal, organisation=organisation).first()
        or Participation(deal=deal, organisation=organisation)
    )
    with transaction.atomic():
        _write(row, fields, PARTICIPATION_FIELDS, actor, reason)
    return row


def import_participations(*, actor, participations, reason=""):
    """`save_participation` for many at once (the Partners sheet of an import):
    `participations` is a list of (deal, organisation, fields); returns the rows. The same
    rules, in one transaction: only who may edit a deal changes its partners, unknown fields
    are refused, a row is written (with its history row) only when a value differs, the
    organisation must be one the actor may see (deals/references.py), and each row is
    validated as `full_clean` validates it. A pair given twice is one row, changed twice.

    Queries: a fixed number, whatever the count (the existing rows, what the actor may see
    of the organisations, the new rows with their history, the changed ones with theirs, the
    cache's data versions once), but a permission check per deal."""
    from simple_history.utils import bulk_update_with_history

    from dealmonitor.utils.bulk import insert_with_history

    from .references import ReferenceCheck

    allowed = {}
    for deal, _organisation, _fields in participations:
        if deal.pk not in allowed:
            allowed[deal.pk] = deal_rules.can_edit_deal_data(actor, deal)
        if not allowed[deal.pk]:
            raise PermissionDenied(_("You may not change the partners of this deal."))
    references = ReferenceCheck(actor)
    references.preload([organisation for _deal, organisation, _fields in participations])
    rows = {}
    if participations:
        deal_ids = {deal.pk for deal, _o, _f in participations}
        org_ids = {o.pk for _d, o, _f in participations if o.pk is not None}
        rows = {(p.deal_id, p.organisation_id): p for p in Participation.objects.filter(
            deal__in=deal_ids, organisation__in=org_ids).order_by()}
    out, new, changed = [], {}, {}
    for deal, organisation, fields in participations:
        unknown = set(fields) - set(PARTICIPATION_FIELDS)
        if unknown:
            raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
        key = (deal.pk, organisation.pk)
        row = rows.get(key)
        if row is None:
            row = rows[key] = Participation(deal=deal, organisation=organisation)
        out.append(row)
        dirty = row.pk is None
        for name, value in fields.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                dirty = True
        if not dirty:
            continue
        references.check(deal=deal, instance=row)
        # The deal and the organisation are rows read or written by this transaction, and
        # the pair is unique by the read above: no query per row to find either again.
        row.full_clean(exclude=["deal", "organisation"], validate_unique=False,
                       validate_constraints=False)
        (new if row.pk is None else changed)[key] = row
    if not new and not changed:
        return out
    with transaction.atomic():
        insert_with_history(list(new.values()), user=actor, reason=reason)
        if changed:
            bulk_update_with_history(list(changed.values()), Participation,
                                     list(PARTICIPATION_FIELDS), default_user=actor,
                                     default_change_reason=reason or None)
        # the cache's versions, once (no signals in bulk): these rows' deals
        data_changed(sender=Participation, rows=[*new.values(), *changed.values()])
        rows_imported.send(sender=Participation,
                           deal_ids={deal_id for deal_id, _o in [*new, *changed]})
    return out


def restore_change(*, actor, deal, label, history_id, note=""):
    """Undo one change in the deal's change log (deals/history.py) as a new change: put back
    the values the change replaced, or bring back a row the change deleted. The new history
    entry has the reason 'herstel' (restored) with the note. Returns the restored row."""
    from dealmonitor.utils.change_reason import compose

    predicate = (
        deal_rules.can_manage_roles if label == "accounts.dealmembership"
        else deal_rules.can_edit_deal_data
    )
    if not predicate(actor, deal):
        raise PermissionDenied(_("You may not change this deal's data."))
    try:
        record, previous = history.find_entry(deal, label, history_id)
    except LookupError:
        raise ValidationError(_("This change is not in this deal's change log.")) from None
    Model = history.model(label)
    with transaction.atomic():
        relations = {}
        if record.history_type == "-":
            if Model._base_manager.filter(pk=record.id).exists():
                raise ValidationError(_("This row exists again; there is nothing to bring back."))
            instance = record.instance
            restored = [f.name for f in history.fields_of(label)]
            if previous is not None:  # its links, as they were before the deletion
                relations = {name: ids for name, ids in
                             history.restorable_relations(label, record, previous).items() if ids}
        elif record.history_type == "~":
            instance = Model._base_manager.select_for_update().filter(pk=record.id).first()
            if instance is None:
                raise ValidationError(
                    _("This row has been deleted since; bring back the deletion first.")
                )
            fields = history.restorable_fields(label, record, previous)
            relations = history.restorable_relations(label, record, previous)
            if not fields and not relations:
                raise ValidationError(_("Nothing in this change can be put back."))
            for f in fields:
                setattr(instance, f.attname, getattr(previous, f.attname))
            restored = [f.name for f in fields]
        else:
            raise ValidationError(_("A new row cannot be put back; delete it instead."))
        # a value put back must still be a row of this deal, or one the actor may see
        linked = {name: Model._meta.get_field(name).related_model._base_manager.filter(pk__in=ids)
                  for name, ids in _existing(Model, relations).items()}
        if Model is not Deal:  # a deal's themes are names anyone may type
            check_row(actor=actor, instance=instance, values=linked)
        instance.full_clean(validate_unique=True)
        reason = compose("herstel", note)
        if relations and instance.pk is not None and record.history_type == "~":
            # the links change without entries of their own; the save below records them
            history.set_relations(instance, actor=actor, reason=reason, record=False,
                                  **_existing(Model, relations))
        instance._history_user = actor
        instance._change_reason = reason
        instance.save()
        if relations and record.history_type == "-":  # the row must exist before its links
            history.set_relations(instance, actor=actor, reason=reason,
                                  **_existing(Model, relations))
        restored += list(relations)
    return instance, restored


def _existing(Model, relations):
    """The linked ids that still exist: a link to a deleted row cannot come back."""
    out = {}
    for name, ids in relations.items():
        related = Model._meta.get_field(name).related_model
        out[name] = list(related._base_manager.filter(pk__in=ids).values_list("pk", flat=True))
    return out


# A new deal in the app ---------------------------------------------------------------------

# Addresses of the site that look like a deal identifier under /deals/.
RESERVED_SLUGS = {"nieuw"}


def free_slug(name):
    """An identifier for a new deal made from its name, not yet used by another deal."""
    from django.utils.text import slugify

    base = (slugify(name)[:90].strip("-") or "deal")
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Deal.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_deal(*, actor, name, kind, other_kind="", description="", signing_date=None,
                end_date=None, themes=(), phase=Phase.VERKENNEN, reason=""):
    """A new deal, made in the app by the programme administrator: unpublished until the
    programme publishes it, running, in its first phase from its signing date (or today).
    The deal's team, pathway and start conversation are set by the caller through their own
    services (workday/services.py), so each app keeps writing its own rows."""
    if not deal_rules.can_import_deals(actor):
        raise PermissionDenied(_("Only the programme administrator may add a deal."))
    if kind == "other" and not other_kind:
        raise ValidationError({"other_kind": _("Say what kind of deal this is.")})
    if signing_date and end_date and end_date < signing_date:
        raise ValidationError({"end_date": _("The deal ends before it is signed.")})
    with transaction.atomic():
        deal = Deal(slug=free_slug(name))
        fields = {"name": name, "kind": kind, "other_kind": other_kind if kind == "other" else "",
                  "description": description, "status": DealStatus.LOPEND}
        if signing_date:
            fields.update(signing_date=signing_date, signing_date_precision=Precision.DAY)
        if end_date:
            fields.update(end_date=end_date, end_date_precision=Precision.DAY)
        _write(deal, fields, DEAL_FIELDS, actor, reason or "created in the app")
        if themes:
            history.set_relations(deal, actor=actor, reason=reason, themes=list(themes))
        if phase:
            _record_phase(deal, phase, (signing_date or timezone.localdate(), Precision.DAY),
                          actor, note=reason or "")
    return deal
