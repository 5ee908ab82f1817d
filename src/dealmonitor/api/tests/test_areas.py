"""Areas and context figures in the API (api/areas.py): public reads with search and filters,
a deal's areas through the deal's gateway, an area chosen or left out by who may change the
deal (with history), figures added only by programme staff; every refusal in the words of the
page's form or the import, and reads whose number of queries does not grow with the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from rest_framework.test import APIClient

from dealmonitor.areas import services
from dealmonitor.areas.importing import import_figures, period_from_text
from dealmonitor.areas.models import Area, DealArea, Figure, FigureSource, Topic
from dealmonitor.areas.tests.conftest import (  # noqa: F401 (fixtures)
    KWB_TOPICS,
    RETRIEVED,
    deal,
    kwb_bytes,
    municipalities,
    partner_user,
    programme_admin,
    stadscentrum,
    team_user,
)

pytestmark = pytest.mark.django_db

TOPICS = ["AantalInwoners_5 = Inwoners | aantal",
          "HuishoudensMetEenLaagInkomen_86 = Huishoudens met laag inkomen | %"]


@pytest.fixture
def api():
    return APIClient()


def signed_in(api, user):
    """A token, as a client outside the browser has (the session works as well)."""
    api.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=user)[1]}")
    return api


@pytest.fixture
def figures(stadscentrum, kwb_bytes):
    return import_figures(actor=None, data=kwb_bytes, topics=KWB_TOPICS,
                          period=period_from_text("2024"), table_id="85984NED",
                          source_title="Kerncijfers wijken en buurten 2024", retrieved_on=RETRIEVED)


def _deal_areas(deal):
    return f"/api/v1/deals/{deal.slug}/areas/"


def _upload(**extra):
    from pathlib import Path

    text = (Path(__file__).parents[2] / "areas" / "tests" / "fixtures" / "kwb-2024.csv").read_text()
    return {"csv": text, "file_name": "kwb-2024.csv", "topics": TOPICS,
            "source_title": "Kerncijfers wijken en buurten 2024", "table_id": "85984NED",
            "retrieved_on": "2026-12-01", "period": "2024", **extra}


# Reading -------------------------------------------------------------------------------------


def test_areas_are_listed_searched_by_name_or_code_and_kind(api, stadscentrum):
    found = api.get("/api/v1/areas/", {"search": "rotterdam"}).json()
    assert [a["code"] for a in found["results"]] == ["GM0599"]
    assert [a["code"] for a in api.get("/api/v1/areas/", {"search": "wk059901"}).json()["results"]] == ["WK059901"]
    districts = api.get("/api/v1/areas/", {"kind": "wijk"}).json()
    assert districts["count"] == 1 and districts["results"][0] == {
        "code": "WK059901", "kind": "wijk", "name": "Stadscentrum", "parent": "GM0599",
        "province": Area.objects.get(code="GM0599").province, "valid_from": None,
        "valid_to": None, "successor": None}
    assert api.get("/api/v1/areas/", {"kind": "provincie"}).status_code == 400


def test_an_area_by_its_cbs_code(api):
    brielle = api.get("/api/v1/areas/gm0501/")
    assert brielle.status_code == 200
    assert brielle.json()["successor"] == "GM1992" and brielle.json()["valid_to"] == "2022-12-31"
    assert api.get("/api/v1/areas/GM0000/").status_code == 404


def test_figures_per_area_by_topic_and_period(api, figures):
    inhabitants = Topic.objects.get(name="Inwoners")
    listed = api.get("/api/v1/figures/", {"area": "gm0599", "topic": inhabitants.pk, "period": "2024"}).json()
    assert listed["count"] == 1
    [row] = listed["results"]
    assert row["area"] == "GM0599" and row["value"] == "671000.000000" and row["period_label"] == "2024"
    assert row["source"] == FigureSource.objects.get().pk
    # CBS's "." is no figure, not zero
    [missing] = api.get("/api/v1/figures/", {"area": "GM1992", "topic": Topic.objects.get(
        name="Huishoudens met laag inkomen").pk}).json()["results"]
    assert missing["value"] is None and missing["missing_reason"] == "onbekend (.)"
    assert api.get("/api/v1/figures/", {"period": "2023"}).json()["count"] == 0
    topics = api.get("/api/v1/topics/").json()["results"]
    assert {(t["name"], t["unit"], t["cbs_key"]) for t in topics} == {
        ("Inwoners", "aantal", "AantalInwoners_5"),
        ("Huishoudens met laag inkomen", "%", "HuishoudensMetEenLaagInkomen_86")}
    one = api.get(f"/api/v1/figures/{row['id']}/")
    assert one.json() == row and one["ETag"]  # as the document says of every row read by its id
    [source] = api.get("/api/v1/figure-sources/").json()["results"]
    assert source["table_id"] == "85984NED" and source["retrieved_on"] == "2026-12-01"


def test_a_deal_s_areas_come_with_their_figures(api, deal, figures, stadscentrum, team_user):
    services.choose_area(actor=team_user, deal=deal, area=stadscentrum, note="pilotwijk")
    data = api.get(_deal_areas(deal)).json()
    rows = {r["area"]["code"]: r for r in data["areas"]}
    # the partner municipalities (Brielle as Voorne aan Zee, its successor) and the chosen district
    assert set(rows) == {"GM0518", "GM0599", "GM1992", "WK059901"}
    assert rows["WK059901"]["origin"] == "gekozen" and rows["WK059901"]["note"] == "pilotwijk"
    assert rows["GM0599"]["origin"] == "partner"
    assert {f["topic"]["name"]: f["value"] for f in rows["GM0518"]["figures"]} == {
        "Inwoners": "566000.000000", "Huishoudens met laag inkomen": "11.200000"}
    assert [s["title"] for s in data["sources"]] == ["Kerncijfers wijken en buurten 2024"]
    assert data["left_out"] == []


def test_an_unpublished_deal_s_areas_do_not_exist_for_who_may_not_read_it(api, deal, team_user):
    deal.is_published = False
    deal.save()
    assert api.get(_deal_areas(deal)).status_code == 404
    assert signed_in(api, team_user).get(_deal_areas(deal)).status_code == 200


def test_reads_cost_the_same_queries_for_few_or_many_areas_and_figures(api, deal, figures, team_user):
    def count(url, **params):
        with CaptureQueriesContext(connection) as queries:
            assert api.get(url, params).status_code == 200
        return len(queries)

    few = {url: count(url) for url in (_deal_areas(deal), "/api/v1/figures/", "/api/v1/areas/")}
    # ten more areas for the deal, each with figures
    more = Area.objects.filter(kind="gemeente", valid_to__isnull=True).exclude(
        code__in=["GM0518", "GM0599", "GM1992"]).order_by("code")[:10]
    source = FigureSource.objects.get()
    for area in more:
        services.choose_area(actor=team_user, deal=deal, area=area)
        for topic in Topic.objects.all():
            Figure.objects.create(area=area, topic=topic, period_start=RETRIEVED.replace(month=1, day=1),
                                  period_end=RETRIEVED.replace(month=12, day=31),
                                  period_label="2026", value=1, source=source)
    services.add_area(actor=None, code="WK059902", name="Noord")
    assert len(api.get(_deal_areas(deal)).json()["areas"]) == 13
    assert {url: count(url) for url in few} == few


# Choosing a deal's areas ---------------------------------------------------------------------


def test_the_deal_team_adds_an_area_with_history(api, deal, team_user, stadscentrum):
    response = signed_in(api, team_user).post(_deal_areas(deal), {"code": " wk059901 ", "note": "pilotwijk"},
                                              format="json", HTTP_X_CHANGE_REASON="pilot in de wijk")
    assert response.status_code == 201, response.json()
    assert response.json()["area"]["code"] == "WK059901" and response.json()["origin"] == "gekozen"
    choice = DealArea.objects.get(deal=deal, area=stadscentrum)
    [entry] = choice.history.all()
    assert entry.history_user == team_user and entry.history_change_reason == "pilot in de wijk"


def test_only_who_may_change_the_deal_chooses_its_areas(api, deal, partner_user, stadscentrum):
    assert api.post(_deal_areas(deal), {"code": "WK059901"}, format="json").status_code == 401
    refused = signed_in(api, partner_user).post(_deal_areas(deal), {"code": "WK059901"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Alleen het dealteam en de dealmaker kiezen de gebieden van de deal."
    gone = api.delete(_deal_areas(deal) + "GM0518/")
    assert gone.status_code == 403
    assert not DealArea.objects.exists()


def test_a_hidden_deal_s_areas_cannot_be_changed(api, deal, django_user_model, stadscentrum):
    deal.is_published = False
    deal.save()
    outsider = django_user_model.objects.create_user(username="buiten", password="een-lang-wachtwoord-42")
    assert signed_in(api, outsider).post(_deal_areas(deal), {"code": "WK059901"},
                                         format="json").status_code == 404


def test_choosing_refuses_as_the_deal_tab_does(api, client, deal, team_user, stadscentrum):
    signed_in(api, team_user)
    client.force_login(team_user)
    page = f"/deals/{deal.slug}/gebied/"

    def page_error(data):
        response = client.post(page, data)
        assert response.status_code == 400
        return response.context["form"].errors

    cases = [
        ({"code": "GM9999"}, "code"),  # no such area
        ({"code": "GM0599"}, "code"),  # a partner municipality already
        ({}, "code"),  # no code
        ({"code": "WK059901", "note": "x" * 301}, "note"),  # the note's length
        ({"code": "GM05990101x"}, "code"),  # the code's length
    ]
    for body, field in cases:
        response = api.post(_deal_areas(deal), body, format="json")
        assert response.status_code == 400, body
        assert response.json()[field] == page_error(body)[field], body
    assert response.json()["code"][0].startswith("Zorg dat deze waarde niet meer dan 10 tekens")
    assert api.post(_deal_areas(deal), {"code": 599}, format="json").status_code == 400
    assert not DealArea.objects.exists()
    assert api.post(_deal_areas(deal), {"code": "WK059901"}, format="json").status_code == 201
    again = api.post(_deal_areas(deal), {"code": "WK059901"}, format="json")
    assert again.json() == {"code": ["Stadscentrum (WK059901) hoort al bij deze deal."]}


def test_leaving_out_a_partner_municipality_and_removing_a_chosen_area(api, deal, team_user, stadscentrum):
    signed_in(api, team_user)
    api.post(_deal_areas(deal), {"code": "WK059901"}, format="json")
    assert api.delete(_deal_areas(deal) + "WK059901/").status_code == 204
    assert not DealArea.objects.filter(area=stadscentrum).exists()
    assert api.delete(_deal_areas(deal) + "gm0518/", HTTP_X_CHANGE_REASON="geen werkgebied").status_code == 204
    left_out = DealArea.objects.get(area__code="GM0518")
    assert left_out.included is False and left_out.history.get().history_change_reason == "geen werkgebied"
    assert [a["code"] for a in api.get(_deal_areas(deal)).json()["left_out"]] == ["GM0518"]
    twice = api.delete(_deal_areas(deal) + "GM0518/")
    assert twice.status_code == 400
    assert twice.json() == {"code": ["'s-Gravenhage (GM0518) is al weggelaten."]}
    assert api.delete(_deal_areas(deal) + "WK059901/").json() == {
        "code": ["Stadscentrum (WK059901) hoort niet bij deze deal."]}
    assert api.delete(_deal_areas(deal) + "GM0000/").status_code == 404


# Adding figures ------------------------------------------------------------------------------


def test_programme_staff_add_figures_as_on_the_upload_page(api, programme_admin, stadscentrum):
    response = signed_in(api, programme_admin).post("/api/v1/figure-imports/", _upload(), format="json")
    assert response.status_code == 201, response.json()
    result = response.json()
    assert (result["created"], result["updated"], result["missing"], result["areas"]) == (8, 0, 1, 4)
    source = FigureSource.objects.get()
    assert result["source"]["id"] == source.pk and source.imported_by == programme_admin
    assert source.file_name == "kwb-2024.csv"
    assert Figure.objects.get(area__code="GM0599", topic__name="Inwoners").value == 671000


def test_only_programme_staff_add_figures(api, team_user, stadscentrum):
    assert api.post("/api/v1/figure-imports/", _upload(), format="json").status_code == 401
    refused = signed_in(api, team_user).post("/api/v1/figure-imports/", _upload(), format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Alleen het programmateam leest contextcijfers in."
    assert api.get("/api/v1/figure-imports/").status_code == 405
    assert not Figure.objects.exists()


def test_a_bad_upload_is_refused_in_the_words_of_the_form_and_the_import(
        api, client, programme_admin, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    signed_in(api, programme_admin)
    client.force_login(programme_admin)

    def page(body):
        fields = {"topics": "\n".join(body.get("topics", [])),
                  **{k: v for k, v in body.items() if k not in ("csv", "topics", "file_name")}}
        if body.get("csv"):
            fields["file"] = SimpleUploadedFile("kwb.csv", body["csv"].encode())
        response = client.post("/gebieden/cijfers-inlezen/", fields)
        assert response.status_code == 400
        return response.context["form"].errors, response.context["errors"]

    # the form's checks, at the same fields (the file is "csv")
    for body, field in [
        (_upload(topics=["Inwoners"]), "topics"),
        (_upload(retrieved_on="2999-01-01"), "retrieved_on"),
        (_upload(retrieved_on="morgen"), "retrieved_on"),
        (_upload(period="vorig jaar"), "period"),
        (_upload(source_title=""), "source_title"),
        (_upload(source_title="x" * 301), "source_title"),
        (_upload(url="geen adres"), "url"),
        (_upload(csv=""), "file"),
    ]:
        response = api.post("/api/v1/figure-imports/", body, format="json")
        assert response.status_code == 400, body
        form_errors, _ = page(body)
        assert response.json()[{"file": "csv"}.get(field, field)] == form_errors[field], field
    # the import's checks: Stadscentrum is not known here, its row is the error
    response = api.post("/api/v1/figure-imports/", _upload(), format="json")
    _, import_errors = page(_upload())
    assert response.status_code == 400 and response.json() == {"csv": import_errors}
    assert any(m.startswith("Rij 5: gebied “WK059901” is niet bekend") for m in import_errors)
    # the limit on the file's size
    from dealmonitor.areas import forms

    monkeypatch.setattr(forms, "MAX_BYTES", 10)
    response = api.post("/api/v1/figure-imports/", _upload(), format="json")
    assert response.json()["csv"] == page(_upload())[0]["file"]
    assert response.json()["csv"][0].startswith("Het bestand is groter dan")
    assert not Figure.objects.exists() and not FigureSource.objects.exists()


def test_wrong_json_types_are_refused(api, programme_admin):
    signed_in(api, programme_admin)
    response = api.post("/api/v1/figure-imports/", _upload(topics="Inwoners", csv=12), format="json")
    assert response.status_code == 400 and set(response.json()) == {"topics", "csv"}


def test_a_file_upload_takes_the_same_limits_as_the_page(api, programme_admin, stadscentrum, monkeypatch, settings):
    """A StatLine download larger than the server takes in a request body (JSON) goes as a
    file (multipart/form-data), as on the page: the page's 20 MB, not Django's 2.5 MB."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = _upload()
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = len(body["csv"]) // 2  # the file is larger than that
    signed_in(api, programme_admin)
    # as JSON the body is too large: a clear answer in JSON, not Django's bare HTML page
    refused = api.post("/api/v1/figure-imports/", body, format="json")
    assert refused.status_code == 413
    assert refused["Content-Type"] == "application/json"
    assert "multipart/form-data" in refused.json()["detail"] and "file" in refused.json()["detail"]
    assert not Figure.objects.exists()
    # as a file, the same fields: taken, with the same result as the JSON body
    fields = {k: v for k, v in body.items() if k != "csv"}
    fields["file"] = SimpleUploadedFile("kwb-2024.csv", body["csv"].encode(), content_type="text/csv")
    response = api.post("/api/v1/figure-imports/", fields, format="multipart")
    assert response.status_code == 201, response.json()
    result = response.json()
    assert (result["created"], result["updated"], result["missing"], result["areas"]) == (8, 0, 1, 4)
    assert FigureSource.objects.get().file_name == "kwb-2024.csv"
    assert Figure.objects.get(area__code="GM0599", topic__name="Inwoners").value == 671000
    # the page's limit on the file, in the page's words, at `file`
    from dealmonitor.areas import forms

    monkeypatch.setattr(forms, "MAX_BYTES", 10)
    fields["file"].seek(0)
    too_large = api.post("/api/v1/figure-imports/", fields, format="multipart")
    assert too_large.status_code == 400
    assert too_large.json()["file"][0].startswith("Het bestand is groter dan")
    # a file and a text at once: which one is meant is not guessed
    fields["file"].seek(0)
    both = api.post("/api/v1/figure-imports/", {**fields, "csv": "RegioS;Perioden"}, format="multipart")
    assert both.status_code == 400 and "csv" in both.json()
