"""The permission matrix: every page and API endpoint, for every role, on the role's own deal,
on another (unpublished) deal and on a published deal, reading (GET) and writing (POST).

How to read it
--------------
`POLICIES` writes down the expected outcome of every cell once per kind of access, as a small
table: one line per role, one column per deal (`own`: the deal the partner member, the deal
team and the dealmaker have their role in, unpublished; `other`: an unpublished deal nobody in
the test has a role in; `published`: a published deal nobody has a role in). Pages that do not
belong to one deal have a single column. The outcomes:

- `ok`   allowed: the page or data comes back (for a write: the request reaches the form or
         the service, which may still reject the data: 200, 201, 302 elsewhere, 400);
- `no`   refused: 401 or 403, or a redirect to a sign-in page;
- `404`  the thing does not exist for this user (a deal or row they may not read);
- `405`  the address takes no such request (GET on a POST-only address, POST on the API's
         read-only endpoints).

`MATRIX` gives every URL name of the project its row: how to build the address for each deal,
and which policy its GET and its POST follow (`write=None`: a page without a write; its POST
is not requested).

Every page read that comes back `ok` is also searched for what the role may not know: the
names of deals it may not read and the internal data (deals/internal.py) of deals whose
internals it may not see (canaries in tests/world.py). So no cell leaks, not even through a
list or a count on another page.

Adding a page or an endpoint
----------------------------
`test_every_url_has_a_row` fails for a URL name without a row and says what to add. Add a row
to `MATRIX` with an existing policy (or a new one, written out for every role), then run
`pytest src/dealmonitor/accounts/tests/test_permission_matrix.py`. A failing cell names the
URL, the role, the deal, what was expected and what came back.
"""

from dataclasses import dataclass, field
from typing import Callable

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .world import DEALS, ROLES, build_world, internal_canaries, populate

OK, NO, HIDDEN, NOT_ALLOWED = "ok", "no", "404", "405"


def grid(text):
    """A policy table: `role outcome [outcome outcome]` per line -> {role: (outcomes...)}."""
    table = {}
    for line in text.strip().splitlines():
        role, *cells = line.split()
        assert role in ROLES and cells, f"bad policy line: {line!r}"
        table[role] = tuple(cells)
    assert set(table) == set(ROLES), f"a policy needs a line for every role: {sorted(table)}"
    return table


