"""Writes for mentors: feedback, phase reviews, assignments, and the weekly digest.

Every e-mail goes through the outbox (notifications), enqueued in the same transaction as the write it
is about, under a key that makes it once: `feedback:<id>`, `phase-review:<id>`, `digest:<mentor>:<monday>`.
Feedback and phase reviews are notices (`notifications.services.notify`): in the product, and by e-mail
as the learner's preference for the kind says.
"""

import logging
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from accounts.models import User
from accounts.preferences import Stream, weekly_stream_ran
from credentials.services import certificates_issue_for_sign_off
from curriculum.models import Phase, Week
from lms.id_pages import id_pages
from lms.locale import for_person, zone_of
from mentoring.flags import STORED_FLAGS, enrolments_with_quiz_flags_changed, mentee_flags_computed
from mentoring.models import MenteeFlags, PhaseReview, WeekFeedback
from mentoring.selectors import phases_ready_for_review, reply_refusal
from mentoring.signoff import decision_refusal, phase_state_of
from mentoring.table import mentee_rows
from notifications.notices import notices_settle
from notifications.selectors import email_exists
from notifications.services import email_enqueue, notify
from progress.models import Enrolment
from progress.rebuilds import Rebuild
from progress.scope import CURRENT_STATUSES, mentee_enrolments_for
from projects.selectors import review_queue_for, review_waiting_days

logger = logging.getLogger(__name__)


def mentee_flags_refresh(*, enrolment_ids: Iterable[int]) -> None:
    """Recompute and store these enrolments' flags (`MenteeFlags`; the only writer), in the caller's
    transaction. The enrolments are locked first (FOR NO KEY UPDATE, in id order; a project's submission
    locks its enrolment first too, so the order is the same everywhere and foreign-key checks are not
    blocked): a write to the same enrolment committing meanwhile is waited for, and then seen (each
    statement reads what has committed when it starts), so the last writer never stores a count
    computed before the other's change."""
    ids = sorted(set(enrolment_ids))
    if not ids:
        return
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk")
        list(locked.values_list("pk", flat=True))
        MenteeFlags.objects.bulk_create(
            [
                MenteeFlags(
                    enrolment_id=pk, **dict(zip(STORED_FLAGS, raised, strict=True)), count=sum(raised)
                )
                for pk, *raised in mentee_flags_computed(enrolment_ids=ids)
            ],
            update_conflicts=True,
            unique_fields=["enrolment"],
            update_fields=[*STORED_FLAGS, "count", "refreshed_at"],
        )


def mentee_flags_refresh_for_learners(*, quiz_flags: Mapping[int, tuple[bool, bool]]) -> None:
    """After a refresh of these learners' quiz records (learner id → their quiz flags now): refresh the
    flags of their enrolments whose stored quiz flags differ. Most gradings change none; refreshing
    every enrolment (lock, compute, write) cost a grading 3.5 ms, twice its quiz record's refresh, where
    this check is one query of the stored rows. Skipping is safe: the stored flags read here are what
    the last refresh committed from the quiz record committed before this one, so when they equal what
    this one says, no refresh can store otherwise."""
    mentee_flags_refresh(enrolment_ids=enrolments_with_quiz_flags_changed(quiz_flags=quiz_flags))


def mentee_flags_rebuild_all() -> int:
    """Recompute every enrolment's flags in this process (the data migration; small databases): returns
    how many. The command fans the same work out over workers (`MENTEE_FLAGS_REBUILD`)."""
    rebuilt = 0
    for ids in id_pages(Enrolment.objects.all(), size=1000):
        mentee_flags_refresh(enrolment_ids=ids)
        rebuilt += len(ids)
    return rebuilt


def mentee_flags_recompute_range(first_id: int, last_id: int, as_of: datetime) -> int:
    """Recompute the flags of the enrolments first_id..last_id (one range of a rebuild run)."""
    ids = list(Enrolment.objects.filter(pk__range=(first_id, last_id)).values_list("pk", flat=True))
    mentee_flags_refresh(enrolment_ids=ids)
    return len(ids)


