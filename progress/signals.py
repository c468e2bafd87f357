"""Events of progress that higher apps react to without progress importing them.

`enrolment_saved` is sent inside the transaction that creates an enrolment or saves staff's edits to it
(admin: the learner may change), and after the learner leaves it or staff complete it, with
`enrolment_id`: receivers keep stored state that belongs to it or follows the learner's current
enrolment (mentoring's flags; assessments' quiz record, which counts the current enrolment's attempts),
and a receiver's error fails the save.
"""

from django.dispatch import Signal

enrolment_saved = Signal()
