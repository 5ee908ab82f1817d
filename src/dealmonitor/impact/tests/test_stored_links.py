"""An address stored before the import refused `javascript:` (or written to the database by
other means) is shown as text, never as a link, on the public pages."""

import datetime as dt
from decimal import Decimal

from dealmonitor.impact.models import Measurement
from dealmonitor.ui.templatetags.links import is_web_address, web_link


def test_only_web_addresses_become_links():
    assert is_web_address("https://example.org/x") and is_web_address("HTTP://example.org")
    for bad in ("javascript:alert(1)//", " https://example.org", "\thttp://x", "data:text/html,x",
                "JaVaScRiPt:alert(1)", "vbscript:x", "//example.org", ""):
        assert not is_web_address(bad), bad
    assert "href" not in web_link("javascript:alert(1)//", "bewijs")
    assert 'href="https://example.org/?a=1&amp;b=2"' in web_link("https://example.org/?a=1&b=2", "b")


def test_a_stored_script_address_is_text_on_the_indicator_page(client, numeric):
    Measurement.objects.create(indicator=numeric, date=dt.date(2023, 1, 1), value=Decimal(3),
                               evidence_url="javascript:alert(1)//")
    page = client.get(numeric.get_absolute_url()).content.decode()
    assert "javascript:alert(1)//" in page  # kept and shown: nothing is dropped
    assert 'href="javascript:' not in page.lower()
