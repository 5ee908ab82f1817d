"""The programme view's partner figures, kept by the database (learning/summary.py): every
way of writing keeps them right, two writers at once too, and a recount gives the same."""

import json
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.urls import reverse

from dealmonitor.accounts.models import DealMembership, User
from dealmonitor.deals import services as deal_services
from dealmonitor.deals.models import Deal, Participation
from dealmonitor.deals.services_partners import add_partner
from dealmonitor.deals.tests.factories import DealFactory, OrganisationFactory, ParticipationFactory
from dealmonitor.learning import summary
from dealmonitor.learning.models import PartnerTypeTotal
from dealmonitor.organisations.constants import OrganisationType
from dealmonitor.organisations.merging import merge_organisations
from dealmonitor.organisations.services import save_organisation

GEMEENTE = str(dict(OrganisationType.choices)[OrganisationType.GEMEENTE])
BEDRIJF = str(dict(OrganisationType.choices)[OrganisationType.BEDRIJF])


def _figures(client, user):
    client.force_login(user)
    rows = client.get(reverse("learning:programme")).context["overview"]["partner_types"]
    return {r["label"]: (r["organisations"], r["deals"]) for r in rows}


@pytest.fixture
def admin(db):
    return User.objects.create_user("beheerder", password="x" * 16, is_staff=True)


@pytest.mark.django_db
def test_every_way_of_writing_partners_changes_the_figures_on_the_page(client, admin):
    a, b = DealFactory(), DealFactory()
    gemeente = OrganisationFactory(type=OrganisationType.GEMEENTE)
    assert _figures(client, admin) == {}

    add_partner(actor=admin, deal=a, organisation=gemeente)  # the partner form's service
    assert _figures(client, admin) == {GEMEENTE: (1, 1)}

    deal_services.save_participation(actor=admin, deal=b, organisation=gemeente)
    assert _figures(client, admin) == {GEMEENTE: (1, 2)}  # one organisation, two deals

    # the organisation register: a changed type moves the organisation and its deals
    save_organisation(actor=admin, slug=gemeente.slug, type=OrganisationType.BEDRIJF)
    assert _figures(client, admin) == {BEDRIJF: (1, 2)}

    # merging organisations moves (or removes) participations in bulk
    twin = OrganisationFactory(type=OrganisationType.BEDRIJF)
    ParticipationFactory(deal=a, organisation=twin)
    third = DealFactory()
    ParticipationFactory(deal=third, organisation=twin)
    assert _figures(client, admin) == {BEDRIJF: (2, 3)}
    merge_organisations(actor=admin, keep=gemeente, duplicate=twin, reason="dubbel")
    assert _figures(client, admin) == {BEDRIJF: (1, 3)}

    # a deal deleted takes its participations along
    with transaction.atomic():  # as a service would (the kept figures follow each commit)
        third.delete()
    assert _figures(client, admin) == {BEDRIJF: (1, 2)}
    with transaction.atomic():
        Participation.objects.filter(deal=b).delete()
    assert _figures(client, admin) == {BEDRIJF: (1, 1)}
    assert summary.differences() == {}


@pytest.mark.django_db
def test_the_portfolio_import_keeps_the_figures(client, admin):
    records = deal_services_records()
    deal_services.import_portfolio(actor=None, records=records, publish=True)
    shown = _figures(client, admin)
    assert sum(n for n, _d in shown.values()) > 10
    assert summary.differences() == {}


def deal_services_records():
    from dealmonitor.deals.importer import parse_portfolio

    return parse_portfolio(json.loads(Path(settings.DEMO_DATA_FILE).read_text("utf-8")))


@pytest.mark.django_db
def test_someone_who_sees_published_deals_and_their_own_counts_each_organisation_once(client, admin):
    published = DealFactory(is_published=True)
    hidden = DealFactory(is_published=False)
    both = OrganisationFactory(type=OrganisationType.GEMEENTE)
    only_hidden = OrganisationFactory(type=OrganisationType.GEMEENTE)
    elsewhere = DealFactory(is_published=False)
    for deal, org in ((published, both), (hidden, both), (hidden, only_hidden),
                      (elsewhere, OrganisationFactory(type=OrganisationType.BEDRIJF))):
        deal_services.save_participation(actor=None, deal=deal, organisation=org)
    member = User.objects.create_user("teamlid", password="x" * 16)
    DealMembership.objects.create(user=member, deal=hidden, role="team")

    assert _figures(client, admin) == {GEMEENTE: (2, 2), BEDRIJF: (1, 1)}
    assert _figures(client, member) == {GEMEENTE: (2, 2)}
    client.logout()
    public = client.get(reverse("learning:programme")).context["overview"]["partner_types"]
    assert [(r["organisations"], r["deals"]) for r in public] == [(1, 1)]

    # publishing a deal (and withdrawing it again) changes what everyone else sees
    deal_services.save_deal(actor=None, slug=elsewhere.slug, publish=True)
    public = client.get(reverse("learning:programme")).context["overview"]["partner_types"]
    assert {r["label"]: (r["organisations"], r["deals"]) for r in public} == {
        GEMEENTE: (1, 1), BEDRIJF: (1, 1)}
    Deal.objects.filter(pk=elsewhere.pk).update(is_published=False)
    assert summary.differences() == {}


