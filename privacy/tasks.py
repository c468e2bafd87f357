"""Celery tasks: build an export (takes its id; a no-op when built or being built), sweep exports, and
erase the accounts whose grace period has ended. Each is safe to run twice or at once."""

import logging

from celery import shared_task
from django.db import OperationalError as DatabaseOperationalError

from privacy import deletion, exports

logger = logging.getLogger(__name__)


@shared_task(
    name="privacy.tasks.build_data_export",
    ignore_result=True,
    autoretry_for=(DatabaseOperationalError, OSError),  # the database or the storage, briefly away
    retry_backoff=True,
    max_retries=5,
)
def build_data_export(export_id: int) -> bool:
    try:
        return exports.data_export_build(export_id=export_id)
    except (DatabaseOperationalError, OSError):
        # Retried: let the next attempt claim it again at once rather than after the stale time.
        exports.data_export_requeue(export_id=export_id)
        raise
    except Exception:
        logger.exception("privacy: data export %s failed", export_id)
        exports.data_export_fail(export_id=export_id, error="The export could not be prepared.")
        return False


@shared_task(name="privacy.tasks.sweep_data_exports", ignore_result=True)
def sweep_data_exports() -> dict[str, int]:
    return exports.data_exports_sweep()


@shared_task(name="privacy.tasks.erase_due_accounts", ignore_result=True)
def erase_due_accounts() -> int:
    return deletion.accounts_erase_due()
