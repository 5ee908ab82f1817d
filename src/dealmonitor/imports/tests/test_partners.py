"""The Partners sheet checked and written in bulk (no query per row, see test_query_counts.py)
keeps every rule of the one-by-one path: the organisations a user may not see, duplicates of
registered organisations and of other rows, history rows, the cache and the related deals."""

import pytest
from django.core.cache import cache as django_cache
from django.core.exceptions import PermissionDenied, ValidationError

from dealmonitor.accounts.models import DealMembership
from dealmonitor.connections import signals as connection_signals
from dealmonitor.connections.models import RelatedSuggestion
from dealmonitor.deals.models import Participation
from dealmonitor.deals.services import import_participations
from dealmonitor.deals.tests.factories import DealFactory, OrganisationFactory, ParticipationFactory
from dealmonitor.imports import columns as C
from dealmonitor.imports.checking import Part, check_parts, guess_mapping
from dealmonitor.imports.reading import read_spreadsheet
from dealmonitor.imports.services import import_checked
from dealmonitor.organisations.constants import government_level_for
from dealmonitor.organisations.models import Organisation
from dealmonitor.organisations.services import DuplicateOrganisation, import_organisations, import_problem
from dealmonitor.utils import cache

from dealmonitor.connections.tests.conftest import queue  # noqa: F401 (a fixture)

from .conftest import xlsx

pytestmark = pytest.mark.django_db

HEADER = ["deal_id", "organisatie_id", "organisatie_naam", "organisatie_type", "kvk_nummer", "soort_deelname"]
STICHTING = "maatschappelijke organisatie"
REFUSED = "Onbekend, of hier niet toegestaan."


def check(actor, rows):
    sheet = read_spreadsheet(xlsx({"Partners": [HEADER, *rows]}), "partners.xlsx")[0]
    kind = C.KINDS["partners"]
    return check_parts(actor, [Part(kind, sheet, guess_mapping(kind, sheet.headers))])


def problems(result):
    return [(p.row, p.column, p.message) for p in result.problems]


@pytest.fixture
def register(deal):
    """Organisations the team user may see (unused, in a published deal, a ministry of a hidden
    deal) and one it may not (known only from an unpublished deal)."""
    hidden_deal = DealFactory(unpublished=True, slug="cd-geheim")
    return {
        "unused": OrganisationFactory(slug="los", name="Losse Stichting", type=STICHTING),
        "published": ParticipationFactory(deal=DealFactory(slug="cd-open"), organisation=OrganisationFactory(
            slug="open", name="Open Stichting", type=STICHTING)).organisation,
        "ministry": ParticipationFactory(deal=hidden_deal, organisation=OrganisationFactory(
            slug="ministerie-van-bzk", name="Ministerie van BZK", type="ministerie",
            government_level=government_level_for("ministerie"))).organisation,
        "hidden": ParticipationFactory(deal=hidden_deal, organisation=OrganisationFactory(
            slug="geheim", name="Geheime Stichting", type=STICHTING)).organisation,
    }


def _row(org, deal="cd-proef"):
    return [deal, org.slug, org.name, org.type, None, "partner"]


def test_a_row_naming_an_organisation_the_user_may_not_see_is_refused_with_its_row(
        deal, team_user, register):
    rows = [_row(register["unused"]), _row(register["published"]), _row(register["hidden"]),
            _row(register["ministry"]), ["cd-proef", "nieuw", "Nieuwe Stichting", STICHTING, None, "partner"]]
    result = check(team_user, rows)
    assert problems(result) == [(4, "organisatie_id", REFUSED)]
    assert "Geheime" not in str(result.problems[0])
    del rows[2]
    result = check(team_user, rows)
    assert result.ok, problems(result)
    import_checked(actor=team_user, result=result)
    assert set(Participation.objects.filter(deal=deal).values_list("organisation__slug", flat=True)) == {
        "los", "open", "ministerie-van-bzk", "nieuw"}


def test_the_bulk_service_itself_refuses_an_organisation_the_user_may_not_see(deal, team_user, register):
    """Whoever calls it (not only the checked import): the reference rules of save_participation."""
    visible = [(deal, register[k], {"kind": "partner"}) for k in ("unused", "published", "ministry")]
    with pytest.raises(ValidationError) as refused:
        import_participations(actor=team_user, participations=[*visible, (deal, register["hidden"], {})])
    assert refused.value.message_dict == {"organisation": [REFUSED]}
    assert not Participation.objects.filter(deal=deal).exists()
    other = DealFactory(slug="cd-ander")
    with pytest.raises(PermissionDenied):
        import_participations(actor=team_user, participations=[*visible, (other, register["unused"], {})])
    assert not Participation.objects.filter(deal__in=[deal, other]).exists()