@pytest.mark.django_db
def test_the_recount_rebuilds_the_summary_and_the_check_finds_a_drift(admin):
    for _ in range(3):
        ParticipationFactory(deal=DealFactory(),
                             organisation=OrganisationFactory(type=OrganisationType.GEMEENTE))
    kept = sorted(PartnerTypeTotal.objects.values_list("type", "organisations", "deals"))
    summary.recount()
    assert sorted(PartnerTypeTotal.objects.values_list("type", "organisations", "deals")) == kept

    PartnerTypeTotal.objects.update(organisations=99)  # as if a write had been lost
    out = StringIO()
    with pytest.raises(CommandError, match="learning_partnertypetotal"):
        call_command("programme", "recount", "--check", stdout=out)
    call_command("programme", "recount", stdout=StringIO())
    assert sorted(PartnerTypeTotal.objects.values_list("type", "organisations", "deals")) == kept
    assert summary.differences() == {}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_leave_the_summary_right():
    """Two threads, each with its own connection, add partners of one type to the same deals
    at the same time (and one removes some): the totals end as a recount says."""
    deals = [DealFactory() for _ in range(4)]
    orgs = [OrganisationFactory(type=OrganisationType.GEMEENTE) for _ in range(12)]
    start = threading.Barrier(2)
    errors = []

    def writer(chunk, remove):
        try:
            start.wait()
            for org in chunk:
                for deal in deals:
                    deal_services.save_participation(actor=None, deal=deal, organisation=org)
            for org in remove:
                Participation.objects.filter(organisation=org, deal=deals[0]).delete()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(orgs[0:6], [])),
               threading.Thread(target=writer, args=(orgs[6:12], orgs[6:8]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    total = PartnerTypeTotal.objects.get(type=OrganisationType.GEMEENTE)
    assert (total.organisations, total.deals) == (12, 4)
    assert summary.differences() == {}


@pytest.mark.django_db
def test_themes_with_as_many_deals_are_in_the_order_of_the_readers_language(client, admin):
    """Issue 19: under /en/ the themes are sorted by their English name, not the Dutch one."""
    from django.utils import translation

    from dealmonitor.deals.models import Theme

    # Dutch order: bestaanszekerheid, circulaire economie; English: circular economy,
    # livelihood security.
    for name in ("bestaanszekerheid", "circulaire economie"):
        DealFactory().themes.add(Theme.objects.get_or_create(name=name)[0])
    client.force_login(admin)
    dutch = [r["label"] for r in client.get(reverse("learning:programme")).context["overview"]["themes"]]
    assert dutch == ["bestaanszekerheid", "circulaire economie"]
    with translation.override("en"):
        url = reverse("learning:programme")
    assert url.startswith("/en/")
    page = client.get(url)
    english = [r["label"] for r in page.context["overview"]["themes"]]
    assert english == ["circulaire economie", "bestaanszekerheid"]
    html = page.content.decode()
    assert html.index("circular economy") < html.index("livelihood security")


@pytest.mark.django_db
def test_the_programme_view_counted_afresh_needs_as_many_queries_for_2_and_12_deals(client, admin):
    """For the administrator and for a member of an unpublished deal (whose partners are
    added to the published figures), whatever the number of deals and partners."""
    from django.core.cache import cache

    from dealmonitor.utils.queries import count_queries

    member = User.objects.create_user("teamlid", password="x" * 16)
    DealMembership.objects.create(user=member, deal=DealFactory(is_published=False), role="team")

    def fill(n):
        for i in range(n):
            deal = DealFactory(is_published=bool(i % 2))
            for kind in (OrganisationType.GEMEENTE, OrganisationType.BEDRIJF):
                ParticipationFactory(deal=deal, organisation=OrganisationFactory(type=kind))

    def queries(user):
        client.force_login(user)
        cache.clear()  # every figure counted afresh
        with count_queries() as counted:
            assert client.get(reverse("learning:programme")).status_code == 200
        return counted.count

    fill(2)
    small = {u.username: queries(u) for u in (admin, member)}
    fill(10)
    assert {u.username: queries(u) for u in (admin, member)} == small


@pytest.mark.django_db
def test_many_partners_written_in_one_statement_are_counted_as_one_by_one(client, admin):
    """A bulk insert or delete (the import, the generator's COPY, a cascade) is counted per
    statement on PostgreSQL: an organisation twice in one statement, deals published and not,
    counts that cross zero and counts that only grow all end as a recount says."""
    published = [DealFactory(is_published=True) for _ in range(3)]
    hidden = DealFactory(is_published=False)
    gemeenten = [OrganisationFactory(type=OrganisationType.GEMEENTE) for _ in range(3)]
    bedrijf = OrganisationFactory(type=OrganisationType.BEDRIJF)
    ParticipationFactory(deal=published[0], organisation=gemeenten[0])  # a count already there
    Participation.objects.bulk_create(
        [Participation(deal=d, organisation=o) for d in published + [hidden] for o in gemeenten
         if (d, o) != (published[0], gemeenten[0])]
        + [Participation(deal=hidden, organisation=bedrijf)])
    assert _figures(client, admin) == {GEMEENTE: (3, 4), BEDRIJF: (1, 1)}
    assert summary.differences() == {}
    client.logout()
    public = client.get(reverse("learning:programme")).context["overview"]["partner_types"]
    assert {r["label"]: (r["organisations"], r["deals"]) for r in public} == {GEMEENTE: (3, 3)}

    with transaction.atomic():  # one statement removes some rows of a type, all of another
        Participation.objects.filter(deal__in=[published[1], hidden]).delete()
    assert _figures(client, admin) == {GEMEENTE: (3, 2)}
    with transaction.atomic():
        Participation.objects.filter(organisation__in=gemeenten[1:]).delete()
    assert _figures(client, admin) == {GEMEENTE: (1, 2)}
    assert summary.differences() == {}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_bulk_writers_at_once_leave_the_summary_right():
    """Two connections insert many partners each in one statement, over the same deals and
    organisations, while a third removes some: the totals end as a recount says."""
    deals = [DealFactory(is_published=i % 2 == 0) for i in range(6)]
    orgs = [OrganisationFactory(type=OrganisationType.GEMEENTE) for _ in range(10)]
    start = threading.Barrier(3)
    errors = []

    def writer(pairs=(), remove=None):
        try:
            start.wait()
            with transaction.atomic():
                Participation.objects.bulk_create([Participation(deal=d, organisation=o) for d, o in pairs])
                if remove is not None:
                    Participation.objects.filter(**remove).delete()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    for org in orgs[:4]:
        ParticipationFactory(deal=deals[5], organisation=org)
    threads = [
        threading.Thread(target=writer, kwargs={"pairs": [(d, o) for d in deals[:3] for o in orgs]}),
        threading.Thread(target=writer, kwargs={"pairs": [(d, o) for d in deals[3:5] for o in orgs]}),
        threading.Thread(target=writer, kwargs={"remove": {"deal": deals[5]}}),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    total = PartnerTypeTotal.objects.get(type=OrganisationType.GEMEENTE)
    assert (total.organisations, total.deals, total.published_deals) == (10, 5, 3)
    assert summary.differences() == {}


@pytest.mark.django_db
def test_the_programme_view_counted_afresh_keeps_its_figures_with_one_write(client, admin):
    """After a change every figure of the page is counted again; the six parts go into the
    cache in one statement, not one transaction each (utils/dbcache.py)."""
    from dealmonitor.utils import cache as kept
    from dealmonitor.utils.queries import count_queries

    ParticipationFactory(deal=DealFactory(), organisation=OrganisationFactory())
    client.force_login(admin)
    url = reverse("learning:programme")
    client.get(url)  # the data versions of the tables it counts exist
    kept.bump()  # as after a restore: no figure kept counts
    with count_queries() as counted:
        assert client.get(url).status_code == 200
    writes = [s for s in counted.statements if "dealmonitor_cache" in s
              and s.lstrip().upper().startswith(("INSERT", "UPDATE", "WITH"))]
    assert len(writes) == 1
    with count_queries() as again:
        client.get(url)
    assert not [s for s in again.statements if "INSERT" in s.upper()]  # all six kept


@pytest.mark.django_db
def test_figures_kept_before_an_import_are_not_shown_after_it(client, admin):
    """The programme view keeps its figures until the data they count changes; rows written in
    bulk (the portfolio import, the spreadsheet imports) send no signals, and must still make
    the kept figures go."""
    DealFactory()
    client.force_login(admin)
    before = client.get(reverse("learning:programme")).context["overview"]
    assert _figures(client, admin) == {}
    deal_services.import_portfolio(actor=None, records=deal_services_records(), publish=True)
    after = client.get(reverse("learning:programme")).context["overview"]
    assert sum(n for n, _d in _figures(client, admin).values()) > 10
    assert after["themes"] != before["themes"]
