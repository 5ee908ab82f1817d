from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """The project's own user model, so that roles and organisations can be added later
    without a painful swap (Django's advice for every new project)."""

    class Meta:
        db_table = "accounts_user"


class DealMembership(models.Model):
    """A user's place in a deal: in its team (project leader, secretary) or as a member of a
    partner organisation. The roles issue builds the full role model on this."""

    class Role(models.TextChoices):
        TEAM = "team", _("deal team")
        PARTNER = "partner", _("partner member")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="deal_memberships")
    deal = models.ForeignKey("deals.Deal", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.CASCADE,
        related_name="+", verbose_name=_("organisation"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "deal", "role"], name="unique_deal_membership")
        ]
        verbose_name = _("deal membership")
        verbose_name_plural = _("deal memberships")

    def __str__(self):
        return f"{self.user} – {self.deal} ({self.role})"
