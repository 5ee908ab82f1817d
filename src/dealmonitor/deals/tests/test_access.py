"""The one door to a deal (deals/access.py) and the one address tree (/deals/<slug>/...)."""

import ast
import pathlib

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dealmonitor.deals import access
from dealmonitor.deals.tests.factories import DealFactory

PACKAGE = pathlib.Path(__file__).resolve().parents[2]

# What only the gateway does: find a deal, or decide who is sent to sign in.
FORBIDDEN_NAMES = {"redirect_to_login", "get_deal", "_deal", "_get_deal", "_deal_only"}
FORBIDDEN_ATTRIBUTES = {"is_authenticated"}


def _view_modules():
    paths = PACKAGE.glob("*/views*.py"), PACKAGE.glob("*/views/*.py"), [PACKAGE / "api" / "generic.py"]
    for path in sorted(p for group in paths for p in group):
        yield path


def _offences(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "dealmonitor.deals.selectors":
            found += [f"imports {a.name} from deals.selectors" for a in node.names
                      if a.name == "visible_deals"]
        elif isinstance(node, ast.Attribute):
            if node.attr in FORBIDDEN_ATTRIBUTES:
                found.append(f".{node.attr} (line {node.lineno})")
            if node.attr == "objects" and isinstance(node.value, ast.Name) and node.value.id == "Deal":
                found.append(f"Deal.objects (line {node.lineno})")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in FORBIDDEN_NAMES:
                found.append(f"{node.func.id}() (line {node.lineno})")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value.id if isinstance(node.func.value, ast.Name) else ""
            if node.func.attr in ("visible_deals", "deal_detail", "get_deal") and owner != "access":
                found.append(f"{owner}.{node.func.attr}() (line {node.lineno})")
    return found


def test_no_view_looks_up_a_deal_or_a_signed_in_user_itself():
    """Views find deals and check permissions through deals/access.py only; a view that looks
    a deal up, or asks whether the user is signed in, fails here."""
    assert len(list(_view_modules())) >= 15  # the views of every app, learning's package too
    offences = {str(p.relative_to(PACKAGE)): o for p in _view_modules() if (o := _offences(p))}
    assert offences == {}


def test_the_static_check_finds_a_view_that_looks_up_a_deal(tmp_path):
    bad = tmp_path / "views.py"
    bad.write_text(
        "from dealmonitor.deals.selectors import visible_deals\n"
        "def page(request, slug):\n"
        "    if not request.user.is_authenticated:\n"
        "        return redirect_to_login('/')\n"
        "    selectors.deal_detail(request.user, slug)\n"
        "    return Deal.objects.get(slug=slug)\n"
    )
    assert len(_offences(bad)) == 5


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def test_every_page_of_a_deal_goes_through_the_gateway():
    """Every address with a deal identifier in it is under /deals/<slug>/ and its view is
    wrapped by `deal_view` (the API has its own gateway, DealRowPermission)."""
    found = []
    for route, pattern in _patterns(get_resolver()):
        if "<slug:slug>" not in route or route.startswith("api/"):
            continue
        found.append(route)
        assert route.startswith("deals/<slug:slug>/"), route
        assert getattr(pattern.callback, "deal_gateway", False), f"{route} is not a deal_view"
    assert len(found) >= 35


@pytest.mark.django_db
def test_not_readable_is_404_readable_but_not_allowed_is_403_anonymous_signs_in(client, django_user_model):
    hidden = DealFactory(slug="cd-verborgen", is_published=False)
    public = DealFactory(slug="cd-openbaar", is_published=True)
    for url in (reverse("learning:deal", args=[hidden.slug]),
                reverse("impact:indicator_create", args=[hidden.slug]),
                reverse("learning:deal", args=["cd-bestaat-niet"])):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("learning:deal", args=[public.slug])).status_code == 200
    create = reverse("impact:indicator_create", args=[public.slug])
    response = client.get(create)
    assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/?next=")
    client.force_login(django_user_model.objects.create_user("vreemde", password="x" * 20))
    assert client.get(create).status_code == 403
    assert client.get(reverse("impact:indicator_create", args=[hidden.slug])).status_code == 404


def test_allowed_and_require_follow_the_predicate():
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    from dealmonitor.deals import rules as deal_rules

    anonymous = AnonymousUser()
    assert access.allowed(None, deal_rules.can_edit_deal_data) is True  # the system
    assert access.allowed(anonymous, deal_rules.can_export) is False
    with pytest.raises(access.SignInRequired):
        access.require(anonymous, deal_rules.can_export)
    assert issubclass(access.SignInRequired, PermissionDenied)


