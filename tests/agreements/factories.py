from datetime import date
from decimal import Decimal

import factory

from innokop.accounts.models import OrganisationKind
from innokop.agreements.models import CallOffMethod, EvaluationModel, FrameworkAgreement, Lot, LotSupplier

from ..factories import OrganisationFactory, UserFactory


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FrameworkAgreement

    owner = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.CPB)
    reference = factory.Sequence(lambda n: f"IK-TEST-{n:03d}")
    title = factory.Sequence(lambda n: f"Ramavtal {n}")
    summary = "Innovativa lösningar"
    start_date = date(2027, 1, 1)
    end_date = date(2030, 12, 31)
    max_value = Decimal(10_000_000)
    entitled_categories = ["all_public"]
    created_by = factory.SubFactory(UserFactory)


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot

    agreement = factory.SubFactory(AgreementFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Anbudsområde {n}")
    call_off_method = CallOffMethod.RENEWED_COMPETITION_DIALOGUE
    evaluation_models = [EvaluationModel.PRICE_QUALITY]
    min_tender_days = 10


class LotSupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LotSupplier

    lot = factory.SubFactory(LotFactory)
    supplier = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.SUPPLIER)
    agreement_number = factory.Sequence(lambda n: f"AVT-{n}")
    contact_name = "Kontakt Person"
    contact_email = "kontakt@example.se"
