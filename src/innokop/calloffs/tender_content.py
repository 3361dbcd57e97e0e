"""What a tender says, as one value: the plaintext that is sealed, and read back after opening.

The same structure is the supplier's draft (sealed with the tender's draft key) and a submission
(sealed with the call-off's key). Its bytes are canonical JSON (sorted keys, no spaces), so the
SHA-256 in the receipt can be recomputed from the opened content by anyone.

    {"version": 1,
     "requirements": {"<requirement pk>": {"meets": true|false|null, "evidence": "…"}},
     "criteria": {"<call-off criterion pk>": "the supplier's answer"},
     "total_price": "1234500.00" | "",          # the evaluated price, SEK excluding VAT
     "prices": {"<price list row pk>": "950.00"},  # unit prices, each at most the ceiling price
     "attachments": [{"name": "safe name.pdf", "content_type": "application/pdf",
                      "size": 1234, "sha256": "…", "data": "<base64>"}],
     "salt": "<32 random hex digits>"}

The salt makes the receipt's SHA-256 unguessable: without it, a short tender (yes to every
requirement and a price) could be found from its hash by trying prices, and the hash is stored
next to the sealed content (docs/sealed-tenders.md, "Guessable content and its hash").
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

FORMAT_VERSION = 1


class TenderContentError(ValueError):
    """Bytes that are not tender content in a known format."""


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def as_json(self) -> dict:
        return {"name": self.name, "content_type": self.content_type, "size": self.size, "sha256": self.sha256,
                "data": base64.b64encode(self.data).decode("ascii")}


@dataclass(frozen=True)
class RequirementAnswer:
    meets: bool | None = None
    evidence: str = ""


@dataclass(frozen=True)
class TenderContent:
    requirements: dict[int, RequirementAnswer] = field(default_factory=dict)
    criteria: dict[int, str] = field(default_factory=dict)
    total_price: Decimal | None = None
    prices: dict[int, Decimal] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()
    # Random per content; kept when read back, so a draft and its submission hash the same.
    salt: str = field(default_factory=lambda: secrets.token_hex(16), compare=False)

    def to_bytes(self) -> bytes:
        value = {
            "version": FORMAT_VERSION,
            "requirements": {str(pk): {"meets": a.meets, "evidence": a.evidence}
                             for pk, a in self.requirements.items()},
            "criteria": {str(pk): text for pk, text in self.criteria.items()},
            "total_price": "" if self.total_price is None else str(self.total_price),
            "prices": {str(pk): str(price) for pk, price in self.prices.items()},
            "attachments": [a.as_json() for a in self.attachments],
            "salt": self.salt,
        }
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> TenderContent:
        try:
            value = json.loads(data.decode("utf-8"))
            if value.get("version") != FORMAT_VERSION:
                raise TenderContentError(f"Unknown tender content version {value.get('version')!r}.")
            return cls(
                requirements={int(pk): RequirementAnswer(meets=a.get("meets"), evidence=a.get("evidence", ""))
                              for pk, a in value.get("requirements", {}).items()},
                criteria={int(pk): str(text) for pk, text in value.get("criteria", {}).items()},
                total_price=Decimal(value["total_price"]) if value.get("total_price") else None,
                prices={int(pk): Decimal(price) for pk, price in value.get("prices", {}).items()},
                attachments=tuple(Attachment(name=a["name"], content_type=a["content_type"],
                                             data=base64.b64decode(a["data"], validate=True))
                                  for a in value.get("attachments", [])),
                salt=str(value.get("salt", "")),
            )
        except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError, ValueError,
                InvalidOperation) as error:
            if isinstance(error, TenderContentError):
                raise
            raise TenderContentError(f"Not tender content: {error}") from error

    def sha256(self) -> str:
        return hashlib.sha256(self.to_bytes()).hexdigest()
