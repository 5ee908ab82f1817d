"""An organisation exists once: the same identifier or normalised name is refused on every path
that creates one (service, admin, spreadsheet import, portfolio import), a resembling name asks
to confirm. The finding of issue 18: "gemeente 's-Gravenhage" (GM0518), "gemeente den haag" and
"GEMEENTE DEN HAAG" were all accepted by the admin and by an import."""

import copy

import pytest
from django.urls import reverse

from dealmonitor.deals.models import Participation
from dealmonitor.deals.services import import_portfolio
from dealmonitor.imports import columns as C
from dealmonitor.imports.checking import Part, check_parts, guess_mapping
from dealmonitor.imports.reading import read_spreadsheet
from dealmonitor.impact.tests.conftest import deal  # noqa: F401 (fixture)
from dealmonitor.imports.tests.conftest import xlsx
from dealmonitor.organisations import identity, reference
from dealmonitor.organisations.models import Organisation
from dealmonitor.organisations.services import DuplicateOrganisation, save_organisation

pytestmark = pytest.mark.django_db

DEN_HAAG = ["gemeente 's-Gravenhage", "gemeente den haag", "GEMEENTE DEN HAAG", "Den Haag",
            "Gemeente Den  Haag.", "'s-Gravenhage"]


@pytest.fixture
def den_haag(db):
    return save_organisation(actor=None, slug="gemeente-s-gravenhage", name="gemeente 's-Gravenhage",
                             type="gemeente", cbs_code="GM0518")


def test_the_reference_list_names_its_source_and_holds_den_haag():
    assert reference.area("GM0518").name == "'s-Gravenhage"
    assert reference.area("gm0344").name == "Utrecht" and reference.area("PV28").name == "Zuid-Holland"
    municipalities = [a for a in reference.areas().values() if a.code.startswith("GM")]
    assert len(municipalities) == 342  # CBS: 342 municipalities on 1 January 2025
    assert "GM0457" not in reference.areas()  # Weesp joined Amsterdam in March 2022
    readme = (reference.DIRECTORY / "README.md").read_text()
    assert "CBS" in readme and "1 januari 2025" in readme and "NLExtract" in readme
    assert reference.MUNICIPALITIES_FILE.name == "gemeenten-2025.csv"


def test_the_2022_list_is_kept_and_differs_from_the_current_one_by_the_recorded_changes():
    import csv

    old = {r["code"]: r for r in csv.DictReader(reference.PREVIOUS_MUNICIPALITIES_FILES[0].open(encoding="utf-8"))}
    current = {c for c in reference.areas() if c.startswith("GM")}
    assert len(old) == 344
    ended = {c.old_code for c in reference.changes() if c.date.year >= 2023}
    started = {c.new_code for c in reference.changes() if c.date.year >= 2023}
    assert set(old) - current == ended == {"GM0501", "GM0530", "GM0614"}
    assert current - set(old) == started == {"GM1992"}


def test_voorne_aan_zee_is_current_and_its_predecessors_point_at_it():
    voorne = reference.area("GM1992")
    assert voorne.name == "Voorne aan Zee" and voorne.province == "PV28"
    for old in ("GM0501", "GM0530", "GM0614"):
        assert reference.area(old) is None
        assert reference.current_code(old) == "GM1992"
    assert reference.current_code("GM0457") == "GM0363"  # Weesp is Amsterdam
    assert reference.current_code("GM0518") == "GM0518"
    assert reference.current_code("GM9999") == ""
    [brielle] = [c for c in reference.changes() if c.old_code == "GM0501"]
    assert str(brielle.date) == "2023-01-01" and brielle.old_name == "Brielle"


@pytest.mark.parametrize("name", ["Gemeente Brielle", "gemeente Hellevoetsluis", "Westvoorne",
                                  "Voorne aan Zee", "GEMEENTE VOORNE AAN ZEE"])
def test_the_merged_municipalities_are_known_by_their_old_names(name):
    assert identity.area_code_for(name, "gemeente") == "GM1992"
    assert identity.normalise_name(name, "gemeente") == "voorne aan zee"


