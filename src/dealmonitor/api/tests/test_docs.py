"""The API's documentation page: served from the package, under the site's
Content-Security-Policy, linked from every page's footer."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_documentation_page_loads_only_our_own_files(client):
    response = client.get(reverse("v1:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(sources) >= 4  # stylesheet, icon, the two Swagger UI bundles, the start script
    for address in sources:
        assert address.startswith("/"), f"{address} is loaded from elsewhere"
        if address.startswith("/static/"):
            assert finders.find(address.removeprefix("/static/").split("?")[0]), f"{address} is not shipped"
    assert "<script>" not in html  # no inline script: the start script is a file of its own
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src-attr")[0]
    start = client.get(next(a for a in sources if "script" in a and "/static/" not in a))
    assert start.status_code == 200 and "application/javascript" in start["Content-Type"]
    assert reverse("v1:schema") in start.content.decode()


def test_every_page_links_to_the_api_documentation(client):
    for url in ("/", "/en/", reverse("reports:index")):
        html = client.get(url).content.decode()
        footer = html[html.index('<footer class="dm-footer">'):]
        assert f'href="{reverse("v1:docs")}"' in footer, url
