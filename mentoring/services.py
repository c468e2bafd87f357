"""Writes for mentors: feedback, phase reviews, assignments, and the weekly digest."""

import logging
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from curriculum.models import Phase, Week
from mentoring.models import MentorDigestLog, PhaseReview, WeekFeedback
from mentoring.selectors import mentee_enrolments_for, mentee_rows, phases_ready_for_review
from progress.models import Enrolment

logger = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=15)


def _require_mentor_of(user: User, enrolment: Enrolment) -> None:
    if not mentee_enrolments_for(user=user).filter(pk=enrolment.pk).exists():
        raise PermissionDenied("Only this learner's mentor or staff can do that.")


def feedback_create(*, author: User, enrolment: Enrolment, week: Week, body: str) -> WeekFeedback:
    """Leave feedback on a learner's week; the learner is e-mailed once it is saved."""
    from mentoring.tasks import send_feedback_email

    _require_mentor_of(author, enrolment)
    feedback = WeekFeedback(enrolment=enrolment, week=week, author=author, body=body.strip())
    feedback.full_clean()
    with transaction.atomic():
        feedback.save()
        send_feedback_email.delay_on_commit(feedback.pk)
    return feedback


def feedback_email_send(*, feedback_id: int) -> bool:
    feedback = (
        WeekFeedback.objects.select_related("enrolment__learner", "week", "author")
        .filter(pk=feedback_id)
        .first()
    )
    if feedback is None:
        return False
    learner = feedback.enrolment.learner
    context = {
        "feedback": feedback,
        "week_url": settings.SITE_URL + reverse("progress:week", args=[feedback.week.number]),
    }
    message = EmailMultiAlternatives(
        subject=f"Feedback from your mentor on week {feedback.week.number}",
        body=render_to_string("mentoring/email/feedback.txt", context),
        to=[learner.email],
    )
    message.send()
    return True


def phase_review_create(
    *, reviewer: User, enrolment: Enrolment, phase: Phase, decision: str, comments: str = ""
) -> PhaseReview:
    """Sign a phase off (only once its weeks are complete and quizzes passed) or return it with comments."""
    _require_mentor_of(reviewer, enrolment)
    if decision not in PhaseReview.Decision.values:
        raise ValidationError({"decision": "Choose to sign off or to return the phase."})
    blockers = phases_ready_for_review(enrolment=enrolment).get(phase.number, [])
    if decision == PhaseReview.Decision.SIGNED_OFF and blockers:
        raise ValidationError(f"Phase {phase.number} cannot be signed off yet: {'; '.join(blockers)}.")
    if decision == PhaseReview.Decision.RETURNED and not comments.strip():
        raise ValidationError({"comments": "Say what the learner should do before the phase is signed off."})
    review = PhaseReview(
        enrolment=enrolment, phase=phase, decision=decision, comments=comments, reviewer=reviewer
    )
    review.full_clean()
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError as error:
        raise ValidationError("This phase is already signed off.") from error
    return review


def mentees_assign(*, mentor: User | None, enrolment_ids: Iterable[int]) -> int:
    """Assign enrolments to a mentor (None: unassign). Returns how many changed.

    Saved one by one (not one UPDATE) so that the audit trail records each change and who made it.
    """
    if mentor is not None and not mentor.is_mentor:
        raise ValidationError({"mentor": f"{mentor} is not in the {User.MENTOR_GROUP} group."})
    changing = Enrolment.objects.filter(pk__in=list(enrolment_ids)).exclude(mentor=mentor)
    count = 0
    with transaction.atomic():
        for enrolment in changing.select_for_update(of=("self",)):
            enrolment.mentor = mentor
            enrolment.save(update_fields=["mentor"])
            count += 1
    return count


def week_starting(day: date) -> date:
    return day - timedelta(days=day.weekday())


def digest_claim(*, mentor_id: int, week: date) -> MentorDigestLog | None:
    """Take the (mentor, week) digest for this worker, or None when it is sent or being sent.

    A new row is inserted under a unique constraint, so two runs cannot both insert it; a row left
    'sending' by a worker that died (after STALE_CLAIM) or marked 'failed' is taken over by one
    conditional update, which only one worker can win.
    """
    try:
        with transaction.atomic():
            return MentorDigestLog.objects.create(mentor_id=mentor_id, week_starting=week, attempts=1)
    except IntegrityError:
        pass
    now = timezone.now()
    failed_or_stale = Q(status=MentorDigestLog.Status.FAILED) | Q(
        status=MentorDigestLog.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    taken = MentorDigestLog.objects.filter(failed_or_stale, mentor_id=mentor_id, week_starting=week).update(
        claimed_at=now, attempts=F("attempts") + 1, status=MentorDigestLog.Status.SENDING
    )
    return MentorDigestLog.objects.get(mentor_id=mentor_id, week_starting=week) if taken else None


def mentor_digest_send(*, mentor_id: int, today: date) -> bool:
    """E-mail one mentor the at-risk learners of the week, at most once per (mentor, week)."""
    mentor = User.objects.filter(pk=mentor_id, is_active=True).first()
    if mentor is None:
        return False
    log = digest_claim(mentor_id=mentor_id, week=week_starting(today))
    if log is None:
        return False
    rows = [row for row in mentee_rows(user=mentor) if row.flags]
    context = {
        "mentor": mentor,
        "rows": rows,
        "dashboard_url": settings.SITE_URL + reverse("mentoring:dashboard"),
    }
    message = EmailMultiAlternatives(
        subject=f"Your mentees this week: {len(rows)} need attention" if rows else "Your mentees this week",
        body=render_to_string("mentoring/email/digest.txt", context),
        to=[mentor.email],
    )
    message.attach_alternative(render_to_string("mentoring/email/digest.html", context), "text/html")
    try:
        message.send()
    except Exception as error:
        MentorDigestLog.objects.filter(pk=log.pk).update(
            status=MentorDigestLog.Status.FAILED, last_error=str(error)
        )
        raise
    MentorDigestLog.objects.filter(pk=log.pk).update(
        status=MentorDigestLog.Status.SENT, sent_at=timezone.now(), learner_count=len(rows), last_error=""
    )
    return True


def mentor_ids_with_mentees() -> list[int]:
    return list(
        Enrolment.objects.filter(mentor__isnull=False, status=Enrolment.Status.ACTIVE)
        .values_list("mentor_id", flat=True)
        .distinct()
        .order_by("mentor_id")
    )
