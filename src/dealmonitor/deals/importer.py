"""Reading the portfolio JSON format (data/demo/agenda-stad-deals.json, described in
data/demo/README.md).

Two steps, so that a bad file never touches the database:

1. `parse_portfolio(data)` checks every entry and returns plain records, or raises
   `ImportFileError` listing every problem with its entry and field;
2. `services.import_portfolio()` writes the records in one transaction.

Partial dates, nulls, status `onbekend` and one organisation named in several deals are
normal in this format, not errors.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from dealmonitor.organisations.constants import OrganisationType
from dealmonitor.utils.partial_dates import parse_partial_date

from .constants import DEAL_KIND_BY_LABEL, AmbitionScope, DealStatus, ParticipationKind, RoleKind

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Organisation ids keep Frisian and other accented letters (provincie-fryslân).
UNICODE_SLUG = re.compile(r"^[^\W_A-Z]+(?:-[^\W_A-Z]+)*$")


class ImportFileError(Exception):
    """The file cannot be imported; `errors` lists every problem found."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class Fact:
    value: object = None
    sources: list = field(default_factory=list)
    note: str = ""
    as_of: tuple = (None, "")
    confidence: str = ""


@dataclass
class PartnerRecord:
    org_id: str
    name: str
    type: str
    subtype: str
    canonical_name: str
    kind: str
    role: str
    joined: tuple
    confidence: str
    note: str
    sources: list


@dataclass
class DealRecord:
    slug: str
    name: Fact
    kind: str
    other_kind: str
    aliases: list
    themes: list
    description: Fact
    signing_date: Fact
    end_date: Fact
    status: Fact
    partner_counts: list
    partners: list
    key_roles: list
    results: list
    ambitions: list
    all_sources: list


class _Checker:
    """Collects errors with the place they occur, e.g. `entry 3 (cd-foo), field 'partners[2].type'`."""

    def __init__(self):
        self.errors = []
        self.where = ""

    def error(self, path, message):
        self.errors.append(f"{self.where}, field '{path}': {message}")

    def text(self, value, path, required=False, max_length=None):
        if value is None or value == "":
            if required:
                self.error(path, "is required")
            return ""
        if not isinstance(value, str):
            self.error(path, f"expected text, got {type(value).__name__} {value!r}")
            return ""
        value = value.strip()
        if max_length and len(value) > max_length:
            self.error(path, f"is {len(value)} characters long, at most {max_length} fit")
        return value

    def text_list(self, value, path, max_length=1000):
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, f"expected a list of texts, got {type(value).__name__}")
            return []
        out = []
        for i, item in enumerate(value):
            text = self.text(item, f"{path}[{i}]", required=True, max_length=max_length)
            if text:
                out.append(text)
        return out

    def partial_date(self, value, path, precision=None):
        if value is None:
            return (None, "")
        try:
            return parse_partial_date(value, precision)
        except ValueError as exc:
            self.error(path, str(exc))
            return (None, "")

    def fact(self, raw, path, kind="text", max_length=None):
        """A scalar fact: `{value, sources, precision?, as_of?, confidence?, note?}` or a bare value."""
        if not isinstance(raw, dict):
            raw = {"value": raw}
        fact = Fact(
            sources=self.text_list(raw.get("sources"), f"{path}.sources"),
            note=self.text(raw.get("note"), f"{path}.note"),
            as_of=self.partial_date(raw.get("as_of"), f"{path}.as_of"),
            confidence=self.text(raw.get("confidence"), f"{path}.confidence"),
        )
        value = raw.get("value")
        if kind == "date":
            fact.value = self.partial_date(value, f"{path}.value", raw.get("precision"))
        else:
            fact.value = self.text(value, f"{path}.value", max_length=max_length)
        return fact

    def items(self, raw, path):
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.error(path, f"expected a list, got {type(raw).__name__}")
            return []
        out = []
        for i, item in enumerate(raw):
            if isinstance(item, dict):
                out.append((f"{path}[{i}]", item))
            else:
                self.error(f"{path}[{i}]", f"expected an object, got {type(item).__name__}")
        return out

    def integer(self, value, path, minimum=None):
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, f"expected a whole number, got {value!r}")
            return None
        if minimum is not None and value < minimum:
            self.error(path, f"must be at least {minimum}, got {value}")
            return None
        return value

    def decimal(self, value, path):
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.error(path, f"expected a number, got {value!r}")
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation:
            self.error(path, f"expected a number, got {value!r}")
            return None


