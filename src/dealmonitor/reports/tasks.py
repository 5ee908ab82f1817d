"""The portfolio PDF as a background task (Django's task framework; decision 0007): at 10,000
deals it is more work than a request should do. The task renders the same document as the
page (`documents.portfolio_report`, `documents.respond`) for the user who asked, in their
language, into MEDIA_ROOT/reports/ (not served: a view hands it to that user), and returns
the file's path relative to MEDIA_ROOT. Its arguments are ids and plain values, so any
backend can carry it."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from . import documents


@task()
def portfolio_pdf(user_id, year, language="nl"):
    user = get_user_model().objects.get(pk=user_id)
    request = RequestFactory().get("/", HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0])
    request.user = user
    with translation.override(language):
        request.LANGUAGE_CODE = language
        context = documents.portfolio_report(user, year=year)
        context["open_data_url"] = request.build_absolute_uri(reverse("reports:open_data"))
        response = documents.respond(request, "reports/portfolio_report.html", context, "pdf",
                                     "portfolio.pdf")
    name = Path("reports") / f"portfolio-{uuid.uuid4().hex}.pdf"
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(response.content)
    return str(name)