MENTEE_FLAGS_REBUILD = Rebuild(
    kind="mentee_flags",
    rows_name="enrolments' flags",
    ids=Enrolment.objects.all,
    id_field="id",
    recompute=mentee_flags_recompute_range,
)
"""Every enrolment's mentee flags, rebuilt in ranges over workers (`progress.rebuilds`)."""


def _require_mentor_of(user: User, enrolment: Enrolment) -> None:
    if not mentee_enrolments_for(user=user).filter(pk=enrolment.pk).exists():
        raise PermissionDenied(gettext("Only this learner's mentor or staff can do that."))


def feedback_create(
    *, author: User, enrolment: Enrolment, week: Week, body: str, request_key: str = ""
) -> WeekFeedback:
    """Leave feedback on a learner's week; the learner is e-mailed once it is saved.

    `request_key` (lms.idempotency: the form's one-time key, the API's Idempotency-Key): a key this
    author already saved feedback under returns that feedback, saving and sending nothing more (a
    mentor who retries after an error page); the same key on another learner's week is a 400."""
    _require_mentor_of(author, enrolment)
    if request_key and (earlier := _feedback_saved_under(author, request_key, enrolment, week)):
        return earlier
    feedback = WeekFeedback(
        enrolment=enrolment, week=week, author=author, body=body.strip(), request_key=request_key
    )
    feedback.full_clean(validate_constraints=False)  # (the key's constraint: the INSERT below says)
    try:
        with transaction.atomic():
            feedback.save()
            feedback_email_enqueue(feedback=feedback)
            # Answering the week's thread settles the learner's replies' notices on the mentor's bell.
            replies = WeekFeedback.objects.filter(enrolment=enrolment, week=week, from_learner=True)
            notices_settle(keys=[reply_notice_key(pk) for pk in replies.values_list("pk", flat=True)])
    except IntegrityError:  # the same key saved at the same moment (a double click)
        if request_key and (earlier := _feedback_saved_under(author, request_key, enrolment, week)):
            return earlier
        raise
    return feedback


def _feedback_saved_under(
    author: User, request_key: str, enrolment: Enrolment, week: Week
) -> WeekFeedback | None:
    earlier = WeekFeedback.objects.filter(author=author, request_key=request_key).first()
    if earlier is not None and (earlier.enrolment_id, earlier.week_id) != (enrolment.pk, week.pk):
        raise ValidationError({"request_key": gettext("This request key was used for other feedback.")})
    return earlier


def feedback_email_enqueue(*, feedback: WeekFeedback) -> None:
    """The learner's e-mail (and dashboard notice) about a mentor's feedback, once per feedback."""
    learner = feedback.enrolment.learner
    path = reverse("learner:week", args=[feedback.week.number])
    with for_person(learner):
        context = {"feedback": feedback, "learner": learner, "week_url": settings.SITE_URL + path}
        notify(
            recipient=learner,
            kind="week_feedback",
            key=f"feedback:{feedback.pk}",
            text=feedback.body,
            link=path,
            subject=gettext("Feedback from your mentor on week %(number)s")
            % {"number": feedback.week.number},
            email_text=render_to_string("mentoring/email/feedback.txt", context),
            email_html=render_to_string("mentoring/email/feedback.html", context),
        )


REPLY_MAX = 2000


def reply_notice_key(reply_id: int) -> str:
    """The key of the mentor's notice of a learner's reply: sent under it, settled by the answer."""
    return f"feedback-reply:{reply_id}"


