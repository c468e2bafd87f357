"""Events of projects that higher apps react to without projects importing them.

`versions_changed` is sent inside the transaction of every write that changes a version's status
(submitted, reviewed), with `enrolment_ids`: receivers keep stored state computed from versions
(mentoring's flags) in the same transaction, so a receiver's error fails the write.
"""

from django.dispatch import Signal

versions_changed = Signal()
