"""Views of the call-off's dialogue section (placeholder until the section is built)."""

urlpatterns: list = []


def detail_context(request, calloff, now, *, agency: bool) -> dict:
    return {}