def feedback_reply_create(*, learner: User, enrolment: Enrolment, week: Week, body: str) -> WeekFeedback:
    """The learner answers their mentor's feedback on a week (a short thread per week); the mentor is
    notified once (`feedback-reply:<id>`). Only on the learner's own current enrolment, on a week their
    mentor has commented on."""
    if enrolment.learner_id != learner.pk or enrolment.status not in CURRENT_STATUSES:
        raise PermissionDenied(gettext("Only the learner can reply on their own weeks."))
    commented = WeekFeedback.objects.filter(enrolment=enrolment, week=week, from_learner=False).exists()
    refusal = reply_refusal(enrolment=enrolment, mentor_has_commented=commented)
    if refusal is not None:
        raise ValidationError(refusal)
    mentor = enrolment.mentor
    assert mentor is not None  # (reply_refusal: a reply needs a mentor)
    body = body.strip()
    if not body:
        raise ValidationError({"body": gettext("Write a reply.")})
    if len(body) > REPLY_MAX:
        raise ValidationError(
            {"body": gettext("Keep the reply under %(count)s characters.") % {"count": REPLY_MAX}}
        )
    reply = WeekFeedback(enrolment=enrolment, week=week, author=learner, body=body, from_learner=True)
    reply.full_clean()
    with transaction.atomic():
        reply.save()
        path = reverse("mentoring:learner", args=[enrolment.pk]) + f"#week-{week.number}"
        with for_person(mentor):  # the mentor's language, not the learner's who replies
            names = {"learner": learner, "number": week.number}
            text = gettext("%(learner)s replied on week %(number)s: %(body)s") % {**names, "body": body}
            thread = gettext("The thread: %(url)s") % {"url": settings.SITE_URL + path}
            notify(
                recipient=mentor,
                kind="feedback_reply",
                key=reply_notice_key(reply.pk),
                text=text,
                link=path,
                subject=gettext("%(learner)s replied to your feedback on week %(number)s") % names,
                email_text=f"{text}\n\n{thread}\n",
            )
    return reply


def phase_review_create(
    *, reviewer: User, enrolment: Enrolment, phase: Phase, decision: str, comments: str = ""
) -> PhaseReview:
    """Sign a phase off (only once its weeks are complete and quizzes passed) or return it with comments."""
    _require_mentor_of(reviewer, enrolment)
    if decision not in PhaseReview.Decision.values:
        raise ValidationError({"decision": gettext("Choose to sign off or to return the phase.")})
    blockers = phases_ready_for_review(enrolment=enrolment).get(phase.number, [])
    if decision == PhaseReview.Decision.SIGNED_OFF and blockers:
        raise ValidationError(
            gettext("Phase %(number)s cannot be signed off yet: %(reasons)s.")
            % {"number": phase.number, "reasons": "; ".join(blockers)}
        )
    if decision == PhaseReview.Decision.RETURNED and not comments.strip():
        raise ValidationError(
            {"comments": gettext("Say what the learner should do before the phase is signed off.")}
        )
    review = PhaseReview(
        enrolment=enrolment, phase=phase, decision=decision, comments=comments, reviewer=reviewer
    )
    review.full_clean()
    try:
        with transaction.atomic():
            # The lifecycle's guard (signoff.ALLOWED), under a lock on the enrolment: two reviews of one
            # phase at once take turns, and the second sees the first's decision.
            Enrolment.objects.select_for_update().filter(pk=enrolment.pk).values_list("pk").get()
            state = phase_state_of(enrolment=enrolment, phase=phase)
            refusal = decision_refusal(state=state, decision=decision, phase_number=phase.number)
            if refusal is not None:
                raise ValidationError(refusal)
            review.save()
            phase_review_email_enqueue(review=review)
            if review.decision == PhaseReview.Decision.SIGNED_OFF:
                # The phase's certificate (and the curriculum's, with the last phase) in the same
                # transaction: a sign-off never stands without its certificate, nor the reverse.
                certificates_issue_for_sign_off(enrolment=enrolment, phase=phase, signed_by=reviewer)
    except IntegrityError as error:
        raise ValidationError(gettext("This phase is already signed off.")) from error
    return review


def phase_review_email_enqueue(*, review: PhaseReview) -> None:
    """The learner's e-mail (and dashboard notice) about a sign-off or a return, once per review."""
    learner = review.enrolment.learner
    phase = review.phase
    signed_off = review.decision == PhaseReview.Decision.SIGNED_OFF
    path = reverse("learner:dashboard")
    with for_person(learner):  # their language and zone
        context = {
            "review": review,
            "learner": learner,
            "signed_off": signed_off,
            "dashboard_url": settings.SITE_URL + path,
        }
        names = {"number": phase.number, "title": phase.title}
        if signed_off:
            subject = gettext("Phase %(number)s signed off: %(title)s") % names
            if review.reviewer:
                notice = gettext("%(mentor)s signed off phase %(number)s: %(title)s.") % {
                    **names,
                    "mentor": review.reviewer,
                }
            else:
                notice = gettext("Your mentor signed off phase %(number)s: %(title)s.") % names
        else:
            subject = gettext("Phase %(number)s returned: what to do before it is signed off") % names
            notice = gettext("Phase %(number)s (%(title)s) was returned.") % names
        if review.comments.strip():
            notice += " " + gettext("Comment: %(comment)s") % {"comment": review.comments.strip()}
        notify(
            recipient=learner,
            kind="phase_signed_off" if signed_off else "phase_returned",
            key=f"phase-review:{review.pk}",
            text=notice,
            link=path,
            subject=subject,
            email_text=render_to_string("mentoring/email/phase_review.txt", context),
            email_html=render_to_string("mentoring/email/phase_review.html", context),
        )


