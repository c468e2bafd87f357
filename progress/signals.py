"""Events of progress that higher apps react to without progress importing them.

`enrolment_saved` is sent inside the transaction that creates an enrolment or saves staff's edits to it
(admin: the learner may change), with `enrolment_id`: receivers keep stored state that belongs to it
(mentoring's flags, which start from the learner's quiz record), and a receiver's error fails the save.
"""

from django.dispatch import Signal

enrolment_saved = Signal()
