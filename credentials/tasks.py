"""Celery task: render and store a certificate's PDF. Takes an id, re-fetches, and is a no-op when the
PDF is stored already (so a duplicated or redelivered message renders it once)."""

from celery import shared_task
from django.db import OperationalError as DatabaseOperationalError

from credentials import services


@shared_task(
    name="credentials.tasks.render_certificate_pdf",
    ignore_result=True,
    autoretry_for=(DatabaseOperationalError, OSError),  # the database or the file storage, briefly away
    retry_backoff=True,
    max_retries=5,
)
def render_certificate_pdf(certificate_id: int) -> bool:
    return services.certificate_pdf_store(certificate_id=certificate_id)
