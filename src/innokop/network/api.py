"""The network in the API: this instance's signed feed (what partners' instances import), and the items
imported from partners, read-only. Anyone may read both; nothing imported can be written through the API."""

from typing import Any

from django.http import HttpResponse
from ninja import Router

from innokop.core import clock
from innokop.core.pagination import DEFAULT_LIMIT, Cursor, Limit, cursor_page
from innokop.core.schemas import BY_ID, PUBLIC, responses

from . import feed, keys
from .models import NetworkItem
from .permissions import get_item_for_actor
from .schemas import NetworkItemOut

router = Router(tags=["network"])


@router.get("/network/feed", response=responses(dict[str, Any], PUBLIC), auth=None, url_name="network_feed",
            summary="This instance's signed feed: {payload, signature (Ed25519, base64), public_key}")
def network_feed(request):
    return feed.build(request.build_absolute_uri("/"))


@router.get("/network/keys", response=responses(dict[str, Any], PUBLIC), auth=None, url_name="network_keys",
            summary="The public keys signing this instance's feed, with their ids and validity")
def network_keys(request):
    return keys.keys_document(clock.now())


@router.get("/network/items", response=responses(list[NetworkItemOut], PUBLIC, 422), auth=None,
            url_name="network_items", summary="Everything imported from partners' feeds, newest first")
def network_items(request, response: HttpResponse, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    items = NetworkItem.objects.select_related("subscription__partner")
    return [NetworkItemOut.of(item, request) for item in cursor_page(
        request, response, items, order=("-remote_updated_at", "-pk"), cursor=cursor, limit=limit)]


@router.get("/network/items/{item_id}", response=responses(NetworkItemOut, PUBLIC, BY_ID), auth=None,
            url_name="network_item", summary="One item imported from a partner's feed, with its origin")
def network_item(request, item_id: int):
    return NetworkItemOut.of(get_item_for_actor(request.actor, item_id), request)
