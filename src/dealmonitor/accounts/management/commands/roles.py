"""`dealmonitor roles`: list, grant and revoke roles from the command line (as the system).

    dealmonitor roles list [--user NAME] [--deal SLUG]
    dealmonitor roles grant NAME ROLE [--deal SLUG] [--organisation SLUG] [--reason TEXT]
    dealmonitor roles revoke NAME ROLE [--deal SLUG] [--organisation SLUG] [--reason TEXT]

ROLE is programme-admin or evaluator (global), or dealmaker, team or partner (in one deal,
with --deal; a partner member also needs --organisation).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dealmonitor.accounts import services
from dealmonitor.accounts.models import DealMembership
from dealmonitor.deals.models import Deal
from dealmonitor.organisations.models import Organisation


def _get(model, label, **lookup):
    try:
        return model.objects.get(**lookup)
    except model.DoesNotExist:
        value = next(iter(lookup.values()))
        raise CommandError(f"No {label} '{value}'.") from None


class Command(BaseCommand):
    help = "List, grant and revoke roles: programme-admin, evaluator, dealmaker, team, partner."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="who has which role")
        listing.add_argument("--user")
        listing.add_argument("--deal")
        for name in ("grant", "revoke"):
            p = sub.add_parser(name, help=f"{name} a role")
            p.add_argument("username")
            p.add_argument("role", choices=[*services.GLOBAL_ROLES, *services.DEAL_ROLES])
            p.add_argument("--deal", help="the deal's identifier (for dealmaker, team, partner)")
            p.add_argument("--organisation", help="the partner organisation (for partner)")
            p.add_argument("--reason", default="", help="why, kept in the history")

    def handle(self, *args, action, **options):
        if action == "list":
            return self._list(options.get("user"), options.get("deal"))
        user = _get(get_user_model(), "user", username=options["username"])
        role = options["role"]
        try:
            if role in services.GLOBAL_ROLES:
                services.set_global_role(actor=None, user=user, role=role, value=action == "grant")
                self.stdout.write(f"{user.username}: {role} {'granted' if action == 'grant' else 'revoked'}.")
                return
            if not options.get("deal"):
                raise CommandError(f"The role {role} is a role in a deal: add --deal SLUG.")
            deal = _get(Deal, "deal", slug=options["deal"])
            organisation = (
                _get(Organisation, "organisation", slug=options["organisation"])
                if options.get("organisation") else None
            )
            if action == "grant":
                services.grant_deal_role(actor=None, user=user, deal=deal, role=role,
                                         organisation=organisation, reason=options["reason"])
                self.stdout.write(f"{user.username}: {role} in {deal.slug} granted.")
                return
            rows = DealMembership.objects.filter(user=user, deal=deal, role=role)
            if organisation is not None:
                rows = rows.filter(organisation=organisation)
            if not rows:
                raise CommandError(f"{user.username} has no role {role} in {deal.slug}.")
            for membership in rows:
                services.revoke_deal_role(actor=None, membership=membership, reason=options["reason"])
            self.stdout.write(f"{user.username}: {role} in {deal.slug} revoked.")
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None

    def _list(self, username, slug):
        User = get_user_model()
        users = User.objects.order_by("username")
        if username:
            users = users.filter(username=username)
        for user in users:
            roles = [r for r, on in (("programme-admin", user.is_staff or user.is_superuser),
                                     ("evaluator", user.is_evaluator)) if on]
            memberships = user.deal_memberships.select_related("deal", "organisation").order_by(
                "deal__slug", "role"
            )
            if slug:
                memberships = memberships.filter(deal__slug=slug)
            roles += [
                f"{m.role} in {m.deal.slug}" + (f" for {m.organisation.slug}" if m.organisation else "")
                for m in memberships
            ]
            if slug and not memberships:
                continue
            self.stdout.write(f"{user.username}: {', '.join(roles) or '(public)'}")
