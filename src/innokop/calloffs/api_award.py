"""API of the call-off's award section (placeholder until the section is built)."""

from ninja import Router

router = Router(tags=["call-offs"])