POLICIES = {
    # Pages anyone may use, whoever they are (the portfolio, lists, sign-in).
    "anyone": grid("""
        public      ok
        signed_in   ok
        partner     ok
        team        ok
        dealmaker   ok
        evaluator   ok
        admin       ok
    """),
    # Reading a deal (and its public data): members read their own deal, everyone reads a
    # published deal, an unpublished deal of others does not exist.
    "read deal": grid("""
        public      404 404 ok
        signed_in   404 404 ok
        partner     ok  404 ok
        team        ok  404 ok
        dealmaker   ok  404 ok
        evaluator   ok  ok  ok
        admin       ok  ok  ok
    """),
    # A page of internal data (self-assessment results, an evidence file): refused where the
    # deal can be read but its internals not.
    "read internal page": grid("""
        public      404 404 no
        signed_in   404 404 no
        partner     ok  404 no
        team        ok  404 no
        dealmaker   ok  404 no
        evaluator   ok  ok  ok
        admin       ok  ok  ok
    """),
    # A row that is internal as a whole (an unresolved bottleneck, a lesson for the deal
    # only): it does not exist for who may not see the deal's internals.
    "read internal row": grid("""
        public      404 404 404
        signed_in   404 404 404
        partner     ok  404 404
        team        ok  404 404
        dealmaker   ok  404 404
        evaluator   ok  ok  ok
        admin       ok  ok  ok
    """),
    # Changing a deal's data: its team, its dealmaker and the programme administrator.
    "edit deal": grid("""
        public      404 404 no
        signed_in   404 404 no
        partner     no  404 no
        team        ok  404 no
        dealmaker   ok  404 no
        evaluator   no  no  no
        admin       ok  ok  ok
    """),
    # Changing a deal's data through the API (a deal's areas, api/areas.py): as "edit deal",
    # but a write without credentials answers 401 before the deal is looked up.
    "api edit deal": grid("""
        public      no  no  no
        signed_in   404 404 no
        partner     no  404 no
        team        ok  404 no
        dealmaker   ok  404 no
        evaluator   no  no  no
        admin       ok  ok  ok
    """),
    # Changing an internal row: as "edit deal", but the row does not exist for who may not
    # see the deal's internals.
    "edit internal row": grid("""
        public      404 404 404
        signed_in   404 404 404
        partner     no  404 404
        team        ok  404 404
        dealmaker   ok  404 404
        evaluator   no  no  no
        admin       ok  ok  ok
    """),
    # Entering measurements and self-assessment answers: the partner member too (for its own
    # organisation; the services check that).
    "partner input": grid("""
        public      404 404 no
        signed_in   404 404 no
        partner     ok  404 no
        team        ok  404 no
        dealmaker   ok  404 no
        evaluator   no  no  no
        admin       ok  ok  ok
    """),
    # Posting needs and offers for an organisation itself, outside a deal (ecosystem/rules.py):
    # the users linked to it (a partner member of it) and the programme administrator; the
    # page is read with the organisation (readable with a deal it takes part in).
    "organisation's own post": grid("""
        public      404 404 no
        signed_in   404 404 no
        partner     ok  404 no
        team        no  404 no
        dealmaker   no  404 no
        evaluator   no  no  no
        admin       ok  ok  ok
    """),
    # The programme's own work (Community of Practice events).
    "programme admin": grid("""
        public      no
        signed_in   no
        partner     no
        team        no
        dealmaker   no
        evaluator   no
        admin       ok
    """),
    # Pages for every signed-in user (e.g. the spreadsheet import).
    "signed in": grid("""
        public      no
        signed_in   ok
        partner     ok
        team        ok
        dealmaker   ok
        evaluator   ok
        admin       ok
    """),
    # One user's own import (a job of the deal team's user in the world): its owner and the
    # programme administrator; for anyone else it does not exist.
    "own import": grid("""
        public      no
        signed_in   404
        partner     404
        team        ok
        dealmaker   404
        evaluator   404
        admin       ok
    """),
    # One user's own portfolio PDF (made in the background for the deal team's user in the
    # world): it holds what its owner may read, so for anyone else it does not exist.
    "own pdf": grid("""
        public      no
        signed_in   404
        partner     404
        team        ok
        dealmaker   404
        evaluator   404
        admin       404
    """),
    # Exports of the whole portfolio and the codebook (can_export): the programme and
    # evaluators.
    "exporters": grid("""
        public      no
        signed_in   no
        partner     no
        team        no
        dealmaker   no
        evaluator   ok
        admin       ok
    """),
    # Creating through the API: the public may not; for a signed-in user the request reaches
    # the serializer and the service (an empty body: 400), which apply the rules per deal
    # (tested in api/tests/test_resources.py).
    "api create": grid("""
        public      no
        signed_in   ok
        partner     ok
        team        ok
        dealmaker   ok
        evaluator   ok
        admin       ok
    """),
    # The Django admin: the programme administrator only.
    "admin site": grid("""
        public      no
        signed_in   no
        partner     no
        team        no
        dealmaker   no
        evaluator   no
        admin       ok
    """),
    "admin site per deal": grid("""
        public      no  no  no
        signed_in   no  no  no
        partner     no  no  no
        team        no  no  no
        dealmaker   no  no  no
        evaluator   no  no  no
        admin       ok  ok  ok
    """),
    # The address takes no such request, from anyone: GET on a POST-only address (refused
    # before anything is read), POST on the OpenAPI document.
    "no such method": grid("""
        public      405
        signed_in   405
        partner     405
        team        405
        dealmaker   405
        evaluator   405
        admin       405
    """),
    "no such method per deal": grid("""
        public      405 405 405
        signed_in   405 405 405
        partner     405 405 405
        team        405 405 405
        dealmaker   405 405 405
        evaluator   405 405 405
        admin       405 405 405
    """),
    # The API's read-only endpoints: the public may not write, signed-in users find no write.
    "api no write": grid("""
        public      no
        signed_in   405
        partner     405
        team        405
        dealmaker   405
        evaluator   405
        admin       405
    """),
    "api no write per deal": grid("""
        public      no  no  no
        signed_in   405 405 405
        partner     405 405 405
        team        405 405 405
        dealmaker   405 405 405
        evaluator   405 405 405
        admin       405 405 405
    """),
}

# What each role may know of each deal: `-` nothing (not even its name), `public` its public
# data, `internal` everything. The leak check of every page read follows this table.
KNOWS = grid("""
    public      -         -         public
    signed_in   -         -         public
    partner     internal  -         public
    team        internal  -         public
    dealmaker   internal  -         public
    evaluator   internal  internal  internal
    admin       internal  internal  internal
""")


# Rows -------------------------------------------------------------------------------------


@dataclass
class Case:
    """One address of a URL name. `url(world, deal_key)` builds it (deal_key is None for a
    page that does not belong to a deal); `read` and `write` name the policies of its GET and
    its POST (None: not requested)."""

    url: Callable
    read: str | None
    write: str | None = None
    data: dict = field(default_factory=dict)
    label: str = ""
    fresh_client: bool = False  # e.g. signing out: do not spoil the role's signed-in client


def page(name, **kwargs):
    return lambda world, key: reverse(name, kwargs=kwargs or None)


def of_deal(name, **kwargs):
    return lambda world, key: reverse(name, kwargs={"slug": world.deals[key].slug, **kwargs})


def of_measurement(name):
    def build(world, key):
        measurement = world.objects[key]["measurement"]
        return reverse(name, kwargs={"slug": world.deals[key].slug, "pk": measurement.indicator_id,
                                     "mid": measurement.pk})
    return build


def of_object(name, obj, with_slug=False):
    def build(world, key):
        kwargs = {"pk": world.objects[key][obj].pk}
        if with_slug:
            kwargs["slug"] = world.deals[key].slug
        return reverse(name, kwargs=kwargs)

    return build


def participation_page(name):
    def build(world, key):
        from dealmonitor.deals.models import Participation

        row = Participation.objects.get(deal=world.deals[key], organisation=world.organisations[key])
        return reverse(name, kwargs={"slug": world.deals[key].slug, "pk": row.pk})

    return build


def area_page(world, key):
    """A municipality's page; the areas are loaded again (a browser test may have emptied the
    tables the migration filled)."""
    from dealmonitor.areas.services import sync_municipalities

    sync_municipalities()
    return reverse("areas:detail", kwargs={"code": "GM0518"})


