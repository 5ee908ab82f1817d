"""The import pages: upload, map the columns, check (with a preview of every row), import;
checking and importing run in the background with a progress bar (jobs.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import columns as C
from . import jobs, selectors
from .checking import guess_kind, guess_mapping
from .forms import MappingForm, UploadForm
from .models import ImportJob
from .reading import UnreadableFile
from .workbooks import template_workbook

COUNT_LABELS = {
    "deals": gettext_lazy("deals"), "organisations": gettext_lazy("organisations"),
    "participations": gettext_lazy("participations"), "pathway elements": gettext_lazy("pathway elements"),
    "indicators": gettext_lazy("indicators"), "targets": gettext_lazy("targets"),
    "measurements": gettext_lazy("measurements"), "links": gettext_lazy("links"),
    "assumptions": gettext_lazy("assumptions"), "evidence": gettext_lazy("evidence for assumptions"),
    "bottlenecks": gettext_lazy("bottlenecks"), "lessons": gettext_lazy("lessons"),
}


def labelled(counts):
    return [(COUNT_LABELS.get(k, k), n) for k, n in (counts or {}).items() if n]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _job(request, uuid):
    try:
        return selectors.job_for(request.user, uuid)
    except ImportJob.DoesNotExist:
        raise Http404(_("No such import.")) from None


def template(request, kind):
    if kind not in C.KINDS:
        raise Http404(_("No such template."))
    response = HttpResponse(template_workbook(C.KINDS[kind]), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="dealmonitor-{C.KINDS[kind].sheet.lower()}.xlsx"'
    return response


@login_required
def start(request):
    deals = list(selectors.importable_deals(request.user))
    form = UploadForm(request.POST or None, request.FILES or None, deals=deals)
    if request.method == "POST" and form.is_valid():
        try:
            job = jobs.create_job(user=request.user, upload=form.cleaned_data["file"],
                                  kind=form.cleaned_data["kind"], deal_id=form.cleaned_data["deal"])
        except UnreadableFile as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("imports:mapping", uuid=job.uuid)
    return render(request, "imports/start.html", {
        "form": form, "kinds": C.KINDS.values(), "jobs": selectors.jobs_of(request.user),
    }, status=400 if request.method == "POST" else 200)


@login_required
def mapping(request, uuid):
    job = _job(request, uuid)
    if job.status not in (ImportJob.Status.UPLOADED, ImportJob.Status.CHECKED, ImportJob.Status.FAILED):
        return redirect("imports:job", uuid=job.uuid)
    sheets = jobs.outline_of(job)  # parsed at upload: the file is not read again
    names = [s.name for s in sheets]
    chosen = request.POST.get("sheet") or job.sheet
    sheet = next((s for s in sheets if s.name == chosen), sheets[0])
    kind = C.KINDS[job.kind]
    initial = job.mapping if sheet.name == job.sheet else guess_mapping(kind, sheet.headers)
    form = MappingForm(request.POST or None, kind=kind, headers=sheet.headers, sheets=names,
                       initial_mapping=initial, sheet=sheet.name,
                       has_default_deal=bool(job.defaults.get("deal_id")))
    if request.method == "POST" and "sheet-only" not in request.POST and form.is_valid():
        jobs.set_mapping(job, sheet=sheet, mapping=form.mapping())
        jobs.start(job, "check")
        return redirect("imports:job", uuid=job.uuid)
    suggestion = guess_kind(sheet.headers)
    return render(request, "imports/mapping.html", {
        "job": job, "form": form, "kind": kind, "sheet": sheet,
        "sample": sheet.rows[:3],
        "other_kind": suggestion if suggestion and suggestion.key != kind.key else None,
    }, status=400 if request.method == "POST" and form.errors else 200)


@login_required
def job(request, uuid):
    job = jobs.notice_interruption(_job(request, uuid))
    context = {"job": job, "progress": jobs.read_progress(job)}
    if job.status in (ImportJob.Status.CHECKED, ImportJob.Status.FAILED, ImportJob.Status.DONE):
        results = jobs.read_results(job)
        context["problems"] = results["problems"]
        previews = results.get("previews") or []
        preview = previews[0] if previews else None
        if preview:
            page = Paginator(preview["rows"], jobs.PREVIEW_PAGE).get_page(request.GET.get("pagina"))
            context.update(preview=preview, page=page)
        context["counts"] = labelled(results.get("counts"))
    context["written"] = labelled(job.summary.get("written"))
    return render(request, "imports/job.html", context)


@login_required
def progress(request, uuid):
    """The progress bar alone (polled by htmx); once the job has finished, htmx is told to
    load the whole page, which then shows the result."""
    job = jobs.notice_interruption(_job(request, uuid))
    if not job.is_running and request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("imports:job", kwargs={"uuid": job.uuid})
        return response
    return render(request, "imports/partials/progress.html",
                  {"job": job, "progress": jobs.read_progress(job)})


@require_POST
@login_required
def run(request, uuid):
    job = _job(request, uuid)
    if job.status != ImportJob.Status.CHECKED or job.problem_count:
        messages.error(request, _("Only a file that passed the check without problems can be imported."))
        return redirect("imports:job", uuid=job.uuid)
    jobs.start(job, "import")
    return redirect("imports:job", uuid=job.uuid)
