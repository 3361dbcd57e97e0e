import pytest
from django.utils import timezone

from innokop.agreements.models import CallOffMethod

from .factories import AgreementFactory, LotFactory, LotSupplierFactory


@pytest.fixture
def agreement(cpb, cpb_manager):
    """A draft agreement of the purchasing body, 2027–2030, open to all public buyers."""
    return AgreementFactory(owner=cpb, created_by=cpb_manager)


@pytest.fixture
def published(agreement, supplier_org, supplier_org_b, clock):
    """The agreement published with a dialogue lot (two suppliers) and a ranking lot."""
    dialogue = LotFactory(agreement=agreement, number=1, title="AI och automatisering")
    ranking = LotFactory(agreement=agreement, number=2, title="E-tjänster", call_off_method=CallOffMethod.RANKING,
                         evaluation_models=[])
    LotSupplierFactory(lot=dialogue, supplier=supplier_org)
    LotSupplierFactory(lot=dialogue, supplier=supplier_org_b)
    LotSupplierFactory(lot=ranking, supplier=supplier_org, rank=1)
    agreement.published_at = timezone.now()
    agreement.save()
    return agreement
