"""Downloads (workbooks, CSV, open data) and reports (HTML and PDF). Thin: the shaping is in
exports.py and documents.py, the scoping in access.py; deals are found, and permissions
checked, by the gateway (deals/access.py)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealmonitor.deals import access
from dealmonitor.deals import rules as deal_rules
from dealmonitor.deals.access import deal_view

from dealmonitor.utils.spreadsheets import csv_variant

from . import documents, exports, pdf_jobs
from .access import readable_deals
from .models import PortfolioPdf


def _may_export(request):
    """Portfolio-wide exports and the codebook are for the programme and evaluators
    (`can_export`)."""
    access.require(request.user, deal_rules.can_export)


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def index(request):
    return render(request, "reports/index.html", {
        "deals": readable_deals(request.user).order_by("name").only("slug", "name"),
        "can_export": deal_rules.can_export(request.user),
        "years": documents.report_years(),
        "csv_variants": _csv_links(request),
        "default_year": documents.default_year(),
        "pdf_job": pdf_jobs.latest_for(request.user),
        "keep_hours": settings.REPORT_PDF_KEEP_HOURS,
    })


def _csv_links(request):
    """Both CSV variants, named plainly; the one for the page's language first."""
    links = [("excel", _("CSV for Excel (semicolons, decimal comma)")),
             ("analyse", _("CSV for analysis (commas, decimal point)"))]
    first = csv_variant(None, getattr(request, "LANGUAGE_CODE", "nl")).key
    return sorted(links, key=lambda link: link[0] != first)


@deal_view(deal_rules.can_export_deal)
def deal_workbook(request, deal):
    return _download(exports.deal_workbook(request.user, deal), exports.XLSX,
                     f"{deal.slug}-{exports.stamp()}.xlsx")


def portfolio_workbook(request):
    _may_export(request)
    return _download(exports.portfolio_workbook(request.user), exports.XLSX,
                     f"portfolio-{exports.stamp()}.xlsx")


def _csv_variant(request):
    """`?csv=excel` (semicolons, decimal comma, byte-order mark) or `?csv=analyse` (commas,
    decimal point); without: the one for the page's language (utils/spreadsheets.py)."""
    return csv_variant(request.GET.get("csv"), getattr(request, "LANGUAGE_CODE", "nl"))


def long_csv(request):
    """One deal's measurements for whoever may read the deal; all of them for exporters."""
    deal = access.find_deal(request.user, request.GET["deal"]) if request.GET.get("deal") else None
    if deal is None:
        _may_export(request)
    variant = _csv_variant(request)
    verified_only = request.GET.get("geverifieerd") == "1"
    name = (f"metingen-{deal.slug if deal else 'portfolio'}-{exports.stamp()}"
            f"{'-geverifieerd' if verified_only else ''}-{variant.key}.csv")
    return _download(exports.long_csv(request.user, deal, variant, verified_only=verified_only),
                     "text/csv; charset=utf-8", name)


def codebook_csv(request):
    _may_export(request)
    variant = _csv_variant(request)
    return _download(exports.codebook_csv(variant), "text/csv; charset=utf-8",
                     f"codeboek-metingen-{variant.key}.csv")


def open_data(request):
    response = HttpResponse(exports.open_data(), content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@deal_view(deal_rules.can_export_deal)
def deal_report(request, deal, fmt="html"):
    verified_only = documents.verified_from(request)
    context = documents.deal_report(request.user, deal, year=documents.year_from(request),
                                    verified_only=verified_only)
    return documents.respond(request, "reports/deal_report.html", context, fmt,
                             f"jaarverslag-{deal.slug}-{context['year']}"
                             f"{'-geverifieerd' if verified_only else ''}")


def portfolio_report(request, fmt="html"):
    verified_only = documents.verified_from(request)
    context = documents.portfolio_report(request.user, year=documents.year_from(request),
                                         verified_only=verified_only)
    context["open_data_url"] = request.build_absolute_uri(reverse("reports:open_data"))
    return documents.respond(request, "reports/portfolio_report.html", context, fmt,
                             f"portfoliorapportage-{context['year']}"
                             f"{'-geverifieerd' if verified_only else ''}")


# The portfolio PDF in the background (pdf_jobs.py): the report of the deals the user may
# read, so for a signed-in user, followed and downloaded by that user alone.


@require_POST
@login_required
def portfolio_pdf_start(request):
    job = pdf_jobs.start(user=request.user, year=documents.year_from(request, request.POST),
                         language=getattr(request, "LANGUAGE_CODE", None) or "nl",
                         verified_only=documents.verified_from(request, request.POST))
    return redirect("reports:portfolio_pdf_job", uuid=job.uuid)


def _pdf_job(request, uuid):
    try:
        return pdf_jobs.notice_interruption(pdf_jobs.job_for(request.user, uuid))
    except PortfolioPdf.DoesNotExist:
        raise Http404(_("No such PDF (it may have been replaced or removed).")) from None


@login_required
def portfolio_pdf_job(request, uuid):
    """Where the PDF stands; while it is being made, htmx reloads the state every two
    seconds, and without scripts the page has a link to refresh it."""
    job = _pdf_job(request, uuid)
    template = ("reports/partials/pdf_job_state.html" if request.htmx
                else "reports/portfolio_pdf_job.html")
    return render(request, template, {
        "job": job, "keep_hours": settings.REPORT_PDF_KEEP_HOURS,
        "years": documents.report_years(),
    })


@login_required
def portfolio_pdf_download(request, uuid):
    job = _pdf_job(request, uuid)
    if job.status != PortfolioPdf.Status.DONE or not job.file:
        raise Http404(_("This PDF is not ready."))
    return FileResponse(job.file.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=f"portfoliorapportage-{job.year}"
                                 f"{'-geverifieerd' if job.verified_only else ''}.pdf")
