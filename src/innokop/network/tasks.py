"""Background work of the network app: importing the partners' feeds every day."""

from django_tasks import task


@task()
def import_partner_feeds() -> dict:
    """Imports every subscribed feed (services.import_all); a refused feed is logged and kept on its subscription."""
    from .services import import_all

    return {str(pk): result for pk, result in import_all().items()}


DAILY = [import_partner_feeds]  # core/daily.py