def _figure():
    """A figure about a municipality (made once), for the API's figure, topic and source."""
    import datetime as dt

    from dealmonitor.areas.models import Area, Figure, FigureSource, Topic
    from dealmonitor.areas.services import sync_municipalities

    figure = Figure.objects.first()
    if figure is None:
        sync_municipalities()
        source = FigureSource.objects.create(title="Kerncijfers", retrieved_on=dt.date(2026, 1, 1))
        figure = Figure.objects.create(
            area=Area.objects.get(code="GM0518"), topic=Topic.objects.create(name="Inwoners"),
            period_start=dt.date(2024, 1, 1), period_end=dt.date(2024, 12, 31), period_label="2024",
            value=1, source=source)
    return figure


def post_page(world, key):
    """A public need of the deal's own organisation (created once per world)."""
    from dealmonitor.ecosystem.models import Post

    post, _new = Post.objects.get_or_create(
        deal=world.deals[key], organisation=world.organisations[key], direction="vraag",
        kind="kennis", defaults={"title": f"Vraag {key}", "text": "Kennis gezocht.",
                                 "visibility": "openbaar"})
    return reverse("ecosystem:detail", kwargs={"pk": post.pk})


def post_page_named(name):
    def build(world, key):
        return reverse(name, kwargs={"pk": int(post_page(world, key).rstrip("/").rsplit("/", 1)[1])})

    return build


def default_template_page(world, key):
    from dealmonitor.learning.models import AssessmentTemplate

    template = AssessmentTemplate.objects.filter(is_default=True).order_by("-version").first()
    return reverse("learning:template_version", kwargs={"pk": template.pk})


def of_organisation(name, kwarg="slug"):
    return lambda world, key: reverse(name, kwargs={kwarg: world.organisations[key].slug})


def event_page(world, key):
    return reverse("connections:event", kwargs={"pk": world.event.pk})


def decide_url(world, key):
    # Decide on the pair (this deal, a spare published deal nobody has a role in).
    return reverse("connections:decide",
                   kwargs={"slug": world.deals[key].slug, "other": world.deals["spare"].slug})