def test_an_organisation_with_an_old_code_is_the_municipality_it_merged_into(db):
    save_organisation(actor=None, slug="voorne-aan-zee", name="Gemeente Voorne aan Zee", type="gemeente")
    assert Organisation.objects.get().cbs_code == "GM1992"
    with pytest.raises(DuplicateOrganisation) as refused:
        save_organisation(actor=None, slug="brielle", name="Gemeente Brielle", type="gemeente")
    assert "voorne-aan-zee" in refused.value.messages[0]
    # the old code alone, under a name the list does not know, still points at Voorne aan Zee
    with pytest.raises(DuplicateOrganisation) as refused:
        save_organisation(actor=None, slug="oud", name="Gem. Den Briel (oud)", type="gemeente",
                          cbs_code="GM0501")
    assert refused.value.matches[0].field == "cbs_code"
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize("name", DEN_HAAG)
def test_every_spelling_of_den_haag_is_one_municipality(name):
    assert identity.area_code_for(name, "gemeente") == "GM0518"
    assert identity.normalise_name(name, "gemeente") == "s gravenhage"


def test_names_are_normalised_beyond_municipalities():
    assert identity.normalise_name("Stichting Wijkkracht") == identity.normalise_name("wijkkracht")
    assert identity.normalise_name("Coöperatie Impact B.V.") == identity.normalise_name("cooperatie impact bv")
    # the province and the municipality of Utrecht are two bodies
    assert identity.area_code_for("Provincie Utrecht", "provincie") == "PV26"
    assert identity.area_code_for("Gemeente Utrecht", "gemeente") == "GM0344"


def test_identifiers_are_normalised_and_checked():
    assert identity.normalise_identifier("web_domain", "https://www.DenHaag.nl/bestuur") == "denhaag.nl"
    assert identity.normalise_identifier("kvk_number", "2736 5432") == "27365432"
    assert identity.normalise_identifier("cbs_code", "gm0518") == "GM0518"
    assert identity.identifier_error("kvk_number", "1234") is not None
    assert identity.identifier_error("cbs_code", "GM518") is not None
    assert identity.identifier_error("oin", "00000001001234567000") is None


@pytest.mark.parametrize("name", DEN_HAAG[1:])
def test_the_service_refuses_another_den_haag_with_a_pointer(den_haag, name):
    with pytest.raises(DuplicateOrganisation) as refused:
        save_organisation(actor=None, slug="den-haag-2", name=name, type="gemeente")
    assert "gemeente-s-gravenhage" in refused.value.messages[0]
    assert not refused.value.needs_confirmation  # the CBS code decides: no confirming it away
    with pytest.raises(DuplicateOrganisation):
        save_organisation(actor=None, slug="den-haag-2", name=name, type="gemeente", confirmed=True)
    assert Organisation.objects.count() == 1


def test_same_identifier_is_refused_whatever_the_name(db):
    save_organisation(actor=None, slug="rabo", name="Rabobank", type="financier", kvk_number="30046259")
    with pytest.raises(DuplicateOrganisation) as refused:
        save_organisation(actor=None, slug="cooperatieve-rabobank", name="Coöperatieve Rabobank U.A.",
                          type="financier", kvk_number="3004 6259")
    assert refused.value.matches[0].field == "kvk_number"


def test_a_resembling_name_asks_to_confirm(db):
    save_organisation(actor=None, slug="hu", name="Hogeschool Utrecht", type="kennisinstelling")
    with pytest.raises(DuplicateOrganisation) as asked:
        save_organisation(actor=None, slug="hu-2", name="Hoge School Utrecht", type="kennisinstelling")
    assert asked.value.needs_confirmation and "Hogeschool Utrecht" in asked.value.messages[0]
    # another school is not a duplicate; a confirmed one is written
    save_organisation(actor=None, slug="hr", name="Hogeschool Rotterdam", type="kennisinstelling")
    save_organisation(actor=None, slug="hu-2", name="Hoge School Utrecht", type="kennisinstelling",
                      confirmed=True)
    assert Organisation.objects.count() == 3


def test_municipality_and_province_of_one_name_are_two_organisations(db):
    save_organisation(actor=None, slug="gemeente-utrecht", name="Gemeente Utrecht", type="gemeente")
    save_organisation(actor=None, slug="provincie-utrecht", name="Provincie Utrecht", type="provincie")
    assert set(Organisation.objects.values_list("cbs_code", flat=True)) == {"GM0344", "PV26"}


