"""Which quiz attempts count: the one rule, in SQL and in Python.

A learner's attempts at a quiz belong to the enrolment they were made under (`Submission.enrolment`, the
learner's current enrolment when they submitted, None without one). The attempts that count — towards
the attempt limit, the quiz's status, the learner's pages, the stored `QuizRecord` and so the mentor's
figures and sign-off — are those made under the learner's current enrolment (active or paused), or,
while they have none, those made outside any.

So enrolling again starts the quizzes afresh, as it starts the weeks afresh: the earlier enrolment's
attempts stay its own, read on its history pages (`attempts_under`) by the learner and the mentor it had,
and a new mentor's figures describe only the enrolment they mentor (issue 35: "mentor figures come from
the enrolment they describe"). A learner who used every attempt can get new ones only by leaving and
enrolling again, which their mentor is told of and sees.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from assessments.models import Submission
from progress.models import Enrolment
from progress.scope import CURRENT_STATUSES, enrolment_current_id_for


def counting_enrolment_id(*, learner_id: int) -> int | None:
    """The enrolment whose attempts count for the learner now: their current one (None: outside any)."""
    return enrolment_current_id_for(learner_id=learner_id)


def attempts_under(*, learner_id: int, enrolment_id: int | None) -> QuerySet[Submission]:
    """The learner's attempts made under that enrolment (None: outside any)."""
    if enrolment_id is None:
        return Submission.objects.filter(learner_id=learner_id, enrolment_id__isnull=True)
    return Submission.objects.filter(learner_id=learner_id, enrolment_id=enrolment_id)


def attempts_counting(*, learner_id: int) -> QuerySet[Submission]:
    """The learner's attempts that count now (two queries' worth: the enrolment's id is read first)."""
    return attempts_under(learner_id=learner_id, enrolment_id=counting_enrolment_id(learner_id=learner_id))


def counts() -> Q:
    """The rule as a condition on Submission rows, for many learners at once (the stored records): the
    attempt was made under its learner's current enrolment, or outside any while they have none."""
    current = Enrolment.objects.filter(learner_id=OuterRef("learner_id"), status__in=CURRENT_STATUSES)
    return Q(Exists(current.filter(pk=OuterRef("enrolment_id")))) | (
        Q(enrolment_id__isnull=True) & ~Q(Exists(current))
    )


def counts_for(submission_enrolment_id: int | None, counting_id: int | None) -> bool:
    """The Python twin of `counts`: an attempt under `submission_enrolment_id` counts for a learner whose
    counting enrolment (`counting_enrolment_id`) is `counting_id`."""
    return submission_enrolment_id == counting_id