def pdf_job(name):
    """A ready portfolio PDF of the deal team's user (made again when a POST of the matrix
    started the user's next one, which replaces it)."""
    def build(world, key):
        from django.core.files.base import ContentFile

        from dealmonitor.reports.models import PortfolioPdf

        job = getattr(world, "pdf_job", None)
        if job is None or not PortfolioPdf.objects.filter(pk=job.pk).exists():
            job = PortfolioPdf(user=world.users["team"], year=2025, language="nl", status="done")
            job.file.save("portfolio-matrix.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
            job.save()
            world.pdf_job = job
        return reverse(name, kwargs={"uuid": job.uuid})

    return build


def import_job(name):
    """An import the deal team's user uploaded (one per world, made on first use)."""
    def build(world, key):
        job = getattr(world, "import_job", None)
        if job is None:
            from django.core.files.base import ContentFile

            from dealmonitor.imports.models import ImportJob

            job = ImportJob(user=world.users["team"], filename="metingen.csv", kind="measurements")
            job.file.save("metingen.csv", ContentFile(b"deal_id;indicator;datum;waarde\n"), save=False)
            job.save()
            world.import_job = job
        return reverse(name, kwargs={"uuid": job.uuid})

    return build


def restore_url(world, key):
    # Putting back the creation of the deal's indicator: refused with a message, after the
    # permission check.
    indicator = world.objects[key]["indicator"]
    record = indicator.history.earliest("history_id")
    return reverse("deals:restore_change",
                   args=[world.deals[key].slug, "impact.indicator", record.history_id])


def admin_deal(world, key):
    return reverse("admin:deals_deal_change", args=[world.deals[key].pk])


MATRIX = {
    # the frame
    "set_language": Case(page("set_language"), read="anyone", write="anyone",
                         data={"language": "nl", "next": "/"}),
    "accounts:login": Case(page("accounts:login"), read="anyone", write="anyone"),
    "accounts:logout": Case(page("accounts:logout"), read="no such method", write="anyone",
                            fresh_client=True),
    "favicon": Case(page("favicon"), read="anyone"),
    "accounts:profile": Case(page("accounts:profile"), read="signed in", write="signed in"),
    # Mijn deals and a new deal (workday)
    "workday:mine": Case(page("workday:mine"), read="signed in"),
    "workday:new_deal": Case(page("workday:new_deal"), read="programme admin",
                             write="programme admin"),
    # deals
    "deals:portfolio": Case(page("deals:portfolio"), read="anyone"),
    "deals:detail": Case(of_deal("deals:detail"), read="read deal"),
    "deals:change_phase": Case(of_deal("deals:change_phase"), read="no such method per deal",
                               write="edit deal"),
    # the change log shows internal values: for who may see the deal's internals
    "deals:change_log": Case(of_deal("deals:change_log"), read="read internal page"),
    "deals:restore_change": Case(restore_url, read="no such method per deal", write="edit deal"),
    # a deal's partners: the team manages them, a partner member its own commitment and contact
    "deals:partners": Case(of_deal("deals:partners"), read="read deal", write="edit deal"),
    "deals:organisation_options": Case(of_deal("deals:organisation_options"), read="edit deal"),
    "deals:partner_edit": Case(participation_page("deals:partner_edit"), read="edit deal",
                               write="edit deal"),
    "deals:partner_commitment": Case(participation_page("deals:partner_commitment"),
                                     read="partner input", write="partner input"),
    # organisations: readable with a deal they take part in (each deal has its own here)
    "organisations:list": Case(page("organisations:list"), read="anyone"),
    "organisations:detail": Case(of_organisation("organisations:detail"), read="read deal"),
    # keeping the register clean: likely duplicates, merging, undoing a merge
    "organisations:duplicates": Case(page("organisations:duplicates"), read="programme admin"),
    "organisations:merge": Case(page("organisations:merge"), read="no such method",
                                write="programme admin"),
    "organisations:undo_merge": Case(page("organisations:undo_merge", pk=999999),
                                     read="no such method", write="programme admin"),
    # impact
    "impact:pathway": Case(of_deal("impact:pathway"), read="read deal", write="edit deal"),
    "impact:effects": Case(of_deal("impact:effects"), read="read deal", write="edit deal"),
    "impact:dashboard": Case(of_deal("impact:dashboard"), read="read deal"),
    "impact:indicators": Case(of_deal("impact:indicators"), read="read deal"),
    "impact:indicator_create": Case(of_deal("impact:indicator_create"), read="edit deal",
                                    write="edit deal"),
    "impact:indicator": Case(of_object("impact:indicator", "indicator", with_slug=True),
                             read="read deal"),
    "impact:indicator_edit": Case(of_object("impact:indicator_edit", "indicator", with_slug=True),
                                  read="edit deal", write="edit deal"),
    "impact:indicator_targets": Case(
        of_object("impact:indicator_targets", "indicator", with_slug=True),
        read="edit deal", write="edit deal",
    ),
    "impact:measurement_create": Case(
        of_object("impact:measurement_create", "indicator", with_slug=True),
        read="partner input", write="partner input",
    ),
    # correcting, withdrawing, verifying and sending back a measurement: the world's
    # measurement was not reported by the partner member, so only the deal team may (the
    # author's own right is tested in impact/tests/test_corrections.py)
    **{name: Case(of_measurement(name), read=read, write="edit deal") for name, read in (
        ("impact:measurement_edit", "edit deal"), ("impact:measurement_withdraw", "edit deal"),
        ("impact:measurement_verify", "edit deal"), ("impact:measurement_send_back", "edit deal"))},
    "impact:performance": Case(of_deal("impact:performance"), read="read deal"),
    "impact:performance_export": Case(of_deal("impact:performance_export", fmt="csv"),
                                      read="read deal"),
    "impact:evidence": Case(of_object("impact:evidence", "measurement"), read="read internal page"),
    # learning: the programme's pages
    "learning:programme": Case(page("learning:programme"), read="anyone"),
    "learning:evidence_gaps": Case(page("learning:evidence_gaps"), read="anyone"),
    "learning:key_persons": Case(page("learning:key_persons"), read="anyone"),
    "learning:bottlenecks": Case(page("learning:bottlenecks"), read="anyone"),
    "learning:lessons": Case(page("learning:lessons"), read="anyone"),
    "learning:templates": Case(page("learning:templates"), read="anyone"),
    "learning:template_version": Case(default_template_page, read="programme admin",
                                      write="programme admin"),
    # learning: one deal's
    "learning:bottleneck": [
        Case(of_object("learning:bottleneck", "resolved_bottleneck", with_slug=True), label="resolved",
             read="read deal", write="edit deal"),
        Case(of_object("learning:bottleneck", "bottleneck", with_slug=True), label="not resolved",
             read="read internal row", write="edit internal row"),
    ],
    "learning:bottleneck_edit": [
        Case(of_object("learning:bottleneck_edit", "resolved_bottleneck", with_slug=True), label="resolved",
             read="edit deal", write="edit deal"),
        Case(of_object("learning:bottleneck_edit", "bottleneck", with_slug=True), label="not resolved",
             read="edit internal row", write="edit internal row"),
    ],
    "learning:lesson": [
        Case(of_object("learning:lesson", "lesson", with_slug=True), label="for the programme", read="read deal"),
        Case(of_object("learning:lesson", "internal_lesson", with_slug=True), label="for the deal only",
             read="read internal row"),
    ],
    "learning:lesson_edit": [
        Case(of_object("learning:lesson_edit", "lesson", with_slug=True), label="for the programme",
             read="edit deal", write="edit deal"),
        Case(of_object("learning:lesson_edit", "internal_lesson", with_slug=True), label="for the deal only",
             read="edit internal row", write="edit internal row"),
    ],
    "learning:round": Case(of_object("learning:round", "round", with_slug=True), read="read internal page"),
    "learning:round_answer": Case(of_object("learning:round_answer", "round", with_slug=True),
                                  read="partner input", write="partner input"),
    "learning:round_close": Case(of_object("learning:round_close", "round", with_slug=True), read="edit deal",
                                 write="edit deal"),
    "learning:milestone_edit": Case(of_object("learning:milestone_edit", "milestone", with_slug=True),
                                    read="edit deal", write="edit deal"),
    "learning:experiment_edit": Case(of_object("learning:experiment_edit", "experiment", with_slug=True),
                                     read="edit deal", write="edit deal"),
    "learning:adoption_create": Case(of_object("learning:adoption_create", "deliverable", with_slug=True),
                                     read="edit deal", write="edit deal"),
    "learning:deal": Case(of_deal("learning:deal"), read="read deal"),
    "learning:bottleneck_create": Case(of_deal("learning:bottleneck_create"), read="edit deal",
                                       write="edit deal"),
    "learning:lesson_create": Case(of_deal("learning:lesson_create"), read="edit deal",
                                   write="edit deal"),
    "learning:round_open": Case(of_deal("learning:round_open"), read="edit deal",
                                write="edit deal"),
    "learning:uptake_create": Case(of_deal("learning:uptake_create"), read="edit deal",
                                   write="edit deal"),
    "learning:deliverable_create": Case(of_deal("learning:deliverable_create"), read="edit deal",
                                        write="edit deal"),
    "learning:scaling_plan": Case(of_deal("learning:scaling_plan"), read="read deal",
                                  write="edit deal"),
    "learning:start_conversation": Case(of_deal("learning:start_conversation"), read="read deal",
                                        write="edit deal"),
    "learning:milestone_create": Case(of_deal("learning:milestone_create"), read="edit deal",
                                      write="edit deal"),
    "learning:experiment_create": Case(of_deal("learning:experiment_create"), read="edit deal",
                                       write="edit deal"),
    # connections
    "connections:overview": Case(page("connections:overview"), read="anyone"),
    "connections:network": Case(page("connections:network"), read="anyone"),
    "connections:deal": Case(of_deal("connections:deal"), read="read deal"),
    "connections:decide": Case(decide_url, read="no such method per deal", write="edit deal",
                               data={"action": "confirm"}),
    "connections:events": Case(page("connections:events"), read="anyone",
                               write="programme admin"),
    "connections:event": Case(event_page, read="anyone", write="programme admin"),
    # needs and offers: the programme's list and a post for everyone (a post of a deal is read
    # with the deal); posting for the deal's members, marking for the poster
    "ecosystem:list": Case(page("ecosystem:list"), read="anyone"),
    "ecosystem:detail": Case(post_page, read="read deal", write="partner input"),
    "ecosystem:deal": Case(of_deal("ecosystem:deal"), read="read deal", write="partner input"),
    # areas and context figures: public facts for everyone, the upload for the programme, a
    # deal's areas read with the deal and chosen by its team
    "areas:list": Case(page("areas:list"), read="anyone"),
    "areas:detail": Case(area_page, read="anyone"),
    "areas:upload": Case(page("areas:upload"), read="programme admin", write="programme admin"),
    "areas:deal": Case(of_deal("areas:deal"), read="read deal", write="edit deal"),
    # changing or closing a post: who may post for its organisation in its deal (its author too)
    "ecosystem:edit": Case(post_page_named("ecosystem:edit"), read="partner input", write="partner input"),
    "ecosystem:organisation": Case(of_organisation("ecosystem:organisation", "organisation"),
                                   read="read deal", write="organisation's own post"),
    # spreadsheet import
    "imports:start": Case(page("imports:start"), read="signed in", write="signed in"),
    "imports:template": Case(page("imports:template", kind="measurements"), read="anyone"),
    "imports:job": Case(import_job("imports:job"), read="own import"),
    "imports:mapping": Case(import_job("imports:mapping"), read="own import", write="own import"),
    "imports:progress": Case(import_job("imports:progress"), read="own import"),
    "imports:run": Case(import_job("imports:run"), read="no such method", write="own import"),
    # exports and reports
    "reports:index": Case(page("reports:index"), read="anyone"),
    "reports:portfolio_workbook": Case(page("reports:portfolio_workbook"), read="exporters"),
    "reports:long_csv": [
        Case(page("reports:long_csv"), label="every deal", read="exporters"),
        Case(lambda world, key: reverse("reports:long_csv") + f"?deal={world.deals[key].slug}",
             label="one deal", read="read deal"),
    ],
    "reports:codebook_csv": Case(page("reports:codebook_csv"), read="exporters"),
    "reports:open_data": Case(page("reports:open_data"), read="anyone"),
    "reports:portfolio_report": Case(page("reports:portfolio_report"), read="anyone"),
    "reports:portfolio_report_pdf": Case(page("reports:portfolio_report_pdf"), read="anyone"),
    "reports:portfolio_pdf_start": Case(page("reports:portfolio_pdf_start"), read="no such method",
                                        write="signed in", data={"jaar": "2025"}),
    "reports:portfolio_pdf_job": Case(pdf_job("reports:portfolio_pdf_job"), read="own pdf"),
    "reports:portfolio_pdf_download": Case(pdf_job("reports:portfolio_pdf_download"),
                                           read="own pdf"),
    "reports:deal_workbook": Case(of_deal("reports:deal_workbook"), read="read deal"),
    "reports:deal_report": Case(of_deal("reports:deal_report"), read="read deal"),
    "reports:deal_report_pdf": Case(of_deal("reports:deal_report_pdf"), read="read deal"),
    "reports:deal_report_docx": Case(of_deal("reports:deal_report_docx"), read="read deal"),
    # the REST API
    "v1:api-root": Case(page("v1:api-root"), read="anyone", write="api no write"),
    "v1:schema": Case(page("v1:schema"), read="anyone", write="no such method"),
    "v1:docs": Case(page("v1:docs"), read="anyone", write="no such method"),
    "v1:deal-list": Case(page("v1:deal-list"), read="anyone", write="api no write"),
    "v1:deal-detail": Case(of_deal("v1:deal-detail"), read="read deal",
                           write="api no write per deal"),
    "v1:deal-related": Case(of_deal("v1:deal-related"), read="read deal",
                            write="api no write per deal"),
    "v1:organisation-list": Case(page("v1:organisation-list"), read="anyone",
                                 write="api no write"),
    "v1:organisation-detail": Case(of_organisation("v1:organisation-detail"),
                                   read="read deal", write="api no write per deal"),
    # areas and context figures (api/areas.py): public facts; the upload for the programme;
    # a deal's areas with the deal, chosen by who may change the deal (DELETE: in
    # api/tests/test_areas.py)
    "v1:area-list": Case(page("v1:area-list"), read="anyone", write="api no write"),
    "v1:area-detail": Case(lambda world, key: (area_page(world, key),
                                               reverse("v1:area-detail", kwargs={"code": "GM0518"}))[1],
                           read="anyone", write="api no write"),
    "v1:topic-list": Case(page("v1:topic-list"), read="anyone", write="api no write"),
    "v1:topic-detail": Case(lambda world, key: reverse("v1:topic-detail", kwargs={"pk": _figure().topic_id}),
                            read="anyone", write="api no write"),
    "v1:figure-source-list": Case(page("v1:figure-source-list"), read="anyone", write="api no write"),
    "v1:figure-source-detail": Case(lambda world, key: reverse("v1:figure-source-detail",
                                                               kwargs={"pk": _figure().source_id}),
                                    read="anyone", write="api no write"),
    "v1:figure-list": Case(page("v1:figure-list"), read="anyone", write="api no write"),
    "v1:figure-detail": Case(lambda world, key: reverse("v1:figure-detail", kwargs={"pk": _figure().pk}),
                             read="anyone", write="api no write"),
    "v1:figure-import-list": Case(page("v1:figure-import-list"), read="no such method",
                                  write="programme admin"),
    "v1:deal-areas": Case(of_deal("v1:deal-areas"), read="read deal", write="api edit deal"),
    "v1:deal-area": Case(of_deal("v1:deal-area", code="GM0518"), read="no such method per deal",
                         write="api no write per deal"),
    # the admin: every admin address goes through the same staff check (AdminSite.admin_view);
    # these stand for all of them (PREFIX_RULES).
    "admin:index": Case(page("admin:index"), read="admin site"),
    "admin:deals_deal_changelist": Case(page("admin:deals_deal_changelist"), read="admin site"),
    "admin:accounts_dealmembership_changelist": Case(
        page("admin:accounts_dealmembership_changelist"), read="admin site"
    ),
    "admin:deals_deal_change": Case(admin_deal, read="admin site per deal",
                                    write="admin site per deal"),
}

# The API's entities (api/resources.py): a list (GET: what the role may read; POST: create)
# and a detail (GET one row of each deal) per resource.


def _sample(world, key, resource):
    """A row of `resource` in the deal `key`: the world's own, or one made for the matrix."""
    import datetime as dt

    from dealmonitor.connections.models import Connection
    from dealmonitor.deals import models as d
    from dealmonitor.impact import models as i
    from dealmonitor.learning import models as learning
    from dealmonitor.organisations.models import Person

    deal, objects = world.deals[key], world.objects[key]
    cache = world.__dict__.setdefault("api_samples", {})
    if (resource, key) in cache:
        return cache[(resource, key)]
    link = i.Link.objects.filter(pathway__deal=deal).first()
    resolved = objects["resolved_bottleneck"]
    make = {
        "participations": lambda: d.Participation.objects.filter(deal=deal).first(),
        "roles": lambda: d.Role.objects.create(
            deal=deal, person=Person.objects.create(slug=f"persoon-{key}"), kind="projectleider"),
        "phase-changes": lambda: d.PhaseChange.objects.create(deal=deal, phase="verkennen"),
        "tracks": lambda: d.Track.objects.create(deal=deal, name=f"Spoor {key}"),
        "working-groups": lambda: d.WorkingGroup.objects.create(deal=deal, name=f"Werkgroep {key}"),
        "partner-counts": lambda: d.PartnerCount.objects.create(deal=deal, count=7),
        "results": lambda: d.Result.objects.create(deal=deal, text=f"Resultaat {key}"),
        "ambitions": lambda: d.Ambition.objects.create(deal=deal, text=f"Ambitie {key}"),
        "pathways": lambda: i.Pathway.objects.get(deal=deal),
        "elements": lambda: i.Element.objects.filter(pathway__deal=deal).first(),
        "links": lambda: link,
        "assumptions": lambda: i.Assumption.objects.create(link=link, text=f"Aanname {key}"),
        "assumption-evidence": lambda: i.AssumptionEvidence.objects.create(
            assumption=_sample(world, key, "assumptions"), date=dt.date(2024, 1, 1), stance="voor",
            text="Gezien."),
        "effects": lambda: i.Effect.objects.create(deal=deal, description=f"Effect {key}",
                                                   valence="positief", dimension="sociaal"),
        "indicators": lambda: objects["indicator"],
        "targets": lambda: i.Target.objects.create(
            indicator=objects["indicator"], period_start=dt.date(2024, 1, 1),
            period_end=dt.date(2024, 12, 31), value=5),
        "measurements": lambda: objects["measurement"],
        "bottlenecks": lambda: resolved,
        "bottleneck-status-changes": lambda: learning.BottleneckStatusChange.objects.create(
            bottleneck=resolved, status="opgelost", date=dt.date(2024, 1, 1)),
        "lessons": lambda: objects["lesson"],
        "assessment-rounds": lambda: objects["round"],
        "answers": lambda: objects["round"].answers.first(),
        "deliverables": lambda: objects["deliverable"],
        "adoptions": lambda: learning.Adoption.objects.create(deliverable=objects["deliverable"],
                                                               adopter="Gemeente Elders"),
        "uptake": lambda: learning.Uptake.objects.create(deal=deal, kind="adoptie", title=f"Opgepakt {key}"),
        "scaling-plans": lambda: learning.ScalingPlan.objects.get(deal=deal),
        "start-conversations": lambda: learning.StartConversation.objects.get(deal=deal),
        "milestones": lambda: objects["milestone"],
        "experiments": lambda: objects["experiment"],
        "connections": lambda: Connection.objects.create(
            deal_a=deal, deal_b=world.deals["spare"], status="confirmed", kind="follow_up"),
        # the public need of the page's row (post_page), and a mark on an offer of the same deal
        "posts": lambda: _post(world, key),
        "match-marks": lambda: _match_mark(world, key),
    }
    cache[(resource, key)] = make[resource]()
    return cache[(resource, key)]


def _post(world, key, direction="vraag"):
    from dealmonitor.ecosystem.models import Post

    post_page(world, key)  # the need the page's row reads
    return Post.objects.get_or_create(
        deal=world.deals[key], organisation=world.organisations[key], direction=direction,
        kind="kennis", defaults={"title": f"Aanbod {key}", "text": "Kennis aangeboden.",
                                 "visibility": "openbaar"})[0]


def _match_mark(world, key):
    from dealmonitor.ecosystem.models import MatchMark

    return MatchMark.objects.get_or_create(need=_post(world, key), offer=_post(world, key, "aanbod"),
                                           defaults={"status": "nuttig"})[0]


def _api_detail(resource, pick=None):
    from dealmonitor.api.resources import RESOURCES

    spec = next(r for r in RESOURCES if r.name == resource)
    name = f"v1:{resource.rstrip('s')}-detail"
    if spec.deal_path is None:
        return lambda world, key: reverse(name, kwargs={"pk": spec.model._default_manager.order_by("pk").first().pk})
    return lambda world, key: reverse(
        name, kwargs={"pk": (pick(world, key) if pick else _sample(world, key, resource)).pk})


def _api_rows():
    from dealmonitor.api.resources import RESOURCES

    rows = {}
    internal_rows = {
        "bottlenecks": lambda world, key: world.objects[key]["bottleneck"],
        "lessons": lambda world, key: world.objects[key]["internal_lesson"],
    }
    for spec in RESOURCES:
        base = spec.name.rstrip("s")
        rows[f"v1:{base}-list"] = Case(page(f"v1:{base}-list"), read="anyone",
                                       write="api create" if spec.create else "api no write")
        if spec.deal_path is None:
            rows[f"v1:{base}-detail"] = Case(_api_detail(spec.name), read="anyone",
                                             write="api no write")
            continue
        # self-assessment answers and match decisions: for the deal's members only
        read = "read internal row" if spec.name in ("answers", "match-marks") else "read deal"
        detail = Case(_api_detail(spec.name), read=read, write="api no write per deal")
        if spec.name in internal_rows:
            rows[f"v1:{base}-detail"] = [
                Case(_api_detail(spec.name), label="public row", read="read deal",
                     write="api no write per deal"),
                Case(_api_detail(spec.name, internal_rows[spec.name]), label="internal row",
                     read="read internal row", write="api no write per deal"),
            ]
        else:
            rows[f"v1:{base}-detail"] = detail
    return rows


MATRIX.update(_api_rows())
MATRIX["v1:token"] = Case(page("v1:token"), read="no such method", write="anyone")

# URL names and routes covered as a group: (prefix, why).
PREFIX_RULES = [
    ("admin:", "the Django admin: staff only, checked by AdminSite.admin_view (rows admin:*)"),
    ("route:admin/", "unnamed admin addresses (redirects), behind the same staff check"),
    ("moved:", "addresses from before the address tree: a permanent redirect to the page, whose "
     "row holds; a row's old address finds the row through the gateway first (404 for who may "
     "not read it), tested in deals/tests/test_access.py"),
    ("learning_moved:", "old addresses of learning rows: the same redirect as moved:"),
]


# Enumerating the project's URLs -----------------------------------------------------------


def all_urls(patterns=None, prefix="", namespace=None):
    """(key, route) for every URL pattern; key is the namespaced name, or `route:<route>`."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from all_urls(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            if p.name:
                yield (f"{namespace}:{p.name}" if namespace else p.name), route
            else:
                yield f"route:{route}", route


def _covered(key):
    return key in MATRIX or any(key.startswith(prefix) for prefix, _ in PREFIX_RULES)


def test_every_url_has_a_row():
    missing = sorted({(key, route) for key, route in all_urls() if not _covered(key)})
    assert not missing, (
        "These addresses have no row in the permission matrix "
        "(src/dealmonitor/accounts/tests/test_permission_matrix.py). Add one per URL name to "
        "MATRIX, e.g.  \"app:name\": Case(of_deal(\"app:name\"), read=\"read deal\", "
        "write=\"edit deal\"),  with the policies (or a new policy table) that say what every "
        "role may do:\n" + "\n".join(f"  {key}  ({route})" for key, route in missing)
    )


def test_every_row_is_a_real_url_with_known_policies():
    keys = {key for key, _ in all_urls()}
    stale = [name for name in MATRIX if name not in keys]
    assert not stale, f"rows for URL names that no longer exist: {stale}"
    for name, cases in MATRIX.items():
        for case in cases if isinstance(cases, list) else [cases]:
            for policy in (case.read, case.write):
                assert policy is None or policy in POLICIES, f"{name}: unknown policy {policy!r}"


# Running the matrix -------------------------------------------------------------------------

LOGIN_PATHS = None


def outcome(response):
    global LOGIN_PATHS
    if LOGIN_PATHS is None:
        LOGIN_PATHS = (reverse(settings.LOGIN_URL), reverse("admin:login"))
    code = response.status_code
    if code in (301, 302, 303, 307):
        location = response.get("Location", "")
        return NO if any(path in location for path in LOGIN_PATHS) else OK
    if code in (401, 403):
        return NO
    if code == 404:
        return HIDDEN
    if code == 405:
        return NOT_ALLOWED
    if code in (200, 201, 204, 400):
        return OK
    return f"status {code}"


def forbidden_texts(world, role):
    """What `role` may not see anywhere: names of deals it may not read, internal canaries of
    deals whose internals it may not see."""
    texts = set()
    for key, knows in zip(DEALS, KNOWS[role]):
        if knows == "-":
            texts |= {world.deals[key].name, world.organisations[key].name}
        if knows != "internal":
            texts |= internal_canaries(key)
    return texts


def _body(response):
    if getattr(response, "streaming", False):
        return ""
    kind = response.get("Content-Type", "")
    if not kind.startswith(("text/", "application/json", "application/vnd.oai")):
        return ""
    return response.content.decode("utf-8", errors="replace")


def _clients(world):
    clients = {}
    for role in ROLES:
        client = Client()
        if world.users[role].is_authenticated:
            client.force_login(world.users[role])
        clients[role] = client
    return clients


def _cells(case):
    """(deal key or None, column index) for each cell of a case."""
    policies = [POLICIES[p] for p in (case.read, case.write) if p]
    width = len(next(iter(policies[0].values())))
    assert all(len(next(iter(p.values()))) == width for p in policies)
    return [(None, 0)] if width == 1 else [(key, i) for i, key in enumerate(DEALS)]


# The matrix runs in parts, one test per part, so pytest-xdist spreads it over its workers (as
# one test it held one worker for minutes). Every row belongs to exactly one part; each part
# builds the world afresh and does its reads before its writes, so every read still finds the
# world as built, as when the whole matrix read first and wrote after.
PARTS = ("api-schema", "api", "reports", "impact", "learning", "pages")
_PART_OF_NAMESPACE = {"v1": "api", "reports": "reports", "impact": "impact",
                      "learning": "learning"}


def part_of(name):
    """The part of the matrix (and of utils/tests/test_query_parameters.py) a URL name is in:
    the API's schema and documentation pages (a second or so each to generate), the rest of
    the API, the reports, impact, learning, and the other pages."""
    if name in ("v1:schema", "v1:docs"):
        return "api-schema"
    return _PART_OF_NAMESPACE.get(name.split(":")[0] if ":" in name else "", "pages")


def _matrix_cases(part=None):
    return [(name, case) for name, row in MATRIX.items()
            if part is None or part_of(name) == part
            for case in (row if isinstance(row, list) else [row])]


def _cell_count(cases):
    """How many cells (requests) the matrix checks for `cases`."""
    return sum(len(_cells(case)) * len(ROLES)
               for _, case in cases for policy in (case.read, case.write) if policy)


def test_the_parts_hold_every_row_once():
    assert {part_of(name) for name in MATRIX} == set(PARTS)  # none empty, none unknown
    assert _cell_count(_matrix_cases()) > 1000  # the matrix really runs (each part checks its own)


@pytest.mark.django_db
@pytest.mark.parametrize("part", PARTS)
def test_the_permission_matrix(part, django_user_model, settings, tmp_path, pdf_layouts_once):
    settings.MEDIA_ROOT = tmp_path
    world = populate(build_world(django_user_model), tmp_path)
    clients = _clients(world)
    failures = []
    checked = 0
    cases = _matrix_cases(part)
    # All reads first, then all writes: an accepted write may change what a later read finds.
    for method in ("read", "write"):
        for name, case in cases:
            policy = getattr(case, method)
            if policy is None:
                continue
            for key, column in _cells(case):
                url = case.url(world, key if key else "own")
                for role in ROLES:
                    expected = POLICIES[policy][role][column]
                    client = clients[role]
                    if case.fresh_client:
                        client = Client()
                        if world.users[role].is_authenticated:
                            client.force_login(world.users[role])
                    if method == "read":
                        response = client.get(url)
                    else:
                        response = client.post(url, case.data)
                    got = outcome(response)
                    checked += 1
                    where = (f"{name}{f' [{case.label}]' if case.label else ''} "
                             f"{'GET' if method == 'read' else 'POST'} {url} as {role}"
                             f"{f' on the {key} deal' if key else ''}")
                    if got != expected:
                        failures.append(f"{where}: expected {expected}, got {got} "
                                        f"(status {response.status_code})")
                        continue
                    if got == OK:
                        body = _body(response)
                        leaked = sorted(t for t in forbidden_texts(world, role) if t in body)
                        if leaked:
                            failures.append(f"{where}: shows what {role} may not see: {leaked}")
    assert not failures, f"{len(failures)} of {checked} cells are wrong:\n" + "\n".join(failures)
    assert checked == _cell_count(cases) > 0  # every cell of this part really ran
