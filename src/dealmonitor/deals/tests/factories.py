import factory

from dealmonitor.deals.constants import DealKind, DealStatus, ParticipationKind
from dealmonitor.deals.models import Deal, Participation, PartnerCount, Source
from dealmonitor.organisations.constants import OrganisationType
from dealmonitor.organisations.models import Organisation


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Gemeente Voorbeeld {n}")
    slug = factory.Sequence(lambda n: f"gemeente-voorbeeld-{n}")
    type = OrganisationType.GEMEENTE

    class Params:
        company = factory.Trait(
            type=OrganisationType.BEDRIJF,
            name=factory.Sequence(lambda n: f"Impactbedrijf {n} B.V."),
            slug=factory.Sequence(lambda n: f"impactbedrijf-{n}"),
        )


class DealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deal

    slug = factory.Sequence(lambda n: f"cd-voorbeeld-{n}")
    name = factory.Sequence(lambda n: f"City Deal Voorbeeld {n}")
    kind = DealKind.CITY_DEAL
    status = DealStatus.LOPEND
    description = "Een deal om mee te testen."
    # Published, so pages are readable without signing in; the role tests make their own
    # unpublished deals (trait `unpublished`).
    is_published = True

    class Params:
        unpublished = factory.Trait(is_published=False)


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    deal = factory.SubFactory(DealFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    kind = ParticipationKind.PARTNER


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ["reference"]

    reference = factory.Sequence(lambda n: f"https://example.org/bron-{n}")


class PartnerCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerCount

    deal = factory.SubFactory(DealFactory)
    count = 10
