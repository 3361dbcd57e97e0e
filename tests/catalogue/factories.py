"""Factories for the catalogue; solutions are built directly (tests of rules call the services)."""

import datetime

import factory

from innokop.accounts.models import OrganisationKind
from innokop.catalogue.models import Collection, Evidence, EvidenceKind, ReferenceCase, Solution, SolutionStatus
from innokop.core import clock

from ..factories import OrganisationFactory, UserFactory


class SolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Solution
        skip_postgeneration_save = True

    supplier = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.SUPPLIER)
    title = factory.Sequence(lambda n: f"Lösning {n}")
    summary = "En lösning som gör nytta för myndigheter."
    problem = "<p>Problemet som lösningen löser.</p>"
    how_it_works = "<p>Så fungerar den.</p>"
    effects = "<p>Effekterna.</p>"
    trl = 7
    pricing_model = "subscription"
    data_location = "sweden"
    nationwide = True
    status = SolutionStatus.DRAFT
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def cpv_codes(obj, create, extracted, **kwargs):
        if create:
            obj.cpv_codes.set(extracted if extracted is not None else ["72000000"])

    @factory.post_generation
    def regions(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.regions.set(extracted)


class PublishedSolutionFactory(SolutionFactory):
    status = SolutionStatus.PUBLISHED
    published_at = factory.LazyFunction(lambda: clock.now())


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    solution = factory.SubFactory(SolutionFactory)
    kind = EvidenceKind.PILOT
    provided_by = "Region Test"
    date = datetime.date(2026, 9, 1)  # a fixed day before the tests' clock, not a random one up to today
    description = "Pilot i sex månader."


class ReferenceCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferenceCase

    solution = factory.SubFactory(SolutionFactory)
    customer = "Testkommun"
    title = "Införande"
    story = "<p>Det gick bra.</p>"
    year = 2026


class CollectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collection

    slug = factory.Sequence(lambda n: f"tema-{n}")
    title = factory.Sequence(lambda n: f"Tema {n}")
    introduction = "<p>Om temat.</p>"
    published = True
