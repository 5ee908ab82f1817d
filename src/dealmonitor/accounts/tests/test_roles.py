"""The role core: who may read, see internals, edit, enter measurements and export, per role,
on their own deal, another unpublished deal and a published deal (deals/rules.py)."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils.translation import gettext as _

from dealmonitor.accounts import services
from dealmonitor.accounts.models import DealMembership
from dealmonitor.deals import internal, rules
from dealmonitor.deals.models import Deal
from dealmonitor.deals.selectors import visible_deals

from .world import DEALS, ROLES, build_world

pytestmark = pytest.mark.django_db

Y, N = True, False
# Per predicate: per role, the answer for (own deal, other unpublished deal, published deal).
EXPECTED = {
    "can_view_deal": {
        "public": (N, N, Y), "signed_in": (N, N, Y), "partner": (Y, N, Y), "team": (Y, N, Y),
        "dealmaker": (Y, N, Y), "evaluator": (Y, Y, Y), "admin": (Y, Y, Y),
    },
    "can_view_internal": {
        "public": (N, N, N), "signed_in": (N, N, N), "partner": (Y, N, N), "team": (Y, N, N),
        "dealmaker": (Y, N, N), "evaluator": (Y, Y, Y), "admin": (Y, Y, Y),
    },
    "can_edit_deal_data": {
        "public": (N, N, N), "signed_in": (N, N, N), "partner": (N, N, N), "team": (Y, N, N),
        "dealmaker": (Y, N, N), "evaluator": (N, N, N), "admin": (Y, Y, Y),
    },
    "can_record_measurement": {
        "public": (N, N, N), "signed_in": (N, N, N), "partner": (Y, N, N), "team": (Y, N, N),
        "dealmaker": (Y, N, N), "evaluator": (N, N, N), "admin": (Y, Y, Y),
    },
    "can_answer_assessment": {
        "public": (N, N, N), "signed_in": (N, N, N), "partner": (Y, N, N), "team": (Y, N, N),
        "dealmaker": (Y, N, N), "evaluator": (N, N, N), "admin": (Y, Y, Y),
    },
    "can_export_deal": {
        "public": (N, N, Y), "signed_in": (N, N, Y), "partner": (Y, N, Y), "team": (Y, N, Y),
        "dealmaker": (Y, N, Y), "evaluator": (Y, Y, Y), "admin": (Y, Y, Y),
    },
}
# Global predicates: per role.
EXPECTED_GLOBAL = {
    "can_export": {"public": N, "signed_in": N, "partner": N, "team": N, "dealmaker": N,
                   "evaluator": Y, "admin": Y},
    "can_import_deals": {"public": N, "signed_in": N, "partner": N, "team": N, "dealmaker": N,
                         "evaluator": N, "admin": Y},
    "can_manage_roles": {"public": N, "signed_in": N, "partner": N, "team": N, "dealmaker": N,
                         "evaluator": N, "admin": Y},
}


@pytest.fixture
def world(django_user_model):
    return build_world(django_user_model)


def test_every_role_against_every_deal_predicate(world):
    wrong = []
    for name, table in EXPECTED.items():
        predicate = getattr(rules, name)
        for role in ROLES:
            for deal_key, expected in zip(DEALS, table[role]):
                got = predicate(world.users[role], world.deals[deal_key])
                if got != expected:
                    wrong.append(f"{name}({role}, {deal_key} deal) = {got}, expected {expected}")
    for name, table in EXPECTED_GLOBAL.items():
        for role in ROLES:
            got = getattr(rules, name)(world.users[role])
            if got != table[role]:
                wrong.append(f"{name}({role}) = {got}, expected {table[role]}")
    assert not wrong, "\n".join(wrong)


def test_the_command_line_acts_as_the_system(world):
    deal = world.deals["other"]
    assert rules.can_edit_deal_data(None, deal) and rules.can_view_internal(None, deal)
    assert set(visible_deals(None)) == set(world.deals.values())


def test_visible_deals_is_what_can_view_deal_says(world):
    for role in ROLES:
        user = world.users[role]
        expected = {d.slug for d in world.deals.values() if rules.can_view_deal(user, d)}
        assert {d.slug for d in visible_deals(user)} == expected, role


def test_an_inactive_user_has_no_role(world):
    team = world.users["team"]
    team.is_active = False
    assert not rules.can_view_deal(team, world.deals["own"])
    assert not rules.can_edit_deal_data(team, world.deals["own"])


def test_a_partner_member_reports_only_for_their_own_organisation(world):
    own = world.deals["own"]
    assert rules.partner_organisations(world.users["partner"], own) == [world.organisations["own"].pk]
    assert rules.partner_organisations(world.users["team"], own) == []


def test_a_new_role_counts_at_once_for_the_same_user_object(world):
    """The memberships are cached on the user object; any change invalidates the cache."""
    user, deal = world.users["signed_in"], world.deals["other"]
    assert not rules.can_edit_deal_data(user, deal)
    membership = services.grant_deal_role(actor=world.users["admin"], user=user, deal=deal, role="team")
    assert rules.can_edit_deal_data(user, deal)
    services.revoke_deal_role(actor=None, membership=membership)
    assert not rules.can_edit_deal_data(user, deal)


def test_only_the_programme_administrator_assigns_roles(world):
    for role in ("team", "dealmaker", "evaluator"):
        with pytest.raises(PermissionDenied):
            services.grant_deal_role(actor=world.users[role], user=world.users["signed_in"],
                                     deal=world.deals["own"], role="team")
    with pytest.raises(PermissionDenied):
        services.set_global_role(actor=world.users["team"], user=world.users["team"], role="evaluator")


def test_a_partner_member_needs_a_partner_organisation_of_the_deal(world):
    admin, user, own = world.users["admin"], world.users["signed_in"], world.deals["own"]
    with pytest.raises(ValidationError) as no_org:
        services.grant_deal_role(actor=admin, user=user, deal=own, role="partner")
    assert "organisation" in no_org.value.message_dict
    with pytest.raises(ValidationError) as not_a_partner:
        services.grant_deal_role(actor=admin, user=user, deal=own, role="partner",
                                 organisation=world.organisations["other"])
    assert not_a_partner.value.message_dict["organisation"] == [
        _("This organisation is not a partner of the deal.")
    ]
    granted = services.grant_deal_role(actor=admin, user=user, deal=own, role="partner",
                                       organisation=world.organisations["own"], reason="nieuw lid")
    record = granted.history.get()
    assert (record.history_user, record.history_change_reason) == (admin, "nieuw lid")


def test_roles_from_the_command_line(world):
    out = io.StringIO()
    call_command("roles", "grant", "ingelogd", "team", "--deal", "cd-ander", stdout=out)
    call_command("roles", "grant", "ingelogd", "evaluator", stdout=out)
    call_command("roles", "grant", "ingelogd", "partner", "--deal", "cd-eigen",
                 "--organisation", "gemeente-own", stdout=out)
    listing = io.StringIO()
    call_command("roles", "list", "--user", "ingelogd", stdout=listing)
    assert listing.getvalue().strip() == (
        "ingelogd: evaluator, team in cd-ander, partner in cd-eigen for gemeente-own"
    )
    call_command("roles", "revoke", "ingelogd", "team", "--deal", "cd-ander", stdout=out)
    assert not DealMembership.objects.filter(user__username="ingelogd", role="team").exists()
    with pytest.raises(CommandError, match="add --deal"):
        call_command("roles", "grant", "ingelogd", "dealmaker", stdout=out)


def test_the_internal_registry_names_real_fields():
    from django.apps import apps

    for label, names in internal.INTERNAL_FIELDS.items():
        model = apps.get_model(label)
        for name in names:
            model._meta.get_field(name)  # raises FieldDoesNotExist on a typo
    for label in internal.INTERNAL_MODELS:
        apps.get_model(label)


def test_internal_fields_are_stripped():
    data = {"kind": "partner", "stance": "weerstand", "commitment_money": 1000, "note": "x"}
    assert internal.strip_internal("deals.Participation", data) == {"kind": "partner", "note": "x"}
    assert internal.is_internal("learning.answer")
    assert "comment" in internal.internal_fields("learning.answer")
    assert internal.public_fields("impact.measurement", ["value", "evidence_file"]) == ["value"]


def test_the_import_publishes_only_when_asked(demo_records):
    from dealmonitor.deals.services import import_portfolio

    import_portfolio(actor=None, records=demo_records[:2])
    assert not Deal.objects.filter(is_published=True).exists()
    assert list(visible_deals(AnonymousUser())) == []
    import_portfolio(actor=None, records=demo_records[:2], publish=True)
    assert Deal.objects.filter(is_published=True).count() == 2


def test_the_demo_accounts_each_have_their_role(demo_data, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.DEMO_PASSWORD = "demo-wachtwoord-voor-de-test"
    out = io.StringIO()
    call_command("createdemouser", stdout=out)
    text = out.getvalue()
    for name in ("'demo'", "'demo-evaluator'", "'demo-dealmaker'", "'demo-team'", "'demo-partner'"):
        assert name in text
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.all()}
    deal = Deal.objects.get(slug="cd-impact-ondernemen")
    assert rules.is_programme_admin(users["demo"])
    assert rules.is_evaluator(users["demo-evaluator"])
    assert rules.is_dealmaker(users["demo-dealmaker"], deal)
    assert rules.can_edit_deal_data(users["demo-team"], deal)
    assert rules.can_record_measurement(users["demo-partner"], deal)
    assert not rules.can_edit_deal_data(users["demo-partner"], deal)
    call_command("createdemouser", stdout=io.StringIO())  # twice: nothing doubles
    assert DealMembership.objects.filter(deal=deal).count() == 3
