"""The network in the API: this instance's signed feed (what partners' instances import), and the items
imported from partners, read-only. Anyone may read both; nothing imported can be written through the API."""

from typing import Any

from ninja import Router

from innokop.core.schemas import BY_ID, PUBLIC, responses

from . import feed
from .models import NetworkItem
from .permissions import get_item_for_actor
from .schemas import NetworkItemOut

router = Router(tags=["network"])


@router.get("/network/feed", response=responses(dict[str, Any], PUBLIC), auth=None, url_name="network_feed",
            summary="This instance's signed feed: {payload, signature (Ed25519, base64), public_key}")
def network_feed(request):
    return feed.build(request.build_absolute_uri("/"))


@router.get("/network/items", response=responses(list[NetworkItemOut], PUBLIC), auth=None,
            url_name="network_items", summary="Everything imported from partners' feeds, newest first")
def network_items(request):
    return [NetworkItemOut.of(item, request) for item in NetworkItem.objects.select_related("subscription__partner")]


@router.get("/network/items/{item_id}", response=responses(NetworkItemOut, PUBLIC, BY_ID), auth=None,
            url_name="network_item", summary="One item imported from a partner's feed, with its origin")
def network_item(request, item_id: int):
    return NetworkItemOut.of(get_item_for_actor(request.actor, item_id), request)
