from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """The project's own user model.

    Two global roles live on the user: the programme administrator (`is_staff`, Django's own
    flag, which also opens the admin) and the evaluator (`is_evaluator`: reads every deal,
    internals included, and exports). Roles in one deal are `DealMembership` rows.
    See docs/decisions/0004-roles.md.
    """

    is_evaluator = models.BooleanField(
        _("evaluator"), default=False,
        help_text=_("Reads every deal, internal fields included, and may export; changes nothing."),
    )

    oidc_subject = models.CharField(
        _("single sign-on subject"), max_length=255, null=True, blank=True, unique=True,
        editable=False,
        help_text=_("The stable identifier the OpenID Connect provider gives this person."),
    )

    class Meta:
        db_table = "accounts_user"
        # a Meta of its own drops AbstractUser's, so the admin said "Users" on Dutch pages
        verbose_name = _("user")
        verbose_name_plural = _("users")


class DealMembership(models.Model):
    """A user's role in one deal.

    - dealmaker: the ministry's liaison for the deal; reads its internals and edits it;
    - team: project leader or secretary; edits the deal;
    - partner: a member of one partner organisation (`organisation`, required); enters that
      organisation's measurements and self-assessment answers and reads the rest of the deal.
    """

    class Role(models.TextChoices):
        DEALMAKER = "dealmaker", _("dealmaker")
        TEAM = "team", _("deal team")
        PARTNER = "partner", _("partner member")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="deal_memberships", verbose_name=_("user")
    )
    deal = models.ForeignKey(
        "deals.Deal", on_delete=models.CASCADE, related_name="memberships", verbose_name=_("deal")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.CASCADE,
        related_name="+", verbose_name=_("organisation"),
        help_text=_("For a partner member: the organisation they enter data for."),
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "deal", "role"], condition=~models.Q(role="partner"),
                name="unique_deal_membership",
            ),
            models.UniqueConstraint(
                fields=["user", "deal", "organisation"], condition=models.Q(role="partner"),
                name="unique_partner_membership",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="partner") | models.Q(organisation__isnull=False),
                name="partner_membership_has_organisation",
            ),
        ]
        verbose_name = _("deal role")
        verbose_name_plural = _("deal roles")

    def __str__(self):
        label = self.get_role_display()
        if self.organisation_id:
            label = f"{label}, {self.organisation}"
        return f"{self.user} – {self.deal} ({label})"

    def clean(self):
        errors = {}
        if self.role == self.Role.PARTNER:
            if not self.organisation_id:
                errors["organisation"] = _("A partner member belongs to a partner organisation.")
            elif self.deal_id and not self.deal.participations.filter(
                organisation_id=self.organisation_id
            ).exists():
                errors["organisation"] = _("This organisation is not a partner of the deal.")
        elif self.organisation_id:
            errors["organisation"] = _("Only a partner member has an organisation.")
        if errors:
            raise ValidationError(errors)


class NotificationPreferences(models.Model):
    """What e-mail a user receives, and in which language (the profile page). A user without
    a row receives the defaults below."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="notification_preferences",
        verbose_name=_("user"),
    )
    round_invitations = models.BooleanField(
        _("invitations to self-assessment rounds"), default=True,
        help_text=_("When a round opens in a deal you have a role in."),
    )
    measurement_reminders = models.BooleanField(
        _("reminders of measurements due"), default=True,
        help_text=_("Once per reporting period, for indicators without a measurement."),
    )
    bottleneck_notices = models.BooleanField(
        _("bottlenecks reported"), default=True,
        help_text=_("As a deal's dealmaker (the ministry's contact): when the deal reports a bottleneck."),
    )
    weekly_digest = models.BooleanField(
        _("weekly digest"), default=False,
        help_text=_("On Mondays: what is due in your deals."),
    )
    language = models.CharField(
        _("language of the e-mails"), max_length=10, default="nl",
        choices=[("nl", _("Dutch")), ("en", _("English"))],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)
