"""Every main page, in Dutch and under /en/, at desktop (1280 px) and phone (375 px) width in a
real browser, signed in as the programme's administrator on the demo data: axe finds nothing
(WCAG 2.1 AA), no page is wider than the screen, and a screenshot of each is kept to look at
(var/screenshots/pages/<language>/<page>-<width>.png; `make test` leaves them behind).

One test per language walks all pages, so the demo data is loaded twice, not forty times;
it reports every violation of every page at once."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

from dealmonitor.conftest import WCAG_21_AA

from .test_page_frame_browser import WIDTHS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "pages"
DEAL = "/deals/cd-impact-ondernemen/"
PAGES = {
    "my-deals": "/mijn-deals/",
    "portfolio": "/",
    "deal": DEAL,
    "deal-partners": DEAL + "partners/",
    "deal-pathway": DEAL + "veranderpad/",
    "deal-indicators": DEAL + "indicatoren/",
    "deal-performance": DEAL + "prestaties/",
    "deal-learning": DEAL + "leren/",
    "deal-related": DEAL + "verwant/",
    "deal-needs-offers": DEAL + "vraag-en-aanbod/",
    "deal-report": DEAL + "jaarverslag/",
    "programme": "/leren/",
    "lessons": "/leren/lessen/",
    "bottlenecks": "/leren/knelpunten/",
    "connections": "/verbanden/",
    "network": "/verbanden/netwerk/",
    "events": "/verbanden/bijeenkomsten/",
    "needs-offers": "/vraag-en-aanbod/",
    "organisations": "/organisaties/",
    "reports": "/rapporten/",
    "portfolio-report": "/rapporten/portfolio/",
    "import": "/importeren/",
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_main_page_passes_axe_and_fits_at_desktop_and_phone_width(live_server, demo_data, staff_user,
                                                                        page, language):
    sign_in(page, live_server, staff_user.username)
    folder = SCREENSHOTS / language
    folder.mkdir(parents=True, exist_ok=True)
    axe = Axe()
    problems = []
    prefix = "" if language == "nl" else "/en"
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        for name, path in PAGES.items():
            response = page.goto(live_server.url + prefix + path)
            if response.status != 200:
                problems.append(f"{name}: {response.status}")
                continue
            assert page.locator("html").get_attribute("lang") == language
            page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=width == "phone")
            if page.evaluate("document.documentElement.scrollWidth") > size["width"]:
                problems.append(f"{name} ({width}) is wider than the screen")
            if width == "desktop":  # axe's rules do not depend on the width; once per page
                results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
                if results.violations_count:
                    problems.append(f"{name}:\n{results.generate_report()}")
    assert not problems, "\n".join(problems)
