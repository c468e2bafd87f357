"""Writes of code exercises: a learner's run ("Run examples") and submission (an attempt), drafts, and a
staff member's check of an exercise. Running the code in the sandbox is `execution.py` (the worker)."""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext, ngettext
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from accounts.models import User
from exercises.models import CODE_LIMIT_CHARS, Draft, Exercise, Run
from progress.scope import enrolment_current_for
from progress.services import activity_touch

logger = logging.getLogger(__name__)

UNFINISHED_RUNS_PER_LEARNER = 3
"""A learner's runs waiting or running at once; more are refused until one finishes (a flood of
"Run examples" never fills the sandbox queue)."""


class CodeTooLarge(ValidationError):
    """The code is over CODE_LIMIT_CHARS (the API answers 413)."""


class TooManyRuns(ValidationError):
    """The learner already has UNFINISHED_RUNS_PER_LEARNER runs waiting (the API answers 429)."""


def code_clean(code: object) -> str:
    """The code as it may be stored: a string, not too long, encodable (no lone surrogates), no NUL."""
    if not isinstance(code, str):
        raise ValidationError({"code": gettext("Send the code as a string.")})
    if len(code) > CODE_LIMIT_CHARS:
        raise CodeTooLarge(
            {
                "code": gettext("The code is longer than %(limit)s characters.")
                % {"limit": f"{CODE_LIMIT_CHARS:,}"}
            }
        )
    if "\x00" in code:
        raise ValidationError({"code": gettext("The code contains a NUL character.")})
    try:
        code.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValidationError(
            {"code": gettext("The code contains an invalid character (a lone surrogate).")}
        ) from error
    return code


def run_create(*, learner: User, exercise: Exercise, kind: str, code: object) -> Run:
    """Save a learner's "Run examples" (kind `examples`, not an attempt) or "Submit" (kind `submission`,
    an attempt at the exercise) as a pending run, and queue it for the sandbox.

    Raises ValidationError (keys "exercise", "code"); nothing is saved then."""
    if kind not in (Run.Kind.EXAMPLES, Run.Kind.SUBMISSION):
        raise ValidationError({"kind": gettext("Choose examples or submission.")})
    if not exercise.is_published:
        raise ValidationError({"exercise": gettext("This exercise is not open yet.")})
    code = code_clean(code)
    enrolment = enrolment_current_for(learner=learner)
    with transaction.atomic():
        # The learner's row: their runs are created one at a time (the unfinished count, the number).
        User.objects.select_for_update().filter(pk=learner.pk).first()
        unfinished = Run.objects.filter(learner=learner, status__in=(Run.Status.PENDING, Run.Status.RUNNING))
        if unfinished.count() >= UNFINISHED_RUNS_PER_LEARNER:
            raise TooManyRuns(
                {"code": gettext("Your earlier runs are still in the sandbox: wait for their results.")}
            )
        attempt_number = None
        if kind == Run.Kind.SUBMISSION:
            attempts = Run.objects.filter(learner=learner, exercise=exercise, kind=Run.Kind.SUBMISSION)
            used = attempts.exclude(status=Run.Status.FAILED).count()
            if used >= exercise.max_attempts:
                raise ValidationError(
                    {
                        "exercise": ngettext(
                            "You have used your only attempt at this exercise.",
                            "You have used all %(count)s attempts at this exercise.",
                            exercise.max_attempts,
                        )
                        % {"count": exercise.max_attempts}
                    }
                )
            attempt_number = (attempts.aggregate(last=Max("attempt_number"))["last"] or 0) + 1
        try:
            with transaction.atomic():
                run = Run.objects.create(
                    exercise=exercise, learner=learner, enrolment=enrolment, kind=kind,
                    attempt_number=attempt_number, code=code,
                )  # fmt: skip
        except IntegrityError as error:  # cannot happen under the lock above; a clear error if it does
            raise ValidationError({"exercise": gettext("This attempt was already submitted.")}) from error
        Draft.objects.update_or_create(learner=learner, exercise=exercise, defaults={"code": code})
        activity_touch(learner=learner)
        transaction.on_commit(lambda: run_enqueue(run_id=run.pk))
    return run


def exercise_check(*, exercise: Exercise, staff: User) -> tuple[Run, Run]:
    """Run the exercise's reference solution and its starter against its hidden tests (staff only):
    the reference should pass every test, the starter fail at least one."""
    if not staff.is_staff:
        raise ValidationError({"exercise": gettext("Only staff check exercises.")})
    with transaction.atomic():
        runs = (
            Run.objects.create(
                exercise=exercise,
                learner=staff,
                kind=Run.Kind.CHECK_REFERENCE,
                code=exercise.reference_solution,
            ),
            Run.objects.create(
                exercise=exercise, learner=staff, kind=Run.Kind.CHECK_STARTER, code=exercise.starter_code
            ),
        )
        run_ids = [run.pk for run in runs]
        transaction.on_commit(lambda: runs_enqueue(run_ids=run_ids))
    return runs


def run_enqueue(*, run_id: int) -> None:
    """Queue the run on the sandbox queue. A broker that cannot be reached loses nothing: the run stays
    pending and the sweep queues it again (the learner's request still succeeds)."""
    # services ↔ tasks: a service queues the task, the task calls services (imported here, not above).
    from exercises.tasks import execute_run

    try:
        execute_run.delay(run_id)
    except (KombuOperationalError, RedisError, OSError) as error:
        logger.error("Could not queue run %s (%s); the sweep will retry", run_id, error)


def runs_enqueue(*, run_ids: list[int]) -> int:
    for run_id in run_ids:
        run_enqueue(run_id=run_id)
    return len(run_ids)


def draft_save(*, learner: User, exercise: Exercise, code: object) -> Draft:
    """Keep the code in the learner's editor (the latest wins)."""
    if not exercise.is_published:
        raise ValidationError({"exercise": gettext("This exercise is not open yet.")})
    draft, _ = Draft.objects.update_or_create(
        learner=learner, exercise=exercise, defaults={"code": code_clean(code)}
    )
    return draft
