"""What the search engine (innokop.core.search) knows about framework agreements.

Only published agreements are indexed. The agreements services call `agreement_index` when an
agreement is published or changed; the catalogue's search reads the entries and its rebuild
(`catalogue.indexing.reindex`) calls it for every agreement.
"""

from innokop.core import search
from innokop.core.html import html_to_text

from .models import FrameworkAgreement

AGREEMENT = "agreement"


def agreement_index(agreement: FrameworkAgreement) -> None:
    """Index a published framework agreement (reference, title, summary, description, lot titles).

    An unpublished one is removed from the index.
    """
    if agreement.published_at is None:
        search.search_remove(kind=AGREEMENT, object_id=agreement.pk)
        return
    lots = [f"{lot.number}. {lot.title}" for lot in agreement.lots.all()]
    body = "\n".join([agreement.reference, agreement.summary, html_to_text(agreement.description), *lots])
    search.search_index(kind=AGREEMENT, object_id=agreement.pk, title=f"{agreement.reference} {agreement.title}",
                        body=body)