def participation_kind(role_text):
    return (
        ParticipationKind.ONDERTEKENAAR
        if "ondertekenaar" in (role_text or "").lower()
        else ParticipationKind.PARTNER
    )


_ROLE_WORDS = [
    ("projectsecretaris", RoleKind.PROJECTSECRETARIS),
    ("projectleider", RoleKind.PROJECTLEIDER),
    ("programmamanager", RoleKind.PROGRAMMAMANAGER),
    ("dealmaker", RoleKind.DEALMAKER),
    ("coördinator", RoleKind.COORDINATOR),
    ("coordinator", RoleKind.COORDINATOR),
    ("trekker", RoleKind.TREKKER),
    ("stuurgroep", RoleKind.STUURGROEPLID),
    ("communicatie", RoleKind.COMMUNICATIEADVISEUR),
    ("werkgroepsecretaris", RoleKind.WERKGROEPSECRETARIS),
]


def role_kind(role_text):
    """The role named first in a free-text role description; 'betrokkene' when none is."""
    text = (role_text or "").lower()
    for word, kind in _ROLE_WORDS:
        if text.startswith(word):
            return kind
    return RoleKind.BETROKKENE


def parse_portfolio(data):
    """Check the whole file and return a list of DealRecord, or raise ImportFileError."""
    check = _Checker()
    if not isinstance(data, list):
        raise ImportFileError(
            [f"the file must hold a list of deals, it holds a {type(data).__name__}"]
        )
    records, seen = [], {}
    org_types = {choice.value for choice in OrganisationType}
    for index, entry in enumerate(data, start=1):
        slug = entry.get("id") if isinstance(entry, dict) else None
        check.where = f"entry {index} ({slug})" if isinstance(slug, str) else f"entry {index}"
        if not isinstance(entry, dict):
            check.error("", f"expected an object, got {type(entry).__name__}")
            continue
        if not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > 100:
            check.error("id", f"expected a slug such as 'cd-impact-ondernemen', got {slug!r}")
        elif slug in seen:
            check.error("id", f"{slug!r} is used twice (also in entry {seen[slug]})")
        else:
            seen[slug] = index
        name = check.fact(entry.get("name"), "name", max_length=300)
        if not name.value:
            check.error("name", "is required")
        kind_label = entry.get("kind")
        if isinstance(kind_label, dict):
            kind_label = kind_label.get("value")
        kind = DEAL_KIND_BY_LABEL.get(kind_label)
        if kind is None:
            check.error(
                "kind", f"{kind_label!r} is not one of {', '.join(map(repr, DEAL_KIND_BY_LABEL))}"
            )
        status = check.fact(entry.get("status"), "status")
        status.value = status.value or DealStatus.ONBEKEND
        if status.value not in DealStatus.values:
            check.error(
                "status.value", f"{status.value!r} is not one of {', '.join(DealStatus.values)}"
            )
        partners = []
        for path, raw in check.items(entry.get("partners"), "partners"):
            org_type = check.text(raw.get("type"), f"{path}.type", required=True)
            if org_type and org_type not in org_types:
                check.error(f"{path}.type", f"{org_type!r} is not a known organisation type")
            org_id = check.text(raw.get("org_id"), f"{path}.org_id", required=True)
            if len(org_id) > 200:
                check.error(f"{path}.org_id", "is longer than 200 characters")
            elif org_id and not UNICODE_SLUG.match(org_id):
                check.error(f"{path}.org_id", f"expected a slug, got {org_id!r}")
            role = check.text(raw.get("role"), f"{path}.role", max_length=500)
            partners.append(
                PartnerRecord(
                    org_id=org_id,
                    name=check.text(raw.get("name"), f"{path}.name", required=True, max_length=300),
                    type=org_type,
                    subtype=check.text(raw.get("subtype"), f"{path}.subtype", max_length=200),
                    canonical_name=check.text(
                        raw.get("canonical_name"), f"{path}.canonical_name", max_length=300
                    ),
                    kind=participation_kind(role),
                    role=role,
                    joined=check.partial_date(raw.get("joined"), f"{path}.joined"),
                    confidence=check.text(raw.get("confidence"), f"{path}.confidence"),
                    note=check.text(raw.get("note"), f"{path}.note"),
                    sources=check.text_list(raw.get("sources"), f"{path}.sources"),
                )
            )
        partner_counts = []
        for path, raw in check.items(entry.get("partner_counts"), "partner_counts"):
            count = check.integer(raw.get("count"), f"{path}.count", minimum=0)
            if raw.get("count") is None:
                check.error(f"{path}.count", "is required")
            breakdown = raw.get("breakdown") or {}
            if not isinstance(breakdown, dict):
                check.error(f"{path}.breakdown", "expected an object of type: number")
                breakdown = {}
            for key, value in breakdown.items():
                check.integer(value, f"{path}.breakdown.{key}", minimum=0)
            partner_counts.append(
                {
                    "count": count,
                    "as_of": check.partial_date(raw.get("as_of"), f"{path}.as_of"),
                    "breakdown": breakdown,
                    "note": check.text(raw.get("note"), f"{path}.note"),
                    "sources": check.text_list(raw.get("sources"), f"{path}.sources"),
                }
            )
        key_roles = []
        for path, raw in check.items(entry.get("key_roles"), "key_roles"):
            person = check.text(
                raw.get("person_id"), f"{path}.person_id", required=True, max_length=100
            )
            if person and not SLUG.match(person):
                check.error(f"{path}.person_id", f"expected a slug, got {person!r}")
            role = check.text(raw.get("role"), f"{path}.role", required=True, max_length=500)
            key_roles.append(
                {
                    "person_id": person,
                    "kind": role_kind(role),
                    "description": role,
                    "sources": check.text_list(raw.get("sources"), f"{path}.sources"),
                }
            )
        results = []
        for path, raw in check.items(entry.get("results"), "results"):
            results.append(
                {
                    "text": check.text(raw.get("text"), f"{path}.text", required=True),
                    "kind": check.text(raw.get("kind"), f"{path}.kind", max_length=50),
                    "date": check.partial_date(raw.get("date"), f"{path}.date"),
                    "note": check.text(raw.get("note"), f"{path}.note"),
                    "sources": check.text_list(raw.get("sources"), f"{path}.sources"),
                }
            )
        ambitions = []
        for path, raw in check.items(entry.get("ambitions"), "ambitions"):
            scope = check.text(raw.get("scope"), f"{path}.scope") or AmbitionScope.DEAL
            if scope not in AmbitionScope.values:
                check.error(
                    f"{path}.scope", f"{scope!r} is not one of {', '.join(AmbitionScope.values)}"
                )
            ambitions.append(
                {
                    "text": check.text(raw.get("text"), f"{path}.text", required=True),
                    "target_value": check.decimal(raw.get("target_value"), f"{path}.target_value"),
                    "unit": check.text(raw.get("unit"), f"{path}.unit", max_length=100),
                    "target_year": check.integer(
                        raw.get("target_year"), f"{path}.target_year", minimum=1900
                    ),
                    "scope": scope,
                    "sources": check.text_list(raw.get("sources"), f"{path}.sources"),
                }
            )
        themes = check.text_list(entry.get("themes"), "themes", max_length=100)
        records.append(
            DealRecord(
                slug=slug,
                name=name,
                kind=kind,
                other_kind=check.text(entry.get("other_kind"), "other_kind", max_length=100),
                aliases=check.text_list(entry.get("aliases"), "aliases"),
                themes=list(dict.fromkeys(t.lower() for t in themes)),
                description=check.fact(entry.get("description"), "description"),
                signing_date=check.fact(entry.get("signing_date"), "signing_date", kind="date"),
                end_date=check.fact(entry.get("end_date"), "end_date", kind="date"),
                status=status,
                partner_counts=partner_counts,
                partners=partners,
                key_roles=key_roles,
                results=results,
                ambitions=ambitions,
                all_sources=check.text_list(entry.get("all_sources"), "all_sources"),
            )
        )
    if check.errors:
        raise ImportFileError(check.errors)
    return records
