"""Importing figures from a CSV in the layout of a CBS StatLine download: a good file of each
layout, and every kind of bad input, all or nothing, with a Dutch error per row."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dealmonitor.areas import constants, importing
from dealmonitor.areas.importing import TopicSpec, import_figures, parse_topics, period_from_text
from dealmonitor.areas.models import Figure, FigureSource, Topic

from .conftest import FIXTURES, KWB_TOPICS, RETRIEVED

pytestmark = pytest.mark.django_db

Y2024 = period_from_text("2024")


def _import(data, topics=KWB_TOPICS, period=Y2024, **extra):
    return import_figures(actor=None, data=data, topics=topics, period=period,
                          source_title="Kerncijfers wijken en buurten 2024", table_id="85984NED",
                          retrieved_on=RETRIEVED, **extra)


def _errors(data, **kwargs):
    with pytest.raises(ValidationError) as refused:
        _import(data, **kwargs)
    assert not Figure.objects.exists(), "nothing may be written when a row is wrong"
    return refused.value.messages


def _csv(*rows, header=("ID", "WijkenEnBuurten", "AantalInwoners_5", "HuishoudensMetEenLaagInkomen_86")):
    lines = [";".join(f'"{c}"' for c in header)] + [";".join(f'"{c}"' for c in r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def test_a_wijken_en_buurten_download_is_read_with_its_year(stadscentrum, kwb_bytes):
    result = _import(kwb_bytes)
    assert (result.created, result.updated, result.missing, result.areas) == (8, 0, 1, 4)
    inhabitants = Figure.objects.get(area__code="GM0518", topic__name="Inwoners")
    assert inhabitants.value == 566000 and inhabitants.period_label == "2024"
    assert (inhabitants.period_start, inhabitants.period_end) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert Figure.objects.get(area__code="WK059901", topic__name="Huishoudens met laag inkomen").value == Decimal("15.1")
    source = inhabitants.source
    assert (source.title, source.table_id, source.retrieved_on) == (
        "Kerncijfers wijken en buurten 2024", "85984NED", RETRIEVED)
    assert Topic.objects.get(name="Huishoudens met laag inkomen").unit == "%"


def test_cbs_s_dot_is_kept_as_missing_not_zero(stadscentrum, kwb_bytes):
    _import(kwb_bytes)
    low_income = Figure.objects.get(area__code="GM1992", topic__name="Huishoudens met laag inkomen")
    assert low_income.value is None and low_income.missing_reason == "onbekend (.)"
    assert not Figure.objects.filter(value=0).exists()


def test_a_regional_table_over_time_reads_its_period_codes():
    data = (FIXTURES / "regio-bevolking.csv").read_bytes()
    result = _import(data, topics=[TopicSpec("TotaleBevolking_1", "Inwoners", "aantal")], period=None)
    assert result.created == 4
    den_haag = Figure.objects.filter(area__code="GM0518").order_by("period_start")
    assert [(f.period_label, f.value) for f in den_haag] == [("2023", 552000), ("2024", 566000)]
    # Brielle's figure for 2022, before it merged, stays with Brielle
    assert Figure.objects.get(area__code="GM0501").period_label == "2022"


def test_quarters_and_months_are_periods():
    assert importing.period_from_code("2024KW02") == importing.Period(
        dt.date(2024, 4, 1), dt.date(2024, 6, 30), "2024 kwartaal 2")
    assert importing.period_from_code("2024MM02").end == dt.date(2024, 2, 29)
    assert importing.period_from_code("2024X000") is None


@pytest.mark.parametrize("encode", [
    lambda text: text.encode("utf-8"),
    lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    lambda text: text.encode("cp1252"),
], ids=["utf-8", "utf-8 with BOM", "cp1252"])
def test_every_usual_encoding_is_read(encode):
    text = ('"ID";"WijkenEnBuurten";"Gemeentenaam_1";"AantalInwoners_5"\r\n'
            '"0";"GM1900    ";"Súdwest-Fryslân";"92000"\r\n')
    _import(encode(text), topics=[TopicSpec("AantalInwoners_5", "Inwoners", "aantal")])
    assert Figure.objects.get(area__code="GM1900").value == 92000


def test_a_second_import_updates_the_figure_and_its_source(stadscentrum, kwb_bytes):
    _import(kwb_bytes)
    result = _import(kwb_bytes.replace(b'"566000"', b'"566100"'))
    assert (result.created, result.updated) == (0, 8)
    figure = Figure.objects.get(area__code="GM0518", topic__name="Inwoners")
    assert figure.value == 566100 and figure.source == FigureSource.objects.order_by("pk").last()


def test_one_bad_row_writes_nothing_and_every_bad_row_is_named():
    data = _csv(["0", "GM0518", "566000", "11.2"], ["1", "GM9999", "1", "1"],
                ["2", "GM0599", "veel", "12,8"], ["3", "GM1992", "71000", ""], ["4", "NL00", "1", "1"])
    messages = _errors(data)
    assert len(messages) == 3
    assert messages[0].startswith("Rij 3: gebied “GM9999” is niet bekend")
    assert messages[1].startswith("Rij 4: AantalInwoners_5: “veel” is geen getal")
    assert messages[2].startswith("Rij 6: gebied “NL00”")


def test_a_comma_decimal_and_an_empty_cell_are_accepted():
    _import(_csv(["0", "GM0599", "671000", "12,8"], ["1", "GM1992", "71000", ""]))
    assert Figure.objects.get(area__code="GM0599", topic__name__startswith="Huish").value == Decimal("12.8")
    assert Figure.objects.get(area__code="GM1992", topic__name__startswith="Huish").missing_reason == "leeg"


def test_an_ended_municipality_has_no_figures_after_it_ended():
    data = _csv(["0", "GM0501", "17000", "9"])
    [message] = _errors(data)
    assert "bestond na 31-12-2022 niet meer" in message and "Voorne aan Zee" in message


def test_the_same_area_and_period_twice_is_an_error():
    [message] = _errors(_csv(["0", "GM0518", "1", "1"], ["1", "GM0518", "2", "2"]))
    assert message.startswith("Rij 3:") and "staat ook in rij 2" in message


def test_a_row_with_another_number_of_columns_is_an_error():
    data = _csv(["0", "GM0518", "1", "1"]) + b'"1";"GM0599";"2"\r\n'
    assert _errors(data) == ["Rij 3: 3 kolommen, de kopregel heeft er 4."]


@pytest.mark.parametrize("data,expected", [
    (b"", "Het bestand is leeg."),
    (b"\x00\x01PK\x03\x04binary", "Dit is geen tekstbestand"),
    (b'"ID";"Gemeente";"AantalInwoners_5"\r\n"0";"GM0518";"1"\r\n', "Geen kolom met gebiedscodes"),
    (b'"ID";"WijkenEnBuurten";"AantalInwoners_5"\r\n', "alleen een kopregel"),
    (b'"ID";"WijkenEnBuurten";"Mannen_6"\r\n"0";"GM0518";"1"\r\n', "Deze kolommen staan niet in het bestand: AantalInwoners_5"),
    (b'"ID";"WijkenEnBuurten";"AantalInwoners_5"\r\n"0";"GM0518;"1"\r\n', "geen geldige CSV"),
], ids=["empty", "binary", "no region column", "header only", "topic column absent", "broken quotes"])
def test_a_file_that_cannot_be_read_is_refused_with_the_reason(data, expected):
    messages = _errors(data, topics=[KWB_TOPICS[0]])
    assert any(expected in m for m in messages), messages


def test_a_file_without_periods_needs_the_year():
    [message] = _errors(_csv(["0", "GM0518", "1", "1"]), period=None)
    assert "geen kolom Perioden" in message


def test_a_wrong_period_code_is_an_error_per_row():
    data = b'"ID";"RegioS";"Perioden";"TotaleBevolking_1"\r\n"0";"GM0518";"2024G400";"1"\r\n'
    [message] = _errors(data, topics=[TopicSpec("TotaleBevolking_1", "Inwoners")], period=None)
    assert message.startswith("Rij 2: periode “2024G400”")


def test_size_and_row_limits(monkeypatch):
    monkeypatch.setattr(importing, "MAX_BYTES", 100)
    [message] = _errors(_csv(*[[str(i), "GM0518", "1", "1"] for i in range(10)]))
    assert "groter dan" in message
    monkeypatch.setattr(importing, "MAX_BYTES", constants.MAX_BYTES)
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    [message] = _errors(_csv(*[[str(i), "GM0518", "1", "1"] for i in range(4)]))
    assert "4 rijen; ten hoogste 3" in message


def test_topics_are_written_column_equals_name_bar_unit():
    assert parse_topics(["AantalInwoners_5 = Inwoners | aantal", "", "Percentage_6=Aandeel"]) == [
        TopicSpec("AantalInwoners_5", "Inwoners", "aantal"), TopicSpec("Percentage_6", "Aandeel", "")]
    with pytest.raises(ValidationError) as refused:
        parse_topics(["Inwoners", "x y = z", "A_1 = B", "A_1 = C"])
    assert len(refused.value.messages) == 3


def test_only_programme_staff_import(team_user, programme_admin, kwb_bytes, stadscentrum):
    with pytest.raises(PermissionDenied):
        import_figures(actor=team_user, data=kwb_bytes, topics=KWB_TOPICS, period=Y2024,
                       source_title="Kerncijfers", retrieved_on=RETRIEVED)
    result = import_figures(actor=programme_admin, data=kwb_bytes, topics=KWB_TOPICS, period=Y2024,
                            source_title="Kerncijfers", retrieved_on=RETRIEVED)
    assert result.source.imported_by == programme_admin


def test_the_source_needs_a_title_and_a_date_not_in_the_future(kwb_bytes):
    with pytest.raises(ValidationError):
        import_figures(actor=None, data=kwb_bytes, topics=KWB_TOPICS, period=Y2024,
                       source_title=" ", retrieved_on=RETRIEVED)
    with pytest.raises(ValidationError):
        import_figures(actor=None, data=kwb_bytes, topics=KWB_TOPICS, period=Y2024,
                       source_title="Kerncijfers", retrieved_on=dt.date(2999, 1, 1))


def test_the_command_imports_all_or_nothing(capsys, stadscentrum, tmp_path):
    from django.core.management import CommandError, call_command

    path = str(FIXTURES / "kwb-2024.csv")
    call_command("areas", "import", path, "--topic", "AantalInwoners_5=Inwoners|aantal",
                 "--source", "Kerncijfers wijken en buurten 2024", "--table", "85984NED",
                 "--retrieved", "2026-12-01", "--period", "2024")
    assert "4 figures added" in capsys.readouterr().out
    assert Figure.objects.count() == 4
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv(["0", "GM0518", "1", "1"], ["1", "GM0599", "veel", "1"]))
    with pytest.raises(CommandError) as refused:
        call_command("areas", "import", str(bad), "--topic", "AantalInwoners_5=Inwoners",
                     "--source", "Kerncijfers", "--period", "2023")
    assert "Niets ingelezen" in str(refused.value) and "Rij 3" in str(refused.value)
    assert Figure.objects.count() == 4


def test_a_file_with_more_areas_than_sqlite_takes_parameters_is_read_in_parts():
    from dealmonitor.areas.models import Area

    rotterdam = Area.objects.get(code="GM0599")
    Area.objects.bulk_create(Area(kind="buurt", code=f"BU0599{i:04d}", name=f"Buurt {i}",
                                  parent=rotterdam) for i in range(1200))
    rows = [[str(i), f"BU0599{i:04d}", str(i), "."] for i in range(1200)]
    result = _import(_csv(*rows))
    assert (result.created, result.areas, result.missing) == (2400, 1200, 1200)
    assert _import(_csv(*rows)).updated == 2400
