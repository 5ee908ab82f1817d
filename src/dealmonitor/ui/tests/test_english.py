"""English throughout under /en/: the themes (stored as Dutch words) in English, one date style
per language, and the admin's labels in Dutch on Dutch pages."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from dealmonitor.deals.models import Theme
from dealmonitor.deals.tests.factories import DealFactory
from dealmonitor.utils.partial_dates import Precision

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "src" / "dealmonitor" / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.fixture
def deal(db):
    deal = DealFactory(slug="cd-welvaart", name="City Deal Welvaart", signing_date=dt.date(2021, 3, 11),
                       signing_date_precision=Precision.DAY)
    deal.themes.add(Theme.objects.create(name="brede welvaart"), Theme.objects.create(name="kleine kernen"))
    return deal


def facts(html):
    return html[html.index("<dl"):html.index("</dl>")]


def test_themes_are_english_under_en_and_dutch_at_home(client, deal):
    english = facts(client.get("/en/deals/cd-welvaart/").content.decode())
    assert "broad prosperity" in english and "small villages" in english
    assert "brede welvaart" not in english.replace("?theme=brede%20welvaart", "")
    dutch = facts(client.get("/deals/cd-welvaart/").content.decode())
    assert ">brede welvaart</a>" in dutch and "broad prosperity" not in dutch
    # the filter shows the English word and keeps the stored one as its value
    portfolio = client.get("/en/").content.decode()
    assert re.search(r'<option value="brede welvaart"[^>]*>broad prosperity</option>', portfolio)
    assert "broad prosperity" in client.get("/en/?theme=brede+welvaart").content.decode()
    # the API and the workbooks keep the stored word: it is the identifier
    assert client.get("/api/v1/deals/cd-welvaart/").json()["themes"] == ["brede welvaart", "kleine kernen"]


def test_every_theme_of_the_demo_data_has_an_english_name():
    data = json.loads((Path(settings.BASE_DIR) / "data" / "demo" / "agenda-stad-deals.json").read_text())
    themes = {t.lower() for deal in data for t in deal.get("themes", [])}  # as the importer stores them
    assert len(themes) > 50
    translated = set(re.findall(r'msgctxt "theme"\nmsgid "([^"]+)"\nmsgstr "[^"]+"', CATALOGUE.read_text()))
    assert sorted(themes - translated) == []
    with translation.override("en"):
        assert Theme(name="kwetsbare wijken").label == "vulnerable neighbourhoods"
    with translation.override("nl"):
        assert str(Theme(name="kwetsbare wijken")) == "kwetsbare wijken"


def test_one_date_style_per_language(client, deal):
    english = client.get("/en/deals/cd-welvaart/").content.decode()
    assert "11 March 2021" in english and "March 11, 2021" not in english
    assert "11 maart 2021" in client.get("/deals/cd-welvaart/").content.decode()


def test_the_admin_speaks_dutch_on_dutch_pages(client, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    html = client.get("/admin/").content.decode()
    for dutch in ("Gebruikers", "Inlogpogingen", "Modelnaam"):
        assert dutch in html, dutch
    for english in (">Users<", ">Access attempts<", "Model name", "Change or view list link", "Verband toevoegen"):
        assert english not in html, english
