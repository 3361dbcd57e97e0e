from datetime import datetime, timezone

import pytest

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
    # A fixed day before every moment the tests set the clock to, not the day the suite runs.
    agreement.published_at = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
    agreement.save()
    return agreement
