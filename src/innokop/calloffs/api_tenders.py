"""API of the call-off's tenders section (placeholder until the section is built)."""

from ninja import Router

router = Router(tags=["call-offs"])
