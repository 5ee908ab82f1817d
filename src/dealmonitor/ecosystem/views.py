"""Needs and offers ("vraag en aanbod"): the programme's list, one post with its matches and
reasons (the poster marks them), and a deal's own posts with the form to post one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dealmonitor.deals import access
from dealmonitor.deals import rules as deal_rules
from dealmonitor.deals.access import deal_view
from dealmonitor.organisations.models import Organisation
from dealmonitor.ui.concurrency import guarded_post
from dealmonitor.ui.forms import add_service_errors

from . import rules, selectors, services
from .constants import Direction, Kind
from .forms import MarkForm, PostForm
from .matching import matches_for


def posts(request):
    rows = selectors.visible_posts(request.user).filter(is_open=True)
    direction = request.GET.get("soort", "")
    kind = request.GET.get("wat", "")
    if direction in Direction.values:
        rows = rows.filter(direction=direction)
    if kind in Kind.values:
        rows = rows.filter(kind=kind)
    return render(request, "ecosystem/posts.html", {
        "posts": rows[:200], "directions": Direction.choices, "kinds": Kind.choices,
        "direction": direction, "kind": kind, "figures": selectors.match_figures(request.user),
    })


@guarded_post
def post_detail(request, pk):
    post = selectors.visible_posts(request.user).filter(pk=pk).first()
    if post is None:
        raise Http404(_("Not found."))
    can_manage = rules.can_manage_post(request.user, post)
    if request.method == "POST":
        if not can_manage:
            access.require(request.user, deal_rules.can_edit_deal_data, post.deal)
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
    visible = set(selectors.visible_posts(request.user).values_list("pk", flat=True))
    found = [m for m in matches_for(post) if m.post.pk in visible]
    marks = selectors.marks_of(post) if post.direction == Direction.NEED else {}
    for match in found:
        match.mark = marks.get(match.post.pk)
    return render(request, "ecosystem/post_detail.html", {
        "post": post, "matches": found,
        "can_mark": can_manage and post.direction == Direction.NEED,
    })


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
            data = dict(form.cleaned_data)
            themes, organisation = data.pop("themes"), data.pop("organisation")
            try:
                post = services.save_post(actor=request.user, deal=deal, organisation=organisation,
                                          themes=themes, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Posted. The matches are below."))
                return redirect(post.get_absolute_url() + "#matches")
        status = 400
    elif can_post:
        form = PostForm(organisations=organisations,
                        initial={"organisation": organisations.first() if organisations.count() == 1 else None})
    return render(request, "ecosystem/deal_posts.html", {
        "deal": deal, "current": "ecosystem", "form": form,
        "posts": selectors.visible_posts(request.user).filter(deal=deal),
    }, status=status)
