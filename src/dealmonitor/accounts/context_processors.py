from django.conf import settings


def sign_in(request):
    """Whether single sign-on is offered (OIDC configured), and the provider's name."""
    return {
        "oidc_enabled": getattr(settings, "OIDC_ENABLED", False),
        "oidc_provider_name": getattr(settings, "OIDC_PROVIDER_NAME", ""),
    }
