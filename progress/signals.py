"""Events of progress that higher apps react to without progress importing them.

`enrolment_created` is sent inside the transaction that creates an enrolment, with `enrolment_id`:
receivers create stored state that belongs to it (mentoring's flags, which start from the learner's
quiz record), and a receiver's error fails the enrolment.
"""

from django.dispatch import Signal

enrolment_created = Signal()
