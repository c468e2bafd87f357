"""Who sees what of a submission's review: the one rule, used by the pages and the API alike.

A quiz's review options (`Quiz.review_*`) say when its learners see which answers were right, the
correct answers and the explanations: after each graded attempt, once they have passed the quiz or used
every attempt ("finished"), or never. Nothing of it shows before the attempt is graded, and the answer
key never shows while attempts are left under the default options, so re-submitting what a review
revealed cannot pass a quiz. The learner's mentor and staff, who see the submission to help and grade,
see all of a graded attempt's review.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q

from accounts.models import User
from assessments.attempts import attempts_under
from assessments.grading import Attempt
from assessments.models import Quiz, Submission


@dataclass(frozen=True)
class Review:
    """What the viewer may see of a submission beyond their answers, its score and pass."""

    right_wrong: bool = False
    """Right or wrong per question, the points awarded and the grader's feedback."""
    correct_answers: bool = False
    """The correct choices, numeric answer with its tolerance, accepted short-text answers."""
    explanations: bool = False

    @property
    def anything(self) -> bool:
        return self.right_wrong or self.correct_answers or self.explanations


EVERYTHING = Review(right_wrong=True, correct_answers=True, explanations=True)
NOTHING = Review()


AttemptsState = tuple[int, bool]
"""How many attempts the learner used at a quiz (every submission), and whether one of them passed."""


def attempts_state(*, learner_id: int, enrolment_id: int | None, quiz: Quiz) -> AttemptsState:
    """The learner's attempts state at the quiz under that enrolment (`assessments.attempts`: a
    submission is judged among the attempts of its own enrolment), in one query."""
    state = (
        attempts_under(learner_id=learner_id, enrolment_id=enrolment_id)
        .filter(quiz=quiz)
        .aggregate(used=Count("id"), passed=Count("id", filter=Q(passed=True)))
    )
    return state["used"], bool(state["passed"])


def attempts_state_of(attempts: Sequence[Attempt]) -> AttemptsState:
    """The same, of the learner's attempts at the quiz already read (every submission)."""
    return len(attempts), any(attempt.passed for attempt in attempts)


def quiz_finished(
    *, learner_id: int, enrolment_id: int | None, quiz: Quiz, state: AttemptsState | None = None
) -> bool:
    """Passed on some attempt under the enrolment, or every attempt used (`state`, when already known,
    saves the query)."""
    used, passed = (
        state
        if state is not None
        else attempts_state(learner_id=learner_id, enrolment_id=enrolment_id, quiz=quiz)
    )
    return passed or used >= quiz.max_attempts


def review_for(*, viewer: User, submission: Submission) -> Review:
    """What `viewer` (who may see the submission: its learner, their mentor or staff) sees of its review."""
    if not submission.is_graded:
        return NOTHING
    if viewer.pk != submission.learner_id:
        return EVERYTHING
    return learner_review(submission=submission)


def learner_review(*, submission: Submission, attempts: AttemptsState | None = None) -> Review:
    """What the learner sees of the review of their graded submission (`review_for` them): its quiz's
    options, and whether they finished the quiz (one query, only when an option waits for that and
    `attempts`, their attempts state at the quiz, is not given)."""
    if not submission.is_graded:
        return NOTHING
    quiz = submission.quiz
    timings = (quiz.review_right_wrong, quiz.review_correct_answers, quiz.review_explanations)
    finished = Quiz.ReviewTiming.WHEN_FINISHED in timings and quiz_finished(
        learner_id=submission.learner_id, enrolment_id=submission.enrolment_id, quiz=quiz, state=attempts
    )

    def shown(timing: str) -> bool:
        return timing == Quiz.ReviewTiming.AFTER_EACH_ATTEMPT or (
            timing == Quiz.ReviewTiming.WHEN_FINISHED and finished
        )

    return Review(*(shown(timing) for timing in timings))