OLD_TO_NEW = [
    ("/impact/deals/{s}/veranderpad/", "/deals/{s}/veranderpad/"),
    ("/impact/deals/{s}/indicatoren/", "/deals/{s}/indicatoren/"),
    ("/impact/deals/{s}/prestaties/?niveau=output", "/deals/{s}/prestaties/?niveau=output"),
    ("/leren/deals/{s}/", "/deals/{s}/leren/"),
    ("/leren/deals/{s}/opschalingsplan/", "/deals/{s}/opschalingsplan/"),
    ("/leren/deals/{s}/lessen/nieuw/", "/deals/{s}/lessen/nieuw/"),
    ("/verbanden/deals/{s}/", "/deals/{s}/verwant/"),
    ("/rapporten/deals/{s}/jaarverslag/", "/deals/{s}/jaarverslag/"),
    ("/rapporten/deals/{s}/werkmap.xlsx", "/deals/{s}/werkmap.xlsx"),
    ("/en/impact/deals/{s}/dashboard/", "/en/deals/{s}/dashboard/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("old,new", OLD_TO_NEW)
def test_old_addresses_redirect_permanently(client, old, new):
    deal = DealFactory(slug="cd-oud-adres", is_published=True)
    response = client.get(old.format(s=deal.slug))
    assert response.status_code == 301
    assert response["Location"] == new.format(s=deal.slug)
    # The new address answers (a form page sends the anonymous visitor to sign in).
    assert client.get(response["Location"]).status_code in (200, 302)


@pytest.mark.django_db
def test_a_form_sent_to_an_old_address_is_sent_on_unchanged(client):
    deal = DealFactory(slug="cd-oud-formulier", is_published=True)
    response = client.post(f"/leren/deals/{deal.slug}/lessen/nieuw/", {"title": "x"})
    assert response.status_code == 308
    assert response["Location"] == f"/deals/{deal.slug}/lessen/nieuw/"


@pytest.mark.django_db
def test_old_addresses_of_rows_redirect_only_for_who_may_read_them(client):
    from dealmonitor.learning import services

    public = DealFactory(slug="cd-les-openbaar", is_published=True)
    hidden = DealFactory(slug="cd-les-verborgen", is_published=False)
    lesson = services.save_lesson(actor=None, deal=public, title="Les", text="t", kind="inzicht")
    secret = services.save_lesson(actor=None, deal=hidden, title="Geheim", text="t", kind="inzicht")
    response = client.get(f"/leren/lessen/{lesson.pk}/")
    assert response.status_code == 301
    assert response["Location"] == f"/deals/{public.slug}/lessen/{lesson.pk}/"
    assert client.get(response["Location"]).status_code == 200
    assert client.get(f"/leren/lessen/{secret.pk}/").status_code == 404
    # Through another deal's address a row is not found either.
    assert client.get(f"/deals/{public.slug}/lessen/{secret.pk}/").status_code == 404


@pytest.mark.django_db
def test_every_part_of_a_deal_is_one_click_from_any_of_its_pages(client):
    deal = DealFactory(slug="cd-tabbladen", is_published=True)
    targets = [reverse(name, args=[deal.slug]) for name in (
        "impact:pathway", "impact:indicators", "impact:performance", "learning:deal",
        "learning:scaling_plan", "connections:deal", "reports:deal_report", "reports:deal_workbook",
    )]
    for name in ("deals:detail", "impact:pathway", "impact:dashboard", "impact:indicators",
                 "impact:performance", "learning:deal", "learning:scaling_plan", "connections:deal"):
        page = client.get(reverse(name, args=[deal.slug]))
        assert page.status_code == 200, name
        html = page.content.decode()
        tabs = html[html.index('class="dm-toc dm-deal-tabs"'):]
        tabs = tabs[:tabs.index("</nav>")]
        for target in targets:
            assert f'href="{target}"' in tabs, (name, target)


WRITING_METHODS = {"save", "delete", "bulk_create", "bulk_update", "get_or_create",
                   "update_or_create"}
MANAGER_WRITES = {"create", "update"}  # on a manager or queryset (a dict's update is no write)


def test_no_view_writes_itself():
    """Views call a service to write (deals/writing.py and the apps' services.py); a view
    that saves, creates, updates or deletes a row itself fails here. (The API's generic views
    call the resource's service functions: `resource.create(...)`.)"""
    found = {}
    for path in _view_modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner, method = ast.unparse(node.func.value), node.func.attr
            if owner in ("resource", "super()"):
                continue
            if method in WRITING_METHODS or (method in MANAGER_WRITES and "objects" in owner):
                found.setdefault(str(path.relative_to(PACKAGE)), []).append(
                    f"{owner}.{method}() (line {node.lineno})")
    assert found == {}


def test_the_write_check_finds_a_view_that_saves(tmp_path, monkeypatch):
    bad = tmp_path / "views.py"
    bad.write_text("def page(request):\n    job.save()\n    Deal.objects.create(slug='x')\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["_view_modules"]), "_view_modules",
                        lambda: [bad])
    monkeypatch.setattr(__import__(__name__, fromlist=["PACKAGE"]), "PACKAGE", tmp_path)
    with pytest.raises(AssertionError):
        test_no_view_writes_itself()
