from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from dealmonitor.ui.errors import favicon

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include(("dealmonitor.api.urls", "api"), namespace="v1")),
    path("favicon.ico", favicon, name="favicon"),
]
if settings.OIDC_ENABLED:
    # Single sign-on (OpenID Connect), only when configured; the provider calls back here.
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("account/", include("dealmonitor.accounts.urls")),
    path("organisaties/", include("dealmonitor.deals.urls_organisations")),
    path("importeren/", include("dealmonitor.imports.urls")),
    # One address tree per deal: every page of a deal is under /deals/<slug>/, whichever app
    # serves it (each app's urls.py has its programme pages and its deal pages); the
    # addresses they had before answer with a permanent redirect (deals/moved.py).
    path("", include("dealmonitor.workday.urls")),
    path("", include("dealmonitor.deals.urls")),
    path("", include("dealmonitor.impact.urls")),
    path("", include("dealmonitor.learning.urls")),
    path("", include("dealmonitor.connections.urls")),
    path("", include("dealmonitor.ecosystem.urls")),
    path("", include("dealmonitor.areas.urls")),
    path("", include("dealmonitor.reports.urls")),
    path("", include("dealmonitor.deals.moved")),
    path("", include("dealmonitor.learning.moved")),
    prefix_default_language=False,
)

# Uploaded files (evidence) are never served as static files: they live outside the web root
# and go through views that check who may read them.

# A request too large to read (body, fields, files) answers 413 with what to do instead.
handler400 = "dealmonitor.utils.bad_request.bad_request"
handler404 = "dealmonitor.api.views.not_found"
# A locked database (SQLite) answers 503 with Retry-After; any other error Django's 500 page.
handler500 = "dealmonitor.utils.database_busy.server_error"
