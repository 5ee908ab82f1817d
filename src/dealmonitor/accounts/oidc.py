"""Single sign-on with OpenID Connect (mozilla-django-oidc), off unless configured.

An operator turns it on by setting OIDC_RP_CLIENT_ID and the provider's endpoints in the
environment (docs/configuration.md#single-sign-on). A person who signs in through the provider
is recognised by the provider's stable subject (`sub`), never by e-mail address (addresses
change and are reused); the first time, an account is made for them without any role: they
see what the public sees until the programme administrator gives them a role.
"""

import logging
import re

import requests
from django.contrib.auth import get_user_model
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

logger = logging.getLogger(__name__)


class SubjectOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        """A provider that refuses the code or the client (a used code, a wrong secret) or
        cannot be reached means: not signed in, back to the sign-in page; not an error page."""
        try:
            return super().authenticate(request, **kwargs)
        except requests.RequestException as exc:
            logger.warning("OpenID Connect sign-in failed at the provider: %s", exc)
            return None

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(oidc_subject=claims["sub"])

    def describe_user_by_claims(self, claims):
        return f"subject {claims.get('sub')}"

    def create_user(self, claims):
        user = self.UserModel.objects.create_user(
            self._free_username(claims), email=claims.get("email", ""),
            first_name=claims.get("given_name", "")[:150], last_name=claims.get("family_name", "")[:150],
        )
        user.oidc_subject = claims["sub"]
        user.save(update_fields=["oidc_subject"])
        return user

    def update_user(self, user, claims):
        changed = []
        for field, claim in (("email", "email"), ("first_name", "given_name"),
                             ("last_name", "family_name")):
            value = (claims.get(claim) or "")[:150 if field != "email" else 254]
            if value and getattr(user, field) != value:
                setattr(user, field, value)
                changed.append(field)
        if changed:
            user.save(update_fields=changed)
        return user

    def _free_username(self, claims):
        """The provider's preferred username (or the e-mail's name), made unique here."""
        wanted = claims.get("preferred_username") or (claims.get("email") or "").split("@")[0]
        base = re.sub(r"[^\w.@+-]", "", wanted)[:140] or "sso"
        User = get_user_model()
        name, n = base, 1
        while User.objects.filter(username=name).exists():
            n += 1
            name = f"{base}{n}"
        return name
