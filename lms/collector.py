"""`fewer_collections()`: Python's cyclic garbage collector runs less often during a bulk job.

CPython starts a collection of its youngest generation every 700 container objects allocated (and
not yet freed), and every so often one of the whole heap (all of Django's modules included). A weekly
reminder batch allocates a few hundred thousand short-lived containers (rows, drafts, MIME parts),
nearly all freed at once by reference counting, so the collector found almost nothing to do:
2,066 young, 187 middle and 17 full collections, 1.7 s of a 100,000-learner run (~15 s). With the young
generation's threshold at 10,000: 84 collections, 0.2 s (BENCHMARKS.md, "Reminders"). Cyclic garbage is
still collected, a little later.

The thresholds are process-wide: the first job to enter raises them and the last to leave restores
them, so overlapping jobs (threads) leave them as they found them.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BULK_YOUNG_THRESHOLD = 10_000
"""Container allocations between two collections of the youngest generation during a bulk job."""


class _Raised:
    lock = threading.Lock()
    holders = 0
    saved: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the youngest generation's threshold to BULK_YOUNG_THRESHOLD (never lower it) for the block;
    usable as a decorator too."""
    with _Raised.lock:
        if _Raised.holders == 0:
            _Raised.saved = young, middle, oldest = gc.get_threshold()
            gc.set_threshold(max(young, BULK_YOUNG_THRESHOLD), middle, oldest)
        _Raised.holders += 1
    try:
        yield
    finally:
        with _Raised.lock:
            _Raised.holders -= 1
            if _Raised.holders == 0:
                gc.set_threshold(*_Raised.saved)
