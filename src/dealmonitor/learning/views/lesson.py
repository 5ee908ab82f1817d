"""Lessons: the library with search, one lesson, record and edit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dealmonitor.deals import access
from dealmonitor.deals.access import deal_view
from dealmonitor.ui.concurrency import guarded_post
from dealmonitor.ui.pagination import paginate

from .. import selectors, services
from ..forms import (
    LessonForm,
    LessonSearchForm,
)
from .common import can_edit_learning, form_errors, may_edit


# Lessons ----------------------------------------------------------------------------------


LESSONS_PER_PAGE = 25


def lesson_list(request):
    form = LessonSearchForm(request.GET or None, themes=selectors.lesson_themes())
    params = {"q": "", "phase": "", "theme": None, "kind": ""}
    if form.is_bound and form.is_valid():
        params.update({k: v for k, v in form.cleaned_data.items() if v})
    lessons = selectors.lesson_library_lazily(request.user, **params)
    page = paginate(request, lessons, per_page=LESSONS_PER_PAGE)
    return render(request, "learning/lesson_list.html", {
        "form": form, "lessons": page.object_list, "page": page, "query": params["q"],
        "searched": any(v for k, v in request.GET.items() if k != "page"),
    })


@deal_view()
def lesson_detail(request, deal, pk):
    lesson = access.find_row(request.user, selectors.lesson_detail_rows(request.user), pk, deal=deal)
    return render(request, "learning/lesson_detail.html", {
        "lesson": lesson, "deal": lesson.deal, "can_edit": can_edit_learning(request, lesson.deal),
    })


def _lesson_form(request, deal, lesson=None):
    may_edit(request, deal)
    form = LessonForm(request.POST or None, instance=lesson, deal=deal)
    if request.method == "POST" and form.is_valid():
        data, links = form.service_fields()
        try:
            saved = services.save_lesson(actor=request.user, deal=deal, lesson=lesson, **data, **links)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The lesson has been saved."))
            return redirect(saved.get_absolute_url())
    return render(request, "learning/form.html", {
        "deal": deal, "form": form,
        "title": _("Edit lesson") if lesson else _("Record a lesson"),
        "button": _("Save lesson"),
        "back": lesson.get_absolute_url() if lesson else reverse("learning:deal", args=[deal.slug]),
    }, status=400 if form.errors else 200)


@guarded_post
@deal_view()
def lesson_create(request, deal):
    return _lesson_form(request, deal)


@guarded_post
@deal_view()
def lesson_edit(request, deal, pk):
    lesson = access.find_row(request.user, selectors.visible_lessons(request.user), pk, deal=deal)
    return _lesson_form(request, deal, lesson)
