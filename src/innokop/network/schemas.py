from datetime import datetime
from typing import Any

from django.urls import reverse
from ninja import Schema


class NetworkItemOut(Schema):
    id: int
    kind: str
    title: str
    content: dict[str, Any]
    partner: str
    partner_country: str
    feed_url: str
    remote_id: str
    remote_updated_at: datetime
    imported_at: datetime
    url: str
    from_the_network: bool = True

    @classmethod
    def of(cls, item, request) -> "NetworkItemOut":
        subscription = item.subscription
        return cls(id=item.pk, kind=item.kind, title=item.title, content=item.content,
                   partner=subscription.partner.name, partner_country=subscription.partner.country,
                   feed_url=subscription.feed_url, remote_id=item.remote_id,
                   remote_updated_at=item.remote_updated_at, imported_at=item.imported_at,
                   url=request.build_absolute_uri(reverse("network:item_detail", args=[item.pk])))