def test_a_new_organisation_that_duplicates_a_registered_one_is_refused_with_its_row(deal, team_user):
    Organisation.objects.create(slug="gemeente-utrecht", name="Gemeente Utrecht", type="gemeente")
    Organisation.objects.create(slug="wijkkracht", name="Stichting Wijkkracht", type=STICHTING,
                                kvk_number="12345678")
    rows = [
        ["cd-proef", "fijn-1", "Stichting Een", STICHTING, None, "partner"],
        ["cd-proef", "utrecht-stad", "Utrecht", "gemeente", None, "partner"],  # the same municipality
        ["cd-proef", "fijn-2", "Stichting Twee", STICHTING, None, "partner"],
        ["cd-proef", "wijkkracht-2", "Wijkkracht Twee", STICHTING, "1234 5678", "partner"],  # its KvK number
        ["cd-proef", "fijn-3", "Stichting Drie", STICHTING, "87654321", "partner"],
    ]
    result = check(team_user, rows)
    assert [(row, column) for row, column, _m in problems(result)] == [
        (3, "organisatie_naam"), (5, "organisatie_naam")]
    # the message of the one-by-one check, in Dutch, naming the registered organisation
    one_by_one = [import_problem("utrecht-stad", {"name": "Utrecht", "type": "gemeente"}, {})[0],
                  import_problem("wijkkracht-2", {"name": "Wijkkracht Twee", "type": STICHTING,
                                                  "kvk_number": "12345678"}, {})[0]]
    assert [m for _r, _c, m in problems(result)] == one_by_one
    assert "al geregistreerd als 'Gemeente Utrecht' (gemeente-utrecht)" in one_by_one[0]
    assert "(wijkkracht)" in one_by_one[1]
    with pytest.raises(Exception):
        import_checked(actor=team_user, result=result)
    assert not Organisation.objects.filter(slug__startswith="fijn-").exists()


def test_a_duplicate_registered_between_the_check_and_the_write_is_still_refused(deal, team_user):
    result = check(team_user, [["cd-proef", "nieuw-a", "Stichting Alfa", STICHTING, None, "partner"],
                               ["cd-proef", "nieuw-b", "Stichting Beta", STICHTING, None, "partner"]])
    assert result.ok, problems(result)
    Organisation.objects.create(slug="beta", name="Beta", type=STICHTING)  # someone else, meanwhile
    with pytest.raises(DuplicateOrganisation):
        import_checked(actor=team_user, result=result)
    assert not Organisation.objects.filter(slug__startswith="nieuw-").exists()
    assert not Participation.objects.filter(deal=deal).exists()


def test_two_rows_naming_the_same_new_organisation(deal, team_user):
    other = DealFactory(slug="cd-ander")
    DealMembership.objects.create(user=team_user, deal=other, role="team")
    new = ["nieuw-alfa", "Stichting Alfa", STICHTING, None]
    rows = [["cd-proef", *new, "partner"], ["cd-ander", *new, "ondertekenaar"],
            ["cd-proef", *new, "partner"],  # again in the same deal
            ["cd-ander", "alfa", "Alfa", STICHTING, None, "partner"]]  # another identifier, the same name
    result = check(team_user, rows)
    found = problems(result)
    assert [(row, column) for row, column, _m in found] == [(4, "organisatie_id"), (5, "organisatie_naam")]
    assert found[0][2] == "Deze organisatie staat al bij deze deal in rij 2."
    assert "al geregistreerd als 'Stichting Alfa' (nieuw-alfa)" in found[1][2]
    result = check(team_user, rows[:2])
    assert result.ok, problems(result)
    import_checked(actor=team_user, result=result)
    alfa = Organisation.objects.get(slug="nieuw-alfa")
    assert Organisation.objects.filter(name_key=alfa.name_key).count() == 1
    assert dict(Participation.objects.filter(organisation=alfa).values_list("deal__slug", "kind")) == {
        "cd-proef": "partner", "cd-ander": "ondertekenaar"}
    assert alfa.history.count() == 1


def test_the_bulk_write_refuses_two_new_organisations_that_are_one(team_user):
    """Two new ones in one call (a ministry planned by the Bottlenecks sheet and the same one in
    the Partners sheet): the second is refused, as saving one after the other refuses it."""
    with pytest.raises(DuplicateOrganisation, match="ministerie-bzk"):
        import_organisations(actor=team_user, organisations={
            "ministerie-bzk": {"name": "Ministerie van BZK", "type": "ministerie"},
            "min-bzk": {"name": "ministerie van bzk", "type": "ministerie"},
        })
    assert not Organisation.objects.filter(type="ministerie").exists()