@pytest.mark.parametrize("name", DEN_HAAG[1:3])
def test_the_admin_refuses_another_den_haag(admin_client, den_haag, name):
    response = admin_client.post(reverse("admin:organisations_organisation_add"), {
        "slug": "gemeente-den-haag", "name": name, "type": "gemeente", "government_level": "gemeente",
    })
    assert response.status_code == 200  # the form again, with the error
    assert "gemeente-s-gravenhage" in response.content.decode()
    assert Organisation.objects.count() == 1


def test_the_admin_creates_a_new_one_and_asks_to_confirm_a_resembling_one(admin_client, db):
    url = reverse("admin:organisations_organisation_add")
    data = {"slug": "hu", "name": "Hogeschool Utrecht", "type": "kennisinstelling"}
    assert admin_client.post(url, data).status_code == 302
    data = {"slug": "hu-2", "name": "Hoge School Utrecht", "type": "kennisinstelling"}
    assert admin_client.post(url, data).status_code == 200
    assert admin_client.post(url, {**data, "confirm_similar": "on"}).status_code == 302
    assert Organisation.objects.count() == 2


def _check_partners(actor, rows):
    sheet = read_spreadsheet(xlsx({"Partners": rows}), "p.xlsx")[0]
    kind = C.KINDS["partners"]
    return check_parts(actor, [Part(kind, sheet, guess_mapping(kind, sheet.headers))])


def test_the_spreadsheet_import_refuses_another_den_haag(deal, staff_user, den_haag):
    header = ["deal_id", "organisatie_id", "organisatie_naam", "organisatie_type"]
    result = _check_partners(staff_user, [
        header,
        ["cd-proef", "gemeente-den-haag", "gemeente den haag", "gemeente"],
        ["cd-proef", "gemeente-den-haag-2", "GEMEENTE DEN HAAG", "gemeente"],
        ["cd-proef", "stichting-wijkkracht", "Stichting Wijkkracht", "maatschappelijke organisatie"],
        ["cd-proef", "wijkkracht", "Wijkkracht", "maatschappelijke organisatie"],
    ])
    assert [(p.row, p.column) for p in result.problems] == [
        (2, "organisatie_naam"), (3, "organisatie_naam"), (5, "organisatie_naam")]
    assert "gemeente-s-gravenhage" in result.problems[0].message
    assert "stichting-wijkkracht" in result.problems[2].message  # planned earlier in the file
    # the registered identifier is the way in
    result = _check_partners(staff_user, [header, ["cd-proef", "gemeente-s-gravenhage",
                                                   "gemeente 's-Gravenhage", "gemeente"]])
    assert result.ok, result.problems


def test_the_portfolio_import_refuses_another_den_haag(den_haag, demo_records, staff_user):
    record = copy.deepcopy(next(r for r in demo_records if r.partners))
    partner = record.partners[0]
    partner.org_id, partner.name, partner.type, partner.canonical_name = (
        "gemeente-den-haag", "GEMEENTE DEN HAAG", "gemeente", "")
    with pytest.raises(DuplicateOrganisation):
        import_portfolio(actor=staff_user, records=[record])
    assert not Participation.objects.exists()


def test_the_portfolio_import_refuses_a_municipality_registered_under_its_former_code(demo_records, staff_user):
    """The import reads only the registered organisations that can match its new ones (by
    identifier or normalised name), and a CBS code matches the codes of the municipalities
    that merged into it: Brielle (GM0501) is Voorne aan Zee (GM1992) since 2023."""
    save_organisation(actor=None, slug="gemeentehuis-brielle", name="Gemeentehuis Brielle",
                      type="gemeente", cbs_code="GM0501")
    assert identity.stored_identifiers("cbs_code", "GM1992") >= {"GM1992", "GM0501"}
    record = copy.deepcopy(next(r for r in demo_records if r.partners))
    partner = record.partners[0]
    partner.org_id, partner.name, partner.type, partner.canonical_name = (
        "gemeente-voorne-aan-zee", "Gemeente Voorne aan Zee", "gemeente", "")
    with pytest.raises(DuplicateOrganisation) as refused:
        import_portfolio(actor=staff_user, records=[record])
    assert refused.value.matches[0].organisation.slug == "gemeentehuis-brielle"
    assert not Participation.objects.exists()
