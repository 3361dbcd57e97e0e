"""Every change in the network app: good-practice cases written, reviewed and published; subscriptions to
partners' feeds; and the import of a feed, all or nothing. Each service is audited."""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from innokop.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.core.notifications import notify
from innokop.core.refusals import Problem, Refused

from . import signing
from .feed import CASE_PARTS, FORMAT
from .models import CaseStatus, GoodPracticeCase, ItemKind, NetworkItem, PartnerKey, SigningKey, Subscription

log = logging.getLogger(__name__)

FETCH_TIMEOUT_SECONDS = 15
MAX_FEED_BYTES = 5 * 1024 * 1024
MAX_TEXT = 20_000


class NetworkError(Refused):
    code = "network_refused"


class FeedRefused(NetworkError):
    """A feed that is not imported: unreachable, unsigned or wrongly signed, or with a malformed item."""

    code = "feed_refused"

    def __init__(self, msgid: str, **params) -> None:
        self.msgid, self.params = msgid, params
        super().__init__(_(msgid) % params, code=self.code)


def _framework_managers() -> list[User]:
    return [m.user for m in Membership.objects.filter(role=Role.FRAMEWORK_MANAGER,
                                                      organisation__kind=OrganisationKind.CPB).select_related("user")]


# Good-practice cases --------------------------------------------------------------------------------------

def case_create(*, actor, organisation: Organisation, fields: dict) -> GoodPracticeCase:
    """A draft case written by the purchasing body or an agency (the view checks the author's membership)."""
    if organisation.kind not in (OrganisationKind.CPB, OrganisationKind.AGENCY):
        raise NetworkError(_("Only the purchasing body or an agency writes good-practice cases."),
                           code="case_author")
    _check_reference_case(organisation, fields.get("reference_case"))
    now = clock.now()
    with transaction.atomic():
        case = GoodPracticeCase.objects.create(organisation=organisation, created_by=actor, created_at=now,
                                               updated_at=now, **fields)
        audit_log(actor=actor, verb="network.case_created", obj=case, organisation=organisation,
                  payload={"case": case.pk})
    return case


def _check_reference_case(organisation, reference_case, *, case=None) -> None:
    """A case wraps a reference case its own organisation wrote as the buyer, and one case tells it."""
    if reference_case is None:
        return
    if reference_case.buyer_id != organisation.pk or reference_case.pending:
        raise NetworkError(_("Choose a reference case your organisation wrote and the catalogue has approved."),
                           code="reference_case")
    taken = GoodPracticeCase.objects.filter(reference_case=reference_case)
    if case is not None:
        taken = taken.exclude(pk=case.pk)
    if taken.exists():
        raise NetworkError(_("Another good-practice case already tells this reference case."), code="reference_case")


def case_update(*, actor, case: GoodPracticeCase, fields: dict) -> GoodPracticeCase:
    if case.status != CaseStatus.DRAFT:
        raise NetworkError(_("Only a draft case can be changed."), code="case_not_draft")
    _check_reference_case(case.organisation, fields.get("reference_case"), case=case)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(case, name, value)
        case.updated_at = clock.now()
        case.save()
        audit_log(actor=actor, verb="network.case_updated", obj=case, organisation=case.organisation,
                  payload={"case": case.pk, "fields": sorted(fields)})
    return case


def case_submit(*, actor, case: GoodPracticeCase) -> GoodPracticeCase:
    if case.status != CaseStatus.DRAFT:
        raise NetworkError(_("The case has already been sent for review."), code="case_not_draft")
    with transaction.atomic():
        case.move_to(CaseStatus.IN_REVIEW)
        case.updated_at = clock.now()
        case.save(update_fields=["status", "updated_at"])
        audit_log(actor=actor, verb="network.case_submitted", obj=case, organisation=case.organisation,
                  payload={"case": case.pk})
        notify(recipients=_framework_managers(), kind="network.case_submitted",
               subject=gettext_lazy("A good-practice case waits for your review"),
               body=gettext_lazy("%(organisation)s sent the good-practice case “%(title)s” for review."),
               params={"organisation": case.organisation.name, "title": case.title_sv},
               url=reverse("network:case_detail", args=[case.pk]))
    return case