def mentees_assign(*, mentor: User | None, enrolment_ids: Iterable[int]) -> int:
    """Assign enrolments to a mentor (None: unassign). Returns how many changed.

    Saved one by one (not one UPDATE) so that the audit trail records each change and who made it.
    """
    if mentor is not None and not mentor.is_mentor:
        raise ValidationError(
            {
                "mentor": gettext("%(user)s is not in the %(group)s group.")
                % {"user": mentor, "group": User.MENTOR_GROUP}
            }
        )
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


def digest_key(*, mentor_id: int, today: date) -> str:
    """The outbox key: one digest per mentor and week (its Monday)."""
    return f"digest:{mentor_id}:{week_starting(today).isoformat()}"


def mentor_digest_send(*, mentor_id: int, today: date) -> bool:
    """Put one mentor's digest of the week's at-risk learners in the outbox, at most once per (mentor,
    week); the outbox sends it. False when it is there already (not composed again) or the mentor is gone."""
    mentor = User.objects.filter(pk=mentor_id, is_active=True).first()
    if mentor is None:
        return False
    key = digest_key(mentor_id=mentor_id, today=today)
    if email_exists(key=key):
        return False
    with for_person(mentor):  # in the mentor's language (the rows' reasons too), their zone's dates
        rows = [row for row in mentee_rows(user=mentor) if row.flags]
        queue = review_queue_for(user=mentor)
        context = {
            "mentor": mentor,
            "rows": rows,
            "queue": queue,
            "waiting_days": review_waiting_days(),
            "site_url": settings.SITE_URL,
            "dashboard_url": settings.SITE_URL + reverse("mentoring:dashboard"),
        }
        subject = (
            ngettext(
                "Your mentees this week: %(count)s needs attention",
                "Your mentees this week: %(count)s need attention",
                len(rows),
            )
            % {"count": len(rows)}
            if rows
            else gettext("Your mentees this week")
        )
        email_enqueue(
            recipient=mentor,
            kind="mentor_digest",
            key=key,
            subject=subject,
            text=render_to_string("mentoring/email/digest.txt", context),
            html=render_to_string("mentoring/email/digest.html", context),
        )
    return True


def mentor_digest_send_due(*, mentor_id: int, as_of: datetime) -> bool:
    """The beat's digest: the mentor's week is the one of their own date at `as_of` (their zone); once it
    is in the outbox, their next digest time moves on a week (accounts.preferences.weekly_stream_ran)."""
    mentor = User.objects.filter(pk=mentor_id).only("time_zone").first()
    if mentor is None:
        return False
    sent = mentor_digest_send(mentor_id=mentor_id, today=as_of.astimezone(zone_of(mentor.time_zone)).date())
    weekly_stream_ran(stream=Stream.DIGEST, user_ids=[mentor_id], ran_at=as_of)
    return sent


def mentor_ids_with_mentees_query(*, due_by: datetime | None = None) -> QuerySet[Enrolment, int]:
    """The ids of mentors with active mentees (with `due_by`: whose digest time has come by then)."""
    mentored = Enrolment.objects.filter(mentor__isnull=False, status=Enrolment.Status.ACTIVE)
    if due_by is not None:
        mentored = mentored.filter(Stream.DIGEST.due_by(due_by, "mentor__"))
    return mentored.values_list("mentor_id", flat=True).distinct()


def mentor_ids_with_mentees(*, due_by: datetime | None = None) -> list[int]:
    return list(mentor_ids_with_mentees_query(due_by=due_by).order_by("mentor_id"))
