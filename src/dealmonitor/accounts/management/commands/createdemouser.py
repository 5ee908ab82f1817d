import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from dealmonitor.accounts import services
from dealmonitor.accounts.models import DealMembership
from dealmonitor.deals.models import Deal

# The deal the role accounts work in: it has the demo pathway, indicators and measurements.
DEMO_DEAL = "cd-impact-ondernemen"
DEMO_PARTNER = "gemeente-utrecht"
# (username, what it is, global role or None, role in the demo deal or None)
ROLE_ACCOUNTS = [
    ("demo-evaluator", "evaluator: reads every deal and exports, changes nothing", "evaluator", None),
    ("demo-dealmaker", f"dealmaker of {DEMO_DEAL}", None, DealMembership.Role.DEALMAKER),
    ("demo-team", f"deal team (project leader) of {DEMO_DEAL}", None, DealMembership.Role.TEAM),
    ("demo-partner", f"partner member for {DEMO_PARTNER} in {DEMO_DEAL}", None,
     DealMembership.Role.PARTNER),
]


class Command(BaseCommand):
    help = (
        "Create (or reuse) the demo accounts and print their credentials: `demo`, the "
        "programme administrator (staff and superuser), and one account per role in the demo "
        "deal (demo-evaluator, demo-dealmaker, demo-team, demo-partner). They share one "
        "password, generated once and kept in var/demo-password.txt, or taken from "
        "DEMO_PASSWORD. For development and demos only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="demo")
        parser.add_argument(
            "--no-role-accounts", action="store_true",
            help="create only the programme administrator's account",
        )

    def handle(self, *args, username, no_role_accounts=False, **options):
        password_file = settings.VAR_DIR / "demo-password.txt"
        password = settings.DEMO_PASSWORD
        if not password and password_file.exists():
            password = password_file.read_text().strip()
        if not password:
            password = secrets.token_urlsafe(12)
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        user, created = self._account(username, password, is_staff=True, is_superuser=True)
        self.stdout.write(
            f"Demo account {'created' if created else 'ready'}: "
            f"username '{username}', password '{password}' (programme administrator)"
        )
        if no_role_accounts:
            return
        deal = Deal.objects.filter(slug=DEMO_DEAL).first()
        if deal is None:
            self.stdout.write(f"No deal {DEMO_DEAL} (run `dealmonitor loaddemo`): no role accounts.")
            return
        partner = deal.participations.filter(organisation__slug=DEMO_PARTNER).first()
        for name, label, global_role, deal_role in ROLE_ACCOUNTS:
            account, _ = self._account(name, password)
            if global_role:
                services.set_global_role(actor=None, user=account, role=global_role)
            if deal_role == DealMembership.Role.PARTNER and partner is None:
                continue
            if deal_role:
                services.grant_deal_role(
                    actor=None, user=account, deal=deal, role=deal_role,
                    organisation=partner.organisation if deal_role == "partner" else None,
                    reason="demo account",
                )
            self.stdout.write(f"  '{name}', same password: {label}")

    def _account(self, username, password, **flags):
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username)
        if created or not user.check_password(password):
            user.set_password(password)
        for name, value in flags.items():
            setattr(user, name, value)
        user.save()
        return user, created
