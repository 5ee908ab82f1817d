"""The import checks references by the services' rules (deals/references.py): an
organisation known only from a deal the importer may not read is neither used nor named."""

import pytest

from dealmonitor.deals.models import Participation
from dealmonitor.deals.tests.factories import DealFactory, OrganisationFactory, ParticipationFactory
from dealmonitor.imports import columns as C
from dealmonitor.imports.checking import Part, check_parts, guess_mapping
from dealmonitor.imports.reading import read_spreadsheet

from .conftest import xlsx

pytestmark = pytest.mark.django_db

SECRET = "GEHEIME-PARTNER"


@pytest.fixture
def hidden_org(db):
    org = OrganisationFactory(name=SECRET, slug="geheime-partner")
    ParticipationFactory(deal=DealFactory(unpublished=True, slug="cd-geheim"), organisation=org)
    return org


def check(actor, rows, kind):
    sheet = read_spreadsheet(xlsx({"Blad": rows}), "f.xlsx")[0]
    kind = C.KINDS[kind]
    return check_parts(actor, [Part(kind, sheet, guess_mapping(kind, sheet.headers))])


def _messages(result):
    return [(p.row, p.column, p.message) for p in result.problems]


def test_a_partner_row_cannot_use_or_reveal_an_organisation_of_a_hidden_deal(deal, team_user, hidden_org):
    header = ["deal_id", "organisatie_id", "organisatie_naam", "organisatie_type"]
    for name in (SECRET, "Een andere naam"):  # the same name (used) or another (name shown)
        result = check(team_user, [header, ["cd-proef", hidden_org.slug, name, "gemeente"]], "partners")
        assert _messages(result) == [(2, "organisatie_id", "Onbekend, of hier niet toegestaan.")]
        assert SECRET not in str(result.problems[0])
    assert not Participation.objects.filter(deal=deal, organisation=hidden_org).exists()


def test_a_measurement_row_treats_a_hidden_organisation_as_unknown(numeric, team_user, hidden_org):
    header = ["deal_id", "indicator", "datum", "waarde", "organisatie_id"]
    result = check(team_user, [header,
                               ["cd-proef", numeric.name, "2023-03-31", 1, hidden_org.slug],
                               ["cd-proef", numeric.name, "2023-03-31", 1, "bestaat-niet"]],
                   "measurements")
    problems = _messages(result)
    assert [p[:2] for p in problems] == [(2, "organisatie_id"), (3, "organisatie_id")]
    # the same answer as for an identifier that does not exist, but for the identifier itself
    assert problems[0][2].replace(hidden_org.slug, "X") == problems[1][2].replace("bestaat-niet", "X")


def test_a_bottleneck_row_does_not_name_a_hidden_organisation(deal, team_user, hidden_org):
    header = ["deal_id", "titel", "gesignaleerd", "soort", "ministerie_id"]
    result = check(team_user, [header, ["cd-proef", "Regel", "2023-03-31", "regelgeving", hidden_org.slug]],
                   "bottlenecks")
    assert _messages(result) == [(2, "ministerie_id", "Onbekend, of hier niet toegestaan.")]
