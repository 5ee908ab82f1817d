"""The Partners sheet carries an organisation's identifiers (KvK number, OIN, web domain next
to the CBS code): read back as the forms store them, refused when malformed, and a new
organisation with the identifier of a registered one is refused (issue 18.6)."""

import pytest

from dealmonitor.imports import columns as C
from dealmonitor.imports.checking import Part, check_parts, guess_mapping
from dealmonitor.imports.reading import read_spreadsheet
from dealmonitor.imports.services import import_checked
from dealmonitor.organisations.models import Organisation

from .conftest import deal, xlsx  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

HEADER = ["deal_id", "organisatie_id", "organisatie_naam", "organisatie_type", "kvk_nummer", "oin",
          "webdomein"]


def _check(actor, rows):
    sheet = read_spreadsheet(xlsx({"Partners": [HEADER, *rows]}), "f.xlsx")[0]
    kind = C.KINDS["partners"]
    return check_parts(actor, [Part(kind, sheet, guess_mapping(kind, sheet.headers))])


def test_identifiers_are_read_as_stored(deal, staff_user):
    # a KvK number typed as a number, an OIN with spaces, a web address instead of a domain
    result = _check(staff_user, [["cd-proef", "stichting-wijkdata", "Stichting Wijkdata",
                                  "maatschappelijke organisatie", 41234567,
                                  "0000 0001 0025 6444 0000", "https://www.wijkdata.nl/over-ons"]])
    assert result.ok, result.problems
    import_checked(actor=staff_user, result=result)
    org = Organisation.objects.get(slug="stichting-wijkdata")
    assert (org.kvk_number, org.oin, org.web_domain) == ("41234567", "00000001002564440000", "wijkdata.nl")


def test_malformed_identifiers_and_registered_ones_are_refused(deal, staff_user):
    Organisation.objects.create(slug="wijkdata", name="Wijkdata Nederland", type="bedrijf",
                                kvk_number="41234567")
    result = _check(staff_user, [
        ["cd-proef", "org-a", "Organisatie A", "bedrijf", "1234", "", ""],
        ["cd-proef", "org-b", "Organisatie B", "bedrijf", "", "12", "geen domein"],
        ["cd-proef", "org-c", "Heel Andere Naam", "bedrijf", "41234567", "", ""],
    ])
    found = {(p.row, p.column) for p in result.problems}
    assert {(2, "kvk_nummer"), (3, "oin"), (3, "webdomein")} <= found
    row_c = [p for p in result.problems if p.row == 4]
    assert row_c and "wijkdata" in row_c[0].message.lower()  # names the registered organisation
    assert not Organisation.objects.filter(slug__in=["org-a", "org-b", "org-c"]).exists()