def test_history_rows_for_what_the_import_creates_and_changes(deal, staff_user):
    kept = ParticipationFactory(deal=deal, kind="partner", organisation=OrganisationFactory(
        slug="blijft", name="Blijvende Stichting", type=STICHTING))
    changed = ParticipationFactory(deal=deal, kind="partner", organisation=OrganisationFactory(
        slug="anders", name="Andere Stichting", type=STICHTING))
    before = {"blijft": kept.history.count(), "anders": changed.history.count(),
              "org": changed.organisation.history.count()}
    rows = [["cd-proef", "blijft", "Blijvende Stichting", STICHTING, None, "partner"],
            ["cd-proef", "anders", "Andere Stichting BV", STICHTING, "11223344", "ondertekenaar"],
            ["cd-proef", "nieuw-1", "Nieuwe Stichting 1", STICHTING, None, "partner"],
            ["cd-proef", "nieuw-2", "Nieuwe Stichting 2", STICHTING, "44332211", "ondertekenaar"]]
    result = check(staff_user, rows)
    assert result.ok, problems(result)
    import_checked(actor=staff_user, result=result)

    assert kept.history.count() == before["blijft"]  # nothing differs: nothing written
    assert kept.organisation.history.count() == 1
    for slug in ("nieuw-1", "nieuw-2"):
        org = Organisation.objects.get(slug=slug)
        (entry,) = org.history.all()
        assert (entry.history_type, entry.history_user, entry.history_change_reason) == ("+", staff_user, "import")
        assert entry.name == org.name and entry.name_key == org.name_key and entry.kvk_number == org.kvk_number
        (entry,) = Participation.objects.get(deal=deal, organisation=org).history.all()
        assert (entry.history_type, entry.history_user, entry.history_change_reason) == ("+", staff_user, "import")
    assert Organisation.objects.get(slug="nieuw-2").kvk_number == "44332211"

    org = Organisation.objects.get(slug="anders")
    assert (org.name, org.kvk_number, org.name_key) == ("Andere Stichting BV", "11223344", "andere stichting")
    assert org.history.count() == before["org"] + 1
    latest = org.history.first()
    assert (latest.history_type, latest.history_user, latest.history_change_reason, latest.name) == (
        "~", staff_user, "import", "Andere Stichting BV")
    part = Participation.objects.get(pk=changed.pk)
    assert part.kind == "ondertekenaar" and part.history.count() == before["anders"] + 1
    latest = part.history.first()
    assert (latest.history_type, latest.history_user, latest.kind) == ("~", staff_user, "ondertekenaar")


def test_the_cache_learns_of_the_import_once(deal, team_user):
    counted = []

    def partners():
        counted.append(1)
        return Participation.objects.count()

    assert cache.cached("partners-test", partners, tables=[Participation]) == 0
    assert cache.cached("partners-test", partners, tables=[Participation]) == 0 and len(counted) == 1
    result = check(team_user, [["cd-proef", f"nieuw-{k}", f"Stichting {k}", STICHTING, None, "partner"]
                               for k in range(5)])
    import_checked(actor=team_user, result=result)
    assert cache.cached("partners-test", partners, tables=[Participation]) == 5 and len(counted) == 2


def test_the_related_deals_of_the_deal_are_updated_once(deal, team_user, queue,
                                                        django_capture_on_commit_callbacks):
    other = DealFactory(slug="cd-ander")
    RelatedSuggestion.objects.create(deal=other, other=deal, rank=1, score=0.5)  # lists exist
    connection_signals._pending.ids = set()  # the factories' deals were never committed
    django_cache.delete(connection_signals.waiting_key(deal.pk))
    result = check(team_user, [["cd-proef", f"nieuw-{k}", f"Stichting {k}", STICHTING, None, "partner"]
                               for k in range(5)])
    with django_capture_on_commit_callbacks(execute=True):
        import_checked(actor=team_user, result=result)
    updates = [r for r in queue.results if r.task.module_path == "dealmonitor.connections.tasks.update_related"]
    assert [u.args for u in updates] == [[deal.pk]]


