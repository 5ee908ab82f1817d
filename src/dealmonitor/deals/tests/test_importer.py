import io
import json
import subprocess
import sys
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command

from dealmonitor.deals.constants import DealKind, DealStatus, ParticipationKind, Phase, RoleKind
from dealmonitor.deals.models import Deal, Participation, Role
from dealmonitor.deals.services import DERIVED_PHASE_NOTE
from dealmonitor.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def demo_json():
    return json.loads(settings.DEMO_DATA_FILE.read_text(encoding="utf-8"))


def run_import(path):
    out = io.StringIO()
    call_command("import", str(path), stdout=out)
    return out.getvalue()


def row_counts():
    """Rows per model in the project's apps, history tables included."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"deals", "organisations"}
    }


def excerpt(tmp_path, size=7):
    """The first `size` deals of the demo file, written to a file: enough for what a test of
    one change or one error needs (the whole file is imported in `test_the_demo_file_imports_as_it_is`,
    `test_a_second_import_changes_nothing_and_says_so` and the `demo_data` fixture)."""
    return write(tmp_path, demo_json()[:size], name="excerpt.json")


def write(tmp_path, data, name="deals.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_demo_file_imports_as_it_is():
    output = run_import(settings.DEMO_DATA_FILE)

    assert Deal.objects.count() == 26
    assert "deals: 26 created" in output
    io_deal = Deal.objects.get(slug="cd-impact-ondernemen")
    assert io_deal.kind == DealKind.CITY_DEAL
    assert io_deal.signing_date.isoformat() == "2021-03-11"
    assert (io_deal.end_date.year, io_deal.end_date_precision) == (2026, "year")
    assert {t.name for t in io_deal.themes.all()} >= {"impact ondernemen", "brede welvaart"}
    breakdown = io_deal.partner_counts.get(count=94).breakdown
    assert breakdown["gemeente"] == 12 and breakdown["bedrijf"] == 25
    # Unknown values stay unknown; they are not errors.
    assert Deal.objects.get(slug="cd-eenvoudig-maatwerk").signing_date is None
    assert Deal.objects.get(slug="cd-klimaatadaptatie").status == DealStatus.ONBEKEND
    other = Deal.objects.get(slug="ot-nationale-aanpak-biobased-bouwen")
    assert (other.kind, other.kind_label) == (DealKind.OTHER, "nationaal programma")


def test_one_organisation_named_in_several_deals_becomes_one_organisation(demo_data):
    org_ids = {p["org_id"] for entry in demo_json() for p in entry["partners"]}
    assert Organisation.objects.count() == len(org_ids)

    # Renamed ministries are merged under their current name; the deal keeps the old name.
    ezk = Organisation.objects.get(slug="ministerie-van-economische-zaken-en-klimaat")
    assert ezk.name == "Ministerie van Economische Zaken en Klimaat"
    names_in_source = set(ezk.participations.values_list("name_in_source", flat=True))
    assert "Ministerie van Economische Zaken" in names_in_source
    assert ezk.participations.count() > 1
    assert ezk.government_level == "rijk"
    assert Organisation.objects.get(slug="provincie-fryslân").type == "provincie"


def test_partners_roles_results_and_sources_are_kept(demo_data):
    bzk = Participation.objects.get(
        deal__slug="cd-impact-ondernemen",
        organisation__slug="ministerie-van-binnenlandse-zaken-en-koninkrijksrelaties",
    )
    assert bzk.kind == ParticipationKind.ONDERTEKENAAR
    assert "levert dealmaker" in bzk.role_description
    assert bzk.sources.filter(reference__startswith="https://lawinsider.com").exists()

    amsterdam = Participation.objects.get(
        deal__slug="cd-impact-ondernemen", organisation__slug="gemeente-amsterdam"
    )
    assert amsterdam.confidence == "afgeleid"
    assert "G4" in amsterdam.note

    # The same anonymous person leads two deals.
    leaders = Role.objects.filter(person__slug="person-1", kind=RoleKind.PROJECTLEIDER)
    assert set(leaders.values_list("deal__slug", flat=True)) == {
        "cd-een-slimme-stad",
        "cd-slim-maatwerk",
    }
    deal = Deal.objects.get(slug="cd-impact-ondernemen")
    signing = deal.facts.get(field="signing_date")
    assert signing.sources.count() == 2
    assert "Global Goals" in signing.note
    status = deal.facts.get(field="status")
    assert status.as_of.isoformat() == "2023-12-01" and status.as_of_precision == "month"
    ambition = deal.ambitions.first()
    assert ambition.target_year == 2026
    assert deal.results.filter(date__year=2023).exists()
    target = Deal.objects.get(slug="ot-nationale-aanpak-biobased-bouwen").ambitions.filter(
        target_value__isnull=False
    )
    assert target.exists() and all(isinstance(a.target_value, Decimal) for a in target)


def test_a_finished_deal_enters_its_last_phase_with_history(demo_data):
    finished = Deal.objects.filter(status=DealStatus.AFGEROND)
    assert finished.exists()
    for deal in finished:
        assert deal.phase == Phase.AFGEROND
        change = deal.phase_changes.get()
        assert change.phase == Phase.AFGEROND
        # never more precise than the end date it was derived from
        assert (change.started_on, change.started_on_precision) == (
            deal.end_date, deal.end_date_precision
        ) or (change.started_on, change.started_on_precision) == (
            deal.status_as_of, deal.status_as_of_precision
        )
    slimme_stad = Deal.objects.get(slug="cd-een-slimme-stad").phase_changes.get()
    assert slimme_stad.started_on_display == "2025"
    assert not Deal.objects.filter(status=DealStatus.LOPEND).exclude(phase="").exists()


def test_a_second_import_changes_nothing_and_says_so(demo_data):
    before = row_counts()

    output = run_import(settings.DEMO_DATA_FILE)

    assert "no changes" in output
    assert " created" not in output.replace("0 created", "")
    assert " updated" not in output.replace("0 updated", "")
    assert row_counts() == before  # not even a history row


def test_a_changed_fact_is_updated_with_history(tmp_path):
    run_import(excerpt(tmp_path))
    data = demo_json()[:7]
    data[0]["status"]["value"] = "afgerond"
    data[0]["partners"].append(
        {"name": "Nieuwe Partner", "type": "bedrijf", "org_id": "nieuwe-partner", "sources": []}
    )

    output = run_import(write(tmp_path, data))

    deal = Deal.objects.get(slug=data[0]["id"])
    assert deal.status == "afgerond"
    assert "deals: 0 created, 1 updated, 6 unchanged" in output
    assert "participations: 1 created" in output
    # Newest first: the phase that follows from 'afgerond', the status change, the themes the
    # first import linked (a row gets its links after it is created), the creation.
    phase, update, linked, created = deal.history.all()
    assert (update.status, update.phase, update.history_change_reason) == ("afgerond", "", "import")
    assert (phase.phase, phase.history_change_reason) == ("afgerond", DERIVED_PHASE_NOTE)
    assert linked.history_change_reason == "import"
    assert sorted(linked.themes.values_list("theme__name", flat=True)) == sorted(data[0]["themes"])
    assert (created.history_type, created.status) == ("+", "lopend")


@pytest.mark.parametrize(
    "breakage, expected",
    [
        (lambda d: d[2]["signing_date"].update(value="2020-13-01"),
         "entry 3 (cd-ruimte-voor-lopen), field 'signing_date.value': '2020-13-01' is not a"),
        (lambda d: d[0]["partners"][1].update(type="sekte"),
         "entry 1 (cd-impact-ondernemen), field 'partners[1].type': 'sekte' is not a known"),
        (lambda d: d[4].update(id=d[3]["id"]),
         "entry 5 (cd-kennis-maken), field 'id': 'cd-kennis-maken' is used twice"),
        (lambda d: d[1].update(name=""),
         "entry 2 (cd-energieke-wijken), field 'name': is required"),
        (lambda d: d[0]["partner_counts"][0].update(count="tachtig"),
         "field 'partner_counts[0].count': expected a whole number, got 'tachtig'"),
        (lambda d: d[6].update(kind="Deal"),
         "entry 7 (cd-circulair-conceptueel-bouwen), field 'kind': 'Deal' is not one of"),
        (lambda d: d[0]["status"].update(value="bijna klaar"),
         "field 'status.value': 'bijna klaar' is not one of lopend, afgerond, onbekend"),
        (lambda d: d[0]["ambitions"][0].update(scope="droom"),
         "field 'ambitions[0].scope': 'droom' is not one of deal, opvolger, context"),
        (lambda d: d.__setitem__(3, "geen object"), "entry 4, field '': expected an object"),
        (lambda d: d[0]["partner_counts"][0].pop("count"),
         "entry 1 (cd-impact-ondernemen), field 'partner_counts[0].count': is required"),
        (lambda d: d[0]["partners"][0].update(name="x" * 301),
         "field 'partners[0].name': is 301 characters long, at most 300 fit"),
    ],
)
def test_a_malformed_file_changes_nothing_and_names_entry_and_field(tmp_path, breakage, expected):
    run_import(excerpt(tmp_path))
    before = row_counts()
    data = demo_json()[:7]
    breakage(data)

    with pytest.raises(CommandError) as info:
        run_import(write(tmp_path, data))

    assert expected in str(info.value)
    assert "nothing was imported" in str(info.value)
    assert row_counts() == before


def test_a_malformed_first_import_leaves_an_empty_database(tmp_path):
    data = demo_json()
    data[-1]["end_date"]["value"] = "ooit"
    with pytest.raises(CommandError, match="entry 26 .*'end_date.value': 'ooit' is not a date"):
        run_import(write(tmp_path, data))
    assert set(row_counts().values()) == {0}


@pytest.mark.parametrize(
    "content, expected",
    [
        ("{not json", "not valid JSON at line 1, column 2"),
        ('{"id": "cd-x"}', "the file must hold a list of deals"),
    ],
)
def test_a_file_that_is_not_a_portfolio_is_refused(tmp_path, content, expected):
    path = tmp_path / "kapot.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=expected):
        run_import(path)
    assert set(row_counts().values()) == {0}


def test_a_missing_file_is_reported():
    with pytest.raises(CommandError, match="file not found"):
        run_import("/nonexistent/deals.json")


@pytest.mark.own_database
def test_the_dealmonitor_command_line_runs_the_import_and_exits_non_zero_on_errors(
        tmp_path, migrated_sqlite_copy):
    """The installed `dealmonitor` entry point, as an operator runs it. The database starts as
    a copy of the migrated test database when there is one (migrating an empty file costs
    about 60 s of CPU), and `migrate` then has nothing left to do, as after an upgrade."""
    broken = write(tmp_path, [{"id": "Geen Slug", "name": "x", "kind": "City Deal"}])
    database = tmp_path / "cli.sqlite3"
    if migrated_sqlite_copy is not None:
        migrated_sqlite_copy.rename(database)
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "dealmonitor.conf.ci",
           "DATABASE_URL": f"sqlite:///{database}", "VAR_DIR": str(tmp_path)}
    cli = [sys.executable, "-m", "dealmonitor.cli"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, check=True)
    result = subprocess.run([*cli, "import", str(broken)], env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "entry 1 (Geen Slug), field 'id'" in result.stderr
    result = subprocess.run(
        [*cli, "import", "--dry-run", str(settings.DEMO_DATA_FILE)],
        env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "26 deals, no problems found" in result.stdout
