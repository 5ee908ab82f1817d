"""Needs and offers ("vraag en aanbod"): the programme's list, one post with its matches and
reasons (the poster marks them), its edit form (change or close it), a deal's own posts and an
organisation's own posts, each with the form to post one. A post is found through
ecosystem/access.py (a deal's post through the deal's gateway)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dealmonitor.deals import access
from dealmonitor.deals import rules as deal_rules
from dealmonitor.deals.access import deal_view
from dealmonitor.organisations.models import Organisation
from dealmonitor.ui.concurrency import guarded_post
from dealmonitor.ui.forms import add_service_errors
from dealmonitor.utils.change_reason import reason_shown

from . import rules, selectors, services
from .access import find_organisation, find_post
from .constants import Direction, Kind
from .forms import MarkForm, PostEditForm, PostForm
from .matching import matches_for


def posts(request):
    rows = selectors.visible_posts(request.user).filter(is_open=True)
    direction = request.GET.get("soort", "")
    kind = request.GET.get("wat", "")
    if direction in Direction.values:
        rows = rows.filter(direction=direction)
    if kind in Kind.values:
        rows = rows.filter(kind=kind)
    linked = Organisation.objects.filter(pk__in=rules.linked_organisation_ids(request.user)).order_by("name")
    return render(request, "ecosystem/posts.html", {
        "posts": rows[:200], "directions": Direction.choices, "kinds": Kind.choices,
        "direction": direction, "kind": kind, "figures": selectors.match_figures(request.user),
        "own_organisations": linked,
    })


def _history(post):
    rows = post.history.select_related("history_user").order_by("-history_id")[:20]
    kinds = {"+": _("posted"), "~": _("changed"), "-": _("removed")}
    return [{"date": h.history_date, "user": h.history_user, "type": kinds.get(h.history_type, h.history_type),
             "reason": reason_shown(h.history_change_reason),
             "is_open": h.is_open} for h in rows]


@guarded_post
def post_detail(request, pk):
    post = find_post(request.user, pk)
    can_manage = access.allowed(request.user, rules.can_manage_post, post)
    if request.method == "POST":
        access.require(request.user, rules.can_manage_post, post)
        form = MarkForm(request.POST)
        offer = None
        if form.is_valid():
            offer = selectors.visible_posts(request.user).filter(pk=form.cleaned_data["offer"]).first()
        if offer is None:
            messages.error(request, _("Choose an offer from the list."))
        else:
            try:
                services.mark_match(actor=request.user, need=post, offer=offer,
                                    status=form.cleaned_data["status"])
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Your mark has been saved."))
        return redirect(post.get_absolute_url() + "#matches")
    marks = selectors.marks_of(post) if post.direction == Direction.NEED else {}
    found = []
    if post.is_open:
        visible = set(selectors.visible_posts(request.user).values_list("pk", flat=True))
        found = [m for m in matches_for(post) if m.post.pk in visible]
        for match in found:
            match.mark = marks.get(match.post.pk)
    # a closed need keeps its marks (the poster sees what came of it), not the live matching
    kept = [m for m in marks.values() if not post.is_open or m.offer_id not in {f.post.pk for f in found}]
    return render(request, "ecosystem/post_detail.html", {
        "post": post, "matches": found, "kept_marks": kept if can_manage else [],
        "can_mark": can_manage and post.direction == Direction.NEED and post.is_open,
        "can_manage": can_manage, "history": _history(post) if can_manage else [],
    })


@guarded_post
def post_edit(request, pk):
    post = find_post(request.user, pk, rules.can_manage_post)
    status = 200
    if request.method == "POST":
        form = PostEditForm(request.POST, post=post)
        if form.is_valid():
            data = dict(form.cleaned_data)
            themes, reason = data.pop("themes"), data.pop("reason")
            data = {k: v for k, v in data.items() if k in services.POST_FIELDS}
            try:
                post = services.save_post(actor=request.user, deal=post.deal, organisation=post.organisation,
                                          post=post, themes=themes, reason=reason or "changed", **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved.") if post.is_open else
                                 _("The post is closed: it no longer appears in the matching."))
                return redirect(post.get_absolute_url())
        status = 400
    else:
        form = PostEditForm(post=post)
    return render(request, "ecosystem/post_edit.html", {"post": post, "form": form}, status=status)


def _post_with(request, form, *, deal, organisation):
    data = dict(form.cleaned_data)
    themes = data.pop("themes")
    organisation = data.pop("organisation", None) or organisation
    try:
        post = services.save_post(actor=request.user, deal=deal, organisation=organisation,
                                  themes=themes, **data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, _("Posted. The matches are below."))
    return redirect(post.get_absolute_url() + "#matches")


@guarded_post
@deal_view(detail=True)
def deal_posts(request, deal):
    can_post = access.allowed(request.user, rules.can_post_in_deal, deal)
    organisations = Organisation.objects.filter(participations__deal=deal).order_by("name")
    if can_post and not deal_rules.can_edit_deal_data(request.user, deal):
        organisations = organisations.filter(pk__in=deal_rules.partner_organisations(request.user, deal))
    form, status = None, 200
    if request.method == "POST":
        access.require(request.user, rules.can_post_in_deal, deal)
        form = PostForm(request.POST, organisations=organisations)
        if form.is_valid():
            done = _post_with(request, form, deal=deal, organisation=None)
            if done:
                return done
        status = 400
    elif can_post:
        form = PostForm(organisations=organisations,
                        initial={"organisation": organisations.first() if organisations.count() == 1 else None})
    return render(request, "ecosystem/deal_posts.html", {
        "deal": deal, "current": "ecosystem", "form": form,
        "posts": selectors.visible_posts(request.user).filter(deal=deal),
    }, status=status)


@guarded_post
def organisation_posts(request, organisation):
    """What an organisation needs and offers itself, outside a deal; the form for the users
    linked to it (and programme administrators)."""
    org, own, can_post = find_organisation(request.user, organisation)
    form, status = None, 200
    if request.method == "POST":
        access.require(request.user, rules.can_post_for_organisation, org)
        form = PostForm(request.POST)
        if form.is_valid():
            done = _post_with(request, form, deal=None, organisation=org)
            if done:
                return done
        status = 400
    elif can_post:
        form = PostForm()
    return render(request, "ecosystem/organisation_posts.html", {
        "organisation": org, "form": form, "posts": own,
    }, status=status)
