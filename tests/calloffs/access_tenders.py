"""Access-matrix rows for the call-off's tenders URLs (see tests/test_access_matrix.py).

The supplier persona represents an invited supplier and has submitted a tender with one attachment
in an open call-off whose deadline is a month after the matrix's fixed moment. A tender is the
supplier's own: the agency, even the call-off's team, gets 404 like everyone else (the other-lot
supplier, who is not invited, too), so no answer says whether a tender exists.
"""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from innokop.calloffs import sealing
from innokop.calloffs.models import CallOffStatus
from innokop.calloffs.services import tenders
from innokop.calloffs.tender_content import TenderContent

from ..access import Row
from .access import _calloff

OWN_PAGE = {"anonymous": 302, "supplier": 200, "*": 404}
OWN_POST = {"anonymous": 302, "supplier": 302, "*": 404}


def own_api(status: int) -> dict:
    return {"anonymous": 401, "supplier": status, "*": 404}


def build(world) -> None:
    now = world.now
    deadline = now + timedelta(days=30)
    calloff = _calloff(world, status=CallOffStatus.OPEN, published_at=now - timedelta(days=1),
                       questions_close=deadline - timedelta(days=5), answers_by=deadline - timedelta(days=3),
                       tender_deadline=deadline, opening_at=deadline + timedelta(hours=1),
                       data_key=sealing.wrap_key(sealing.new_data_key(), sealing.load_kek()))
    calloff.invitations.create(supplier=world.extra["supplier_org"], invited_at=calloff.published_at)
    supplier = world.users["supplier"]
    tenders.tender_save_draft(actor=supplier, calloff=calloff, content=TenderContent(
        total_price=Decimal(90_000), prices={world.extra["price_row"].pk: Decimal(900)}))
    attachment = tenders.tender_attachment_add(actor=supplier, calloff=calloff,
                                               uploaded=SimpleUploadedFile("referenser.txt", b"Referenser"))
    tenders.tender_submit(actor=supplier, calloff=calloff)
    # Withdrawn and submitted again: no. 1 is withdrawn (its confirmation page), no. 2 is the current tender.
    tenders.tender_withdraw(actor=supplier, calloff=calloff)
    tenders.tender_submit(actor=supplier, calloff=calloff)
    world.extra.update(tender_calloff=calloff, tender_attachment=attachment.sha256)


def _url(name: str, *extra: str):
    return lambda world: reverse(name, args=[world.extra["tender_calloff"].pk, *(world.extra[k] for k in extra)])


def _receipt(name: str):
    return lambda world: reverse(name, args=[world.extra["tender_calloff"].pk, 1])


ROWS = {
    "calloffs:tender_edit": Row(_url("calloffs:tender_edit"), OWN_PAGE),
    "calloffs:tender_attachments": Row(_url("calloffs:tender_attachments"), OWN_PAGE),
    "calloffs:tender_attachment_remove": Row(_url("calloffs:tender_attachment_remove", "tender_attachment"), OWN_POST,
                                             "post"),
    "calloffs:tender_check": Row(_url("calloffs:tender_check"), OWN_PAGE),
    "calloffs:tender_receipt": Row(_receipt("calloffs:tender_receipt"), OWN_PAGE),
    "calloffs:tender_withdraw": Row(_url("calloffs:tender_withdraw"), OWN_PAGE),
    "calloffs:tender_withdrawn": Row(_receipt("calloffs:tender_withdrawn"), OWN_PAGE),
    "api:tender_get": Row(_url("api:tender_get"), own_api(200)),
    "api:tender_draft_get": Row(_url("api:tender_draft_get"), own_api(200)),
    "api:tender_draft_put": Row(_url("api:tender_draft_put"), own_api(200), "put", json=True),
    "api:tender_attachment_post": Row(_url("api:tender_attachment_post"), own_api(400), "post", json=True),
    "api:tender_attachment_delete": Row(_url("api:tender_attachment_delete", "tender_attachment"), own_api(200),
                                        "delete"),
    "api:tender_submit": Row(_url("api:tender_submit"), own_api(201), "post", json=True),
    "api:tender_withdraw": Row(_url("api:tender_withdraw"), own_api(200), "post", json=True),
    "api:tender_receipt_get": Row(_receipt("api:tender_receipt_get"), own_api(200)),
}
