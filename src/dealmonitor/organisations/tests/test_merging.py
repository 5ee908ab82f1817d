"""Duplicates found and merged: with the demo data plus the Den Haag variants of issue 18,
`dealmonitor organisations duplicates` finds them and merging leaves one Den Haag with every
participation; undo puts everything back."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from dealmonitor.accounts.models import DealMembership
from dealmonitor.deals.models import Deal, Participation, Track
from dealmonitor.organisations.merging import likely_duplicates, merge_organisations, undo_merge
from dealmonitor.organisations.models import Merge, Organisation, Person

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("organisations", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def variants(demo_data):
    """The three Den Haags of the finding, written around the check (as before it existed),
    each in deals, one of them in a deal the demo's Den Haag is in too."""
    den_haag = Organisation.objects.get(slug="gemeente-den-haag")
    with_den_haag = set(den_haag.participations.values_list("deal_id", flat=True))
    others = list(Deal.objects.exclude(pk__in=with_den_haag).order_by("slug")[:3])
    shared = Deal.objects.get(pk=sorted(with_den_haag)[0])
    orgs = [
        Organisation.objects.create(slug="gemeente-s-gravenhage", name="gemeente 's-Gravenhage",
                                    type="gemeente", cbs_code="GM0518", kvk_number="27365432"),
        Organisation.objects.create(slug="gemeente-den-haag-2", name="gemeente den haag", type="gemeente"),
        Organisation.objects.create(slug="gemeente-den-haag-3", name="GEMEENTE DEN HAAG", type="gemeente"),
    ]
    for org, deal in zip(orgs, others):
        Participation.objects.create(deal=deal, organisation=org, role_description="variant")
    Participation.objects.create(deal=shared, organisation=orgs[1], commitment_fte="0.5")
    Person.objects.create(slug="p-variant", organisation=orgs[2])
    Track.objects.create(deal=others[0], name="Inkoop", lead_organisation=orgs[0])
    return den_haag, orgs, others, shared


def test_duplicates_finds_the_den_haag_variants_in_text_and_json(variants):
    den_haag, orgs, _others, _shared = variants
    pairs = json.loads(run("duplicates", "--json"))
    found = {frozenset((p["keep"]["slug"], p["duplicate"]["slug"])) for p in pairs}
    for org in orgs:
        assert frozenset((den_haag.slug, org.slug)) in found
    reasons = {p["reason"] for p in pairs if den_haag.slug in (p["keep"]["slug"], p["duplicate"]["slug"])}
    assert reasons == {"identifier"}  # the CBS code GM0518, taken from the reference list
    # the demo's Den Haag (in ten deals) is the one to keep
    assert all(p["keep"]["slug"] == den_haag.slug for p in pairs
               if den_haag.slug in (p["keep"]["slug"], p["duplicate"]["slug"]))
    text = run("duplicates")
    assert "gemeente-den-haag\tgemeente-den-haag-3\t" in text


def test_merging_leaves_one_den_haag_with_every_participation(variants, client):
    den_haag, orgs, others, shared = variants
    deals_before = set(Participation.objects.filter(
        organisation__in=[den_haag, *orgs]).values_list("deal_id", flat=True))
    for org in orgs:
        run("merge", den_haag.slug, org.slug, "--reason", "issue 18")
    haags = [o for o in Organisation.objects.filter(type="gemeente") if o.name_key == "s gravenhage"]
    assert haags == [den_haag]
    assert set(den_haag.participations.values_list("deal_id", flat=True)) == deals_before
    assert Person.objects.get(slug="p-variant").organisation == den_haag
    assert Track.objects.get(name="Inkoop").lead_organisation == den_haag
    den_haag.refresh_from_db()
    assert den_haag.kvk_number == "27365432"  # an identifier it lacked comes along
    # in the shared deal the demo's row stays and takes the commitment it lacked
    assert Participation.objects.get(deal=shared, organisation=den_haag).commitment_fte == 0.5
    # history of both: the merged ones keep theirs, with the merge as the last entry
    gone = Organisation.history.filter(slug="gemeente-den-haag-2").order_by("history_date")
    assert gone.first().history_type == "+" and gone.last().history_type == "-"
    assert "merge" in gone.last().history_change_reason
    moved = Participation.history.filter(organisation_id=den_haag.pk, deal=others[1]).first()
    assert "merge" in moved.history_change_reason
    # the old address redirects
    response = client.get(reverse("organisations:detail", args=["gemeente-den-haag-2"]))
    assert response.status_code == 301 and response["Location"] == den_haag.get_absolute_url()
    assert not [p for p in likely_duplicates() if den_haag in (p.keep, p.duplicate)]


def test_undo_puts_the_duplicate_back_with_its_rows(variants):
    den_haag, orgs, others, shared = variants
    participations = sorted(Participation.objects.values_list("pk", "deal_id", "organisation_id"))
    merge = merge_organisations(actor=None, keep=den_haag, duplicate=orgs[1])
    assert merge.removed  # the row in the shared deal was folded in
    assert run("merges").startswith(str(merge.pk))
    run("undo", str(merge.pk))
    back = Organisation.objects.get(slug="gemeente-den-haag-2")
    assert back.pk == orgs[1].pk
    assert sorted(Participation.objects.values_list("pk", "deal_id", "organisation_id")) == participations
    assert Participation.objects.get(deal=shared, organisation=den_haag).commitment_fte is None
    assert Merge.objects.get(pk=merge.pk).undone_at is not None


def test_a_partner_members_organisation_moves_with_the_merge(variants, django_user_model):
    den_haag, orgs, others, _shared = variants
    user = django_user_model.objects.create_user(username="lid", password="x-lang-wachtwoord-1")
    DealMembership.objects.create(user=user, deal=others[2], role="partner", organisation=orgs[2])
    merge_organisations(actor=None, keep=den_haag, duplicate=orgs[2])
    assert DealMembership.objects.get(user=user).organisation == den_haag


def test_only_the_programme_administrator_merges(variants, django_user_model):
    from django.core.exceptions import PermissionDenied

    den_haag, orgs, *_ = variants
    user = django_user_model.objects.create_user(username="team", password="x-lang-wachtwoord-1")
    with pytest.raises(PermissionDenied):
        merge_organisations(actor=user, keep=den_haag, duplicate=orgs[0])
    assert Organisation.objects.filter(pk=orgs[0].pk).exists()


def test_the_page_for_programme_staff_lists_merges_and_undoes(variants, admin_client, client):
    den_haag, orgs, *_ = variants
    url = reverse("organisations:duplicates")
    page = admin_client.get(url).content.decode()
    assert "gemeente-den-haag-3" in page and "CBS" in page
    assert reverse("organisations:duplicates") in admin_client.get(reverse("organisations:list")).content.decode()
    response = admin_client.post(reverse("organisations:merge"),
                                 {"keep": den_haag.slug, "duplicate": orgs[2].slug})
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=orgs[2].pk).exists()
    merge = Merge.objects.get()
    assert merge.merged_by.is_superuser
    page = admin_client.get(url).content.decode()
    assert reverse("organisations:undo_merge", args=[merge.pk]) in page
    admin_client.post(reverse("organisations:undo_merge", args=[merge.pk]))
    assert Organisation.objects.filter(pk=orgs[2].pk).exists()
    # not for others
    assert client.get(url).status_code == 302
    assert reverse("organisations:duplicates") not in client.get(reverse("organisations:list")).content.decode()