def case_review(*, actor, case: GoodPracticeCase, publish: bool) -> GoodPracticeCase:
    """The purchasing body publishes the case, or returns it to its author as a draft."""
    if case.status != CaseStatus.IN_REVIEW:
        raise NetworkError(_("The case is not waiting for review."), code="case_not_in_review")
    with transaction.atomic():
        now = clock.now()
        case.move_to(CaseStatus.PUBLISHED if publish else CaseStatus.DRAFT)
        case.updated_at = now
        if publish:
            case.published_at = now
        case.save(update_fields=["status", "updated_at", "published_at"])
        audit_log(actor=actor, verb="network.case_published" if publish else "network.case_returned", obj=case,
                  organisation=case.organisation, payload={"case": case.pk})
        notify(recipients=[case.created_by], kind="network.case_published" if publish else "network.case_returned",
               subject=gettext_lazy("Your good-practice case is published") if publish
               else gettext_lazy("Your good-practice case is returned to you"),
               body=gettext_lazy("The purchasing body published “%(title)s” on the public pages and in the "
                                 "feed to the partner bodies.") if publish
               else gettext_lazy("The purchasing body returned “%(title)s” to you as a draft. Change it "
                                 "and send it again."),
               params={"title": case.title_sv}, url=reverse("network:case_detail", args=[case.pk]))
    return case


# Subscriptions ----------------------------------------------------------------------------------------------

def check_feed_url(url: str) -> None:
    """HTTPS only; plain HTTP only to a loopback address, and only where the settings allow it (tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and settings.INNOKOP_NETWORK_ALLOW_LOOPBACK_HTTP and _is_loopback(parts.hostname):
        return
    raise FeedRefused(gettext_noop("The address of a feed must start with https://."))


def _is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def subscribe(*, actor, partner: Organisation, feed_url: str, public_key: str) -> Subscription:
    """The purchasing body follows a partner body's feed (the view checks that the actor is a framework manager).
    The key entered must be the partner body's key when it has one; a partner body without one gets it."""
    if partner.kind != OrganisationKind.PARTNER:
        raise NetworkError(_("Only a partner body's feed can be followed."), code="not_partner")
    try:
        check_feed_url(feed_url)
    except FeedRefused as error:
        raise NetworkError(str(error), code="feed_url") from None
    public_key = public_key.strip()
    try:
        signing.parse_public_key(public_key)
    except signing.BadKey:
        raise NetworkError(_("The public key must be an Ed25519 key in base64 (44 characters)."), code="public_key",
                           problems=[Problem("public_key", _("Enter the key as 44 characters of base64."))]) from None
    if Subscription.objects.filter(feed_url=feed_url).exists():
        raise NetworkError(_("This feed is already followed."), code="already_subscribed")
    with transaction.atomic():
        partner = Organisation.objects.select_for_update().get(pk=partner.pk)
        if partner.public_key and _key_id_or_none(partner.public_key) != signing.key_id(public_key):
            raise NetworkError(_("This is not the public key of %(partner)s. Enter the key the partner body "
                                 "publishes, or ask it which key signs its feed.") % {"partner": partner.name},
                               code="public_key_not_partners",
                               problems=[Problem("public_key", _("Enter the partner body's public key."))])
        subscription = Subscription.objects.create(partner=partner, feed_url=feed_url, public_key=public_key,
                                                   created_by=actor, created_at=clock.now())
        audit_log(actor=actor, verb="network.subscribed", obj=subscription,
                  payload={"partner": partner.pk, "feed_url": feed_url})
        if not partner.public_key:
            _partner_key_set(partner, public_key, actor=actor, subscription=subscription)
    return subscription


def _partner_key_set(partner: Organisation, public_key: str, *, actor, subscription: Subscription,
                     announced_by: str = "") -> None:
    """The partner body's current key (accounts.Organisation.public_key), in the caller's transaction. Audited."""
    previous = partner.public_key
    partner.public_key = public_key
    partner.save(update_fields=["public_key"])
    audit_log(actor=actor, verb="network.partner_public_key_set", obj=partner, organisation=partner,
              payload={"key_id": signing.key_id(public_key), "subscription": subscription.pk,
                       "previous": _key_id_or_none(previous), "announced_by": announced_by})


def _key_id_or_none(public_key: str) -> str | None:
    try:
        return signing.key_id(public_key)
    except signing.BadKey:
        return None