def test_comparing_with_the_files_earlier_organisations_by_index_finds_what_comparing_with_each_finds():
    """import_problem with a Register compares a new organisation only with the planned ones
    that share a value that can refuse it: the same answer (and message) as with every one."""
    from dealmonitor.organisations.services import Register

    planned = {
        "a": {"name": "Stichting Alfa", "type": STICHTING},
        "b": {"name": "Beta", "type": STICHTING, "kvk_number": "12345678"},
        "c": {"name": "Gemeente Utrecht", "type": "gemeente"},
        "d": {"name": "Alfa", "type": "bedrijf"},  # the same name, another type
        "e": {"name": "Gamma", "type": STICHTING, "web_domain": "gamma.nl"},
    }
    new = [
        ("x1", {"name": "Alfa", "type": STICHTING}),
        ("x2", {"name": "Iets anders", "type": STICHTING, "kvk_number": "12345678"}),
        ("x3", {"name": "Utrecht", "type": "gemeente"}),
        ("x4", {"name": "Delta", "type": STICHTING}),
        ("x5", {"name": "Gamma Twee", "type": STICHTING, "web_domain": "gamma.nl"}),
        ("a", {"name": "Stichting Alfa", "type": STICHTING}),  # itself, and d: the same name
        ("e", {"name": "Gamma", "type": STICHTING, "web_domain": "gamma.nl"}),  # itself only
    ]
    register = Register()
    answers = []
    for slug, fields in new:
        indexed = import_problem(slug, fields, planned, register)
        assert indexed == _compared_with_each(slug, fields, planned), slug
        answers.append(indexed is not None)
    assert answers == [True, True, True, False, True, True, False]
    planned["b"] = {"name": "Beta", "type": STICHTING}  # a later row of b without the number
    assert import_problem("x2", new[1][1], planned, register) is None


def test_new_organisations_are_compared_with_the_register_as_the_earlier_ones_leave_it(staff_user):
    """As saving one after the other: an organisation changed earlier in the same call counts
    with its new values, not its old ones."""
    Organisation.objects.create(slug="beta", name="Beta", type=STICHTING, kvk_number="11111111")
    written = import_organisations(actor=staff_user, reason="import", organisations={
        "beta": {"name": "Beta", "type": STICHTING, "kvk_number": "22222222"},
        "nieuw": {"name": "Nieuw", "type": STICHTING, "kvk_number": "11111111"},  # free now
    })
    assert written["nieuw"].pk and Organisation.objects.get(slug="beta").kvk_number == "22222222"
    with pytest.raises(DuplicateOrganisation, match=r"\(beta\)"):
        import_organisations(actor=staff_user, organisations={
            "beta": {"name": "Beta", "type": STICHTING, "kvk_number": "33333333"},
            "nog-een": {"name": "Nog een", "type": STICHTING, "kvk_number": "33333333"},
        })
    assert Organisation.objects.get(slug="beta").kvk_number == "22222222"


def test_an_organisation_whose_stored_level_differs_from_its_type_is_taken_as_checked(deal, team_user):
    """An organisation stored with a government level its type would not give (older data, or
    set by the administrator) and named with that same name and type: the check lets the row
    pass, so the write must too, and leave the level as registered (the row does not give
    one). Before, the write derived a level from the type, saw a change and refused the whole
    import ("only the programme administrator") after the check had said it was fine."""
    odd = OrganisationFactory(slug="waterschap-x", name="Waterschap X", type="waterschap", government_level="rijk")
    ParticipationFactory(deal=DealFactory(slug="cd-open"), organisation=odd)
    assert government_level_for("waterschap") != "rijk"
    result = check(team_user, [_row(odd)])
    assert result.ok, problems(result)
    import_checked(actor=team_user, result=result)
    odd.refresh_from_db()
    assert odd.government_level == "rijk"
    assert Participation.objects.filter(deal=deal, organisation=odd).exists()


def _compared_with_each(slug, fields, planned):
    """What `import_problem` gives by comparing the organisation with every registered one
    that shares a value with it, then with each planned one in turn (no index)."""
    from django.utils.translation import gettext

    from dealmonitor.organisations import identity
    from dealmonitor.organisations.services import candidate, duplicate_message, registered_like

    org = candidate(slug=slug, **fields)
    found = [m for m in identity.matches(org, registered_like([org])) if m.refuses]
    if not found:
        others = [candidate(slug=s, **f) for s, f in planned.items() if s != slug]
        for i, other in enumerate(others):
            other.pk = -1 - i  # unsaved: tell them apart
        found = [m for m in identity.matches(org, others) if m.refuses]
    if not found:
        return None
    return (duplicate_message(found), gettext("the identifier of the registered organisation (%(slug)s)")
            % {"slug": found[0].organisation.slug})
