"""Finding CPV codes by number or words, for the code pickers."""

from django.db.models import Q, QuerySet

from .models import CpvCode


def cpv_search(query: str, *, limit: int = 20) -> QuerySet[CpvCode]:
    query = query.strip()
    if not query:
        return CpvCode.objects.none()
    digits = query.replace("-", "").replace(" ", "")
    if digits.isdigit():
        return CpvCode.objects.filter(code__startswith=digits[:8])[:limit]
    condition = Q()
    for word in query.split():
        condition &= Q(label_sv__icontains=word) | Q(label_en__icontains=word)
    return CpvCode.objects.filter(condition).order_by("level", "code")[:limit]
