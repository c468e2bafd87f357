"""Beat that catches up on a tick it could not send (issue 37: "beat skips ticks while Redis is down and
does not catch up").

Celery's scheduler moves an entry's last run to "now" before it sends the task (`reserve`), and a send
that fails — the broker is down — is only logged: the tick is lost. A weekly entry (the notices digest,
Monday 07:30) would wait a week. Here an entry whose send failed gets its last run back, so it stays
due, and beat tries again after `BEAT_SEND_RETRY_SECONDS` (not at once: a broker that is down would
make it spin). The periodic tasks are idempotent (stored due times, keys per learner-week), so a tick
sent late does what the lost one would have.
"""

from typing import Any

from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler, ModelEntry


class CatchUpScheduler(DatabaseScheduler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._unsent: list[ModelEntry] = []
        super().__init__(*args, **kwargs)

    def apply_async(
        self, entry: ModelEntry, producer: Any = None, advance: bool = True, **kwargs: Any
    ) -> Any:
        try:
            return super().apply_async(entry, producer, advance, **kwargs)
        except Exception:
            self._unsent.append(entry)  # Celery's apply_entry logs the error
            raise

    def tick(self, *args: Any, **kwargs: Any) -> float:
        delay = super().tick(*args, **kwargs)
        if not self._unsent:
            return delay
        for entry in self._unsent:
            # `reserve` moved the shared model row's last run on; the entry kept the one before.
            entry.model.last_run_at = entry.last_run_at
            entry.model.total_run_count = max(entry.model.total_run_count - 1, 0)
            self._dirty.add(entry.name)  # stored by the next sync, before any restart
        self._unsent.clear()
        self._heap = None  # the heap holds the moved-on copy: build it again, the entry due
        return max(delay, settings.BEAT_SEND_RETRY_SECONDS)