def unsubscribe(*, actor, subscription: Subscription) -> None:
    """Stops following a feed; what was imported from it goes with it."""
    with transaction.atomic():
        audit_log(actor=actor, verb="network.unsubscribed", obj=subscription,
                  payload={"partner": subscription.partner_id, "feed_url": subscription.feed_url,
                           "items": subscription.items.count()})
        subscription.delete()


# Import -----------------------------------------------------------------------------------------------------

class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a feed is read where it was subscribed to, never from where it points


def fetch(url: str) -> bytes:
    """The feed's bytes: HTTPS (loopback HTTP in tests), a timeout, no redirects, at most MAX_FEED_BYTES."""
    check_feed_url(url)
    opener = urllib.request.build_opener(_NoRedirects)
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "Innokop-network/1"})
    try:
        with opener.open(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310 (scheme checked above)
            if response.status != 200:
                raise FeedRefused(gettext_noop("The feed answered with status %(status)s."), status=response.status)
            body = response.read(MAX_FEED_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise FeedRefused(gettext_noop("The feed answered with status %(status)s."), status=error.code) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        log.info("network feed %s unreachable: %s", url, error)
        raise FeedRefused(gettext_noop("The feed could not be reached.")) from None
    if len(body) > MAX_FEED_BYTES:
        raise FeedRefused(gettext_noop("The feed is larger than %(limit)s bytes."), limit=MAX_FEED_BYTES)
    return body


def _text(value, *, field: str, item_id: str, limit: int = MAX_TEXT, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        raise FeedRefused(gettext_noop("Item %(item)s has no valid %(field)s."), item=item_id, field=field)
    return value


def _clean_item(raw) -> dict:
    """One item as it is stored, or FeedRefused naming what is wrong with it."""
    if not isinstance(raw, dict):
        raise FeedRefused(gettext_noop("The feed holds an item that is not an object."))
    item_id = raw.get("id")
    if not isinstance(item_id, str) or not item_id or len(item_id) > 100:
        raise FeedRefused(gettext_noop("The feed holds an item without a valid id."))
    kind = raw.get("kind")
    if kind not in ItemKind.values:
        raise FeedRefused(gettext_noop("Item %(item)s has no valid %(field)s."), item=item_id, field="kind")
    updated = parse_datetime(raw["updated_at"]) if isinstance(raw.get("updated_at"), str) else None
    if updated is None or updated.tzinfo is None:
        raise FeedRefused(gettext_noop("Item %(item)s has no valid %(field)s."), item=item_id, field="updated_at")
    url = _text(raw.get("url"), field="url", item_id=item_id, limit=500)
    if urlsplit(url).scheme not in ("https", "http"):
        raise FeedRefused(gettext_noop("Item %(item)s has no valid %(field)s."), item=item_id, field="url")
    content: dict = {"url": url}
    if kind == ItemKind.CASE:
        for part in CASE_PARTS:
            both = raw.get(part)
            if not isinstance(both, dict):
                raise FeedRefused(gettext_noop("Item %(item)s has no valid %(field)s."), item=item_id, field=part)
            limit = 300 if part == "title" else MAX_TEXT
            content[part] = {language: _text(both.get(language), field=f"{part}.{language}", item_id=item_id,
                                             limit=limit) for language in ("sv", "en")}
        content["organisation"] = _text(raw.get("organisation"), field="organisation", item_id=item_id, limit=200)
        title = content["title"]["sv"]
    else:
        title = _text(raw.get("title"), field="title", item_id=item_id, limit=300)
        content["title"] = title
        content["summary"] = _text(raw.get("summary"), field="summary", item_id=item_id)
        if kind == ItemKind.SOLUTION:
            content["supplier"] = _text(raw.get("supplier"), field="supplier", item_id=item_id, limit=200)
            trl = raw.get("trl")
            if trl is not None and (not isinstance(trl, int) or isinstance(trl, bool) or not 1 <= trl <= 9):
                raise FeedRefused(gettext_noop("Item %(item)s has no valid %(field)s."), item=item_id, field="trl")
            content["trl"] = trl
    return {"kind": kind, "remote_id": item_id, "title": title, "content": content, "updated": updated,
            "digest": signing.digest(content)}


@dataclass(frozen=True)
class AnnouncedKey:
    key_id: str
    public_key: str
    valid_until: datetime | None
    signed: bool  # the feed carries a valid signature by this key too: its publisher holds the private half


@dataclass(frozen=True)
class ReadFeed:
    items: list[dict]
    signer: str  # the key id of the trusted key whose signature was accepted
    announced: list[AnnouncedKey] | None  # None: the feed announces no keys (before key rotation existed)


def _signature_candidates(document: dict) -> list[tuple[str, str]]:
    """(key id or "", base64 signature) of every signature the feed carries."""
    candidates = []
    for entry in document.get("signatures") or []:
        if isinstance(entry, dict) and entry.get("alg", signing.ALGORITHM) == signing.ALGORITHM \
                and isinstance(entry.get("value"), str):
            candidates.append((str(entry.get("key_id") or ""), entry["value"]))
    if isinstance(document.get("signature"), str):
        candidates.append(("", document["signature"]))
    return candidates


def _signed_by(payload: dict, candidates: list[tuple[str, str]], public_key: str) -> bool:
    try:
        wanted = signing.key_id(public_key)
    except signing.BadKey:
        return False
    return any((not named or named == wanted) and signing.verify(payload, value, public_key)
               for named, value in candidates)


def _announced_keys(payload: dict, candidates: list[tuple[str, str]]) -> list[AnnouncedKey] | None:
    if "keys" not in payload:
        return None
    announced = []
    for entry in payload["keys"] if isinstance(payload["keys"], list) else [None]:
        public = entry.get("public_key") if isinstance(entry, dict) else None
        until = entry.get("valid_until") if isinstance(entry, dict) else None
        valid_until = parse_datetime(until) if isinstance(until, str) else None
        try:
            named_correctly = isinstance(public, str) and entry.get("key_id") == signing.key_id(public)
        except signing.BadKey:
            named_correctly = False
        if not named_correctly or entry.get("alg") != signing.ALGORITHM or (until is not None and (
                valid_until is None or valid_until.tzinfo is None)):
            raise FeedRefused(gettext_noop("The feed announces a key that is not valid."))
        announced.append(AnnouncedKey(entry["key_id"], public, valid_until, _signed_by(payload, candidates, public)))
    return announced


def read_feed(body: bytes, trusted: Mapping[str, str]) -> ReadFeed:
    """The feed's items, cleaned, and the keys it announces, once a key in `trusted` (public key → key id) has
    signed it; FeedRefused otherwise."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise FeedRefused(gettext_noop("The feed is not JSON.")) from None
    candidates = _signature_candidates(document) if isinstance(document, dict) else []
    if not isinstance(document, dict) or not isinstance(document.get("payload"), dict) or not candidates:
        raise FeedRefused(gettext_noop("The feed has no signed payload."))
    payload = document["payload"]
    signer = next((key_id for public, key_id in trusted.items() if _signed_by(payload, candidates, public)), None)
    if signer is None:
        raise FeedRefused(gettext_noop("The feed's signature is not the partner's."))
    if payload.get("format") != FORMAT or not isinstance(payload.get("items"), list):
        raise FeedRefused(gettext_noop("The feed is not in the format %(format)s."), format=FORMAT)
    announced = _announced_keys(payload, candidates)
    cleaned = [_clean_item(raw) for raw in payload["items"]]
    keys = [(item["kind"], item["remote_id"]) for item in cleaned]
    if len(set(keys)) != len(keys):
        raise FeedRefused(gettext_noop("The feed holds the same item twice."))
    return ReadFeed(cleaned, signer, announced)


def parse_feed(body: bytes, public_key: str) -> list[dict]:
    """The feed's items, cleaned, once its signature is `public_key`'s; FeedRefused otherwise."""
    try:
        trusted = {public_key: signing.key_id(public_key)}
    except signing.BadKey:
        trusted = {}
    return read_feed(body, trusted).items


def trusted_keys(subscription: Subscription, now: datetime) -> dict[str, str]:
    """The partner's public keys the purchasing body trusts now (public key → key id): the one it subscribed with
    and the successors recorded from the feed, each until the partner said it stops signing with it."""
    trusted = {}
    with contextlib.suppress(signing.BadKey):
        trusted[subscription.public_key] = signing.key_id(subscription.public_key)
    for key in subscription.keys.all():
        if key.valid_until is not None and key.valid_until <= now:
            trusted.pop(key.public_key, None)
        else:
            trusted[key.public_key] = key.key_id
    return trusted


def newest_trusted_key(subscription: Subscription, now: datetime) -> str | None:
    """The partner's current key as far as its feed has shown: the last trusted, the key subscribed with when no
    successor has been learnt; None when no key is trusted any more."""
    return next(reversed(trusted_keys(subscription, now)), None)


def _record_keys(subscription: Subscription, read: ReadFeed, now: datetime) -> bool:
    """Records the successors the partner announced in a feed signed by a trusted key (each signing the feed too),
    the last day it gives a key, and the end of trust in a key it no longer announces. Audited. Whether a
    successor was learnt."""
    if read.announced is None:
        return False
    learnt = False
    rows = {key.public_key: key for key in subscription.keys.all()}
    announced = {key.public_key: key for key in read.announced}
    for key in read.announced:
        row = rows.get(key.public_key)
        if row is None:
            if key.public_key != subscription.public_key and not key.signed:
                continue  # announced without its own signature: not trusted
            if key.public_key == subscription.public_key and key.valid_until is None:
                continue  # the key subscribed with, without a last day: nothing to record
            row = PartnerKey.objects.create(subscription=subscription, key_id=key.key_id, public_key=key.public_key,
                                            valid_until=key.valid_until, announced_by=read.signer, recorded_at=now)
            learnt = learnt or key.public_key != subscription.public_key
            audit_log(actor=None, verb="network.partner_key_recorded", obj=subscription,
                      payload={"key_id": key.key_id, "announced_by": read.signer,
                               "valid_until": key.valid_until.isoformat() if key.valid_until else None})
        elif row.valid_until != key.valid_until:
            _trust_until(subscription, row, key.valid_until, read.signer)
    for public, key_id in trusted_keys(subscription, now).items():
        if public not in announced:  # the partner no longer signs with it: trusted no more
            row = rows.get(public) or PartnerKey.objects.create(
                subscription=subscription, key_id=key_id, public_key=public, announced_by=read.signer,
                recorded_at=now)
            _trust_until(subscription, row, now, read.signer)
    return learnt


def _partner_key_update(subscription: Subscription, now: datetime, signer: str) -> None:
    """After a successor is learnt: the partner body's key becomes the newest key trusted for its feed."""
    newest = newest_trusted_key(subscription, now)
    partner = Organisation.objects.select_for_update().get(pk=subscription.partner_id)
    if newest is not None and partner.public_key != newest:
        _partner_key_set(partner, newest, actor=None, subscription=subscription, announced_by=signer)


def _trust_until(subscription: Subscription, row: PartnerKey, until: datetime | None, signer: str) -> None:
    row.valid_until = until
    row.save(update_fields=["valid_until"])
    audit_log(actor=None, verb="network.partner_key_validity_changed", obj=subscription,
              payload={"key_id": row.key_id, "announced_by": signer,
                       "valid_until": until.isoformat() if until else None})


def import_feed(subscription: Subscription, body: bytes | None = None) -> dict[str, int]:
    """Fetches (unless `body` is given), verifies and imports the feed in one transaction: new items are added,
    changed ones updated, those the partner no longer publishes removed; the keys it announces are recorded, and a
    successor learnt becomes the partner body's key. A refused feed changes no item; the refusal is logged, audited
    and kept on the subscription. Returns the counts."""
    now = clock.now()
    try:
        read = read_feed(fetch(subscription.feed_url) if body is None else body, trusted_keys(subscription, now))
        with transaction.atomic():
            counts = _store(subscription, read.items, now)
            if _record_keys(subscription, read, now):
                _partner_key_update(subscription, now, read.signer)
            Subscription.objects.filter(pk=subscription.pk).update(last_checked_at=now, last_imported_at=now,
                                                                   last_error=None)
            audit_log(actor=None, verb="network.feed_imported", obj=subscription, payload=counts)
    except FeedRefused as error:
        log.warning("network feed %s refused: %s", subscription.feed_url, error.msgid % error.params)
        reason = {"msgid": error.msgid, "params": error.params}
        with transaction.atomic():
            Subscription.objects.filter(pk=subscription.pk).update(last_checked_at=now, last_error=reason)
            audit_log(actor=None, verb="network.feed_refused", obj=subscription,
                      payload={"reason": error.msgid % error.params})
            if subscription.last_error != reason:  # told once per new reason, not every day it persists
                notify(recipients=[subscription.created_by], kind="network.feed_refused",
                       subject=gettext_lazy("A partner's feed was refused"),
                       body=gettext_lazy("The feed of %(partner)s was not imported, and nothing of it was kept. "
                                         "See the reason on the page of the feeds you follow."),
                       params={"partner": subscription.partner.name}, url=reverse("network:subscriptions"))
        subscription.refresh_from_db()
        raise
    subscription.refresh_from_db()
    return counts


def _store(subscription: Subscription, cleaned: list[dict], now: datetime) -> dict[str, int]:
    existing = {(item.kind, item.remote_id): item for item in subscription.items.all()}
    counts = {"added": 0, "updated": 0, "unchanged": 0, "removed": 0}
    for item in cleaned:
        key = (item["kind"], item["remote_id"])
        stored = existing.pop(key, None)
        if stored is None:
            NetworkItem.objects.create(subscription=subscription, kind=item["kind"], remote_id=item["remote_id"],
                                       title=item["title"], content=item["content"], digest=item["digest"],
                                       remote_updated_at=item["updated"], imported_at=now)
            counts["added"] += 1
        elif stored.digest != item["digest"] or stored.remote_updated_at != item["updated"]:
            stored.title, stored.content, stored.digest = item["title"], item["content"], item["digest"]
            stored.remote_updated_at, stored.imported_at = item["updated"], now
            stored.save()
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    if existing:
        NetworkItem.objects.filter(pk__in=[item.pk for item in existing.values()]).delete()
        counts["removed"] = len(existing)
    return counts


def import_all() -> dict[int, dict[str, int] | str]:
    """Every subscription's feed, each on its own: one partner's bad feed does not stop the others."""
    results: dict[int, dict[str, int] | str] = {}
    for subscription in Subscription.objects.all():
        try:
            results[subscription.pk] = import_feed(subscription)
        except FeedRefused as error:
            results[subscription.pk] = error.msgid % error.params
    return results


# This instance's signing keys ------------------------------------------------------------------------------

def _check_may_manage_keys(actor) -> None:
    from innokop.accounts.permissions import actor_for

    from .permissions import may_manage_keys

    if actor is not None and not may_manage_keys(actor_for(actor)):
        raise NetworkError(_("Only the purchasing body's framework managers manage the feed's keys."), status=403,
                           code="not_key_manager")


def signing_key_rotate(*, actor: User | None) -> SigningKey:
    """Generates a new key that signs the feed from now; the keys signing until now keep signing beside it for
    INNOKOP_NETWORK_KEY_TRANSITION_DAYS days, so partners that trust them learn the new one. None: the system
    (the management command)."""
    from . import keys

    _check_may_manage_keys(actor)
    now = clock.now()
    until = now + timedelta(days=settings.INNOKOP_NETWORK_KEY_TRANSITION_DAYS)
    text = signing.new_private_key_text()
    public = signing.public_key_text(signing.private_key(text))
    key_id = signing.key_id(public)
    keys.store_private(key_id, text)
    with transaction.atomic():
        if not SigningKey.objects.exists():
            first = keys.settings_key()
            SigningKey.objects.create(key_id=first.key_id, public_key=first.public_key,
                                      source=SigningKey.Source.SETTINGS, created_at=now)
        previous = list(SigningKey.objects.select_for_update().active(now))
        for row in previous:
            if row.valid_until is None:
                row.valid_until = until
                row.save(update_fields=["valid_until"])
        key = SigningKey.objects.create(key_id=key_id, public_key=public, source=SigningKey.Source.FILE,
                                        valid_from=now, created_by=actor, created_at=now)
        audit_log(actor=actor, verb="network.key_rotated", obj=key,
                  payload={"key_id": key_id, "previous": [row.key_id for row in previous],
                           "transition_until": until.isoformat()})
    return key


def signing_key_transition_end(*, actor: User | None) -> list[str]:
    """Ends the transition now: only the current key signs the feed from now. Returns the key ids dropped."""
    _check_may_manage_keys(actor)
    now = clock.now()
    with transaction.atomic():
        active = list(SigningKey.objects.select_for_update().active(now))
        if len(active) < 2:
            raise NetworkError(_("Only the current key signs the feed: there is no previous key to stop."),
                               status=409, code="no_previous_key")
        for row in active[1:]:
            row.valid_until = now
            row.save(update_fields=["valid_until"])
        dropped = [row.key_id for row in active[1:]]
        audit_log(actor=actor, verb="network.key_transition_ended", obj=active[0],
                  payload={"key_id": active[0].key_id, "dropped": dropped})
    return dropped
