"""Who may see which enrolment: the learner their own, a mentor the current enrolments assigned to
them (and, read-only, those that ended while they were its mentor), staff all. Every app scopes its
rows through these (a mentor's access follows the enrolment)."""

from django.db.models import OuterRef, Q, QuerySet

from accounts.models import User
from lms.json_rows import JSONRows, instances_from
from progress.models import Enrolment, ScheduleChange

CURRENT_STATUSES = (Enrolment.Status.ACTIVE, Enrolment.Status.PAUSED)


def enrolment_current_for(*, learner: User) -> Enrolment | None:
    """The learner's active or paused enrolment, with the mentor loaded; None if not enrolled."""
    return (
        Enrolment.objects.select_related("mentor")
        .filter(learner=learner, status__in=CURRENT_STATUSES)
        .first()
    )


def enrolment_current_id_for(*, learner_id: int) -> int | None:
    """The id of the learner's active or paused enrolment (None: not enrolled), one narrow query."""
    return (
        Enrolment.objects.filter(learner_id=learner_id, status__in=CURRENT_STATUSES)
        .values_list("pk", flat=True)
        .first()
    )


def enrolment_latest_for(*, learner: User, with_mentor: bool = False) -> Enrolment | None:
    """The enrolment the learner's pages show: the current one, else the most recent. Its learner is
    `learner` itself (every learner page reads it; a join would load the same row again). The mentor
    is joined only `with_mentor` (the API's enrolment shows them; the pages mostly do not, and a
    joined user row costs every page a wide SELECT)."""
    enrolments = Enrolment.objects.select_related("mentor") if with_mentor else Enrolment.objects.all()
    return _latest_of(enrolments, learner=learner)


def _latest_of(enrolments: QuerySet[Enrolment], *, learner: User) -> Enrolment | None:
    """Which of the learner's enrolments their pages show (the most recent), with `learner` as its."""
    enrolment = enrolments.filter(learner_id=learner.pk).order_by("-created_at").first()
    if enrolment is not None:
        enrolment.learner = learner
    return enrolment


_CHANGE_FIELDS = tuple(field.attname for field in ScheduleChange._meta.concrete_fields)


def enrolment_latest_with_changes_for(*, learner: User) -> tuple[Enrolment, list[ScheduleChange]] | None:
    """`enrolment_latest_for` and that enrolment's schedule changes in the order made, in one query (the
    changes as JSON in the enrolment's row). For the learner's pages that show the schedule, whose
    selectors take the changes as an argument; a service never takes this copy: it reads the changes
    itself, under its lock, after writing one."""
    changes = JSONRows(ScheduleChange.objects.filter(enrolment_id=OuterRef("pk")), *_CHANGE_FIELDS)
    enrolment = _latest_of(Enrolment.objects.annotate(schedule_change_rows=changes), learner=learner)
    if enrolment is None:
        return None
    # Handed beside the instance, never left on it: services take the instance and read their own.
    rows = enrolment.__dict__.pop("schedule_change_rows")
    in_order_made = sorted(
        instances_from(ScheduleChange, rows), key=lambda change: (change.created_at, change.pk)
    )
    return enrolment, in_order_made


def enrolments_mentored_by(*, mentor: User) -> QuerySet[Enrolment]:
    """The one rule of a mentor's access: the enrolments assigned to them that are current (active or
    paused). When an enrolment is completed, or another mentor is assigned, the mentor's access to it
    ends (staff keep it; the learner keeps their own): a mentor never sees a learner's later enrolment,
    nor the one they used to mentor. Whatever belongs to an enrolment (its schedule, progress, feedback,
    the submissions made under it) follows it."""
    return Enrolment.objects.filter(mentor=mentor, status__in=CURRENT_STATUSES)


def enrolments_read_by(*, mentor: User) -> QuerySet[Enrolment]:
    """What a mentor may read: the enrolments they mentor now, and those that ended (the learner left,
    or it was completed) while they were its mentor — read-only, as a teacher keeps a concluded
    course's records: the learner's history is "for the learner and their mentor at the time". Acting
    on an enrolment (reviews, feedback, sign-off) stays with `enrolments_mentored_by`. A mentor who was
    replaced reads nothing of it (the enrolment names its new mentor), and nobody reads a learner's later
    enrolment through an earlier one: each is its own row. Leaving and completing keep `mentor`."""
    return Enrolment.objects.filter(mentor=mentor)


def ended_enrolments_read_by(*, user: User) -> QuerySet[Enrolment]:
    """The ended enrolments (left or completed) a mentor reads — those they mentored until the end
    (`enrolments_read_by`); staff every one — newest ending first, with the learner."""
    ended = Enrolment.objects.exclude(status__in=CURRENT_STATUSES).select_related("learner")
    if not user.is_authenticated or not can_mentor(user):
        return ended.none()
    if not user.is_staff:
        ended = ended.filter(pk__in=enrolments_read_by(mentor=user).values("pk"))
    return ended.order_by("-ended_on", "-pk")


def enrolments_visible_to(*, user: User) -> QuerySet[Enrolment]:
    """The one place that scopes enrolments: learners see their own, mentors those they mentor now and
    those that ended while they mentored them (`enrolments_read_by`), staff all."""
    enrolments = Enrolment.objects.select_related("learner", "mentor")
    if not user.is_authenticated:
        return enrolments.none()
    if user.is_staff:
        return enrolments
    if user.is_mentor:
        return enrolments.filter(Q(pk__in=enrolments_read_by(mentor=user).values("pk")) | Q(learner=user))
    return enrolments.filter(learner=user)


def can_mentor(user: User) -> bool:
    return user.is_authenticated and (user.is_staff or user.is_mentor)


def mentee_enrolments_for(*, user: User) -> QuerySet[Enrolment]:
    """The one place that scopes mentoring: a mentor's current mentees (progress's one rule of a mentor's
    access, `enrolments_mentored_by`); staff see every current learner."""
    enrolments = Enrolment.objects.select_related("learner", "mentor").filter(status__in=CURRENT_STATUSES)
    if not user.is_authenticated:
        return enrolments.none()
    if user.is_staff:
        return enrolments
    if user.is_mentor:
        return enrolments_mentored_by(mentor=user).select_related("learner", "mentor")
    return enrolments.none()


def other_enrolments_visible_to(*, user: User, enrolment: Enrolment) -> list[Enrolment]:
    """The learner's other enrolments (earlier ones, after leaving and enrolling again) that `user` may
    see — the learner all of theirs, a mentor those they mentor or mentored until they ended, staff all
    — newest first."""
    return list(
        enrolments_visible_to(user=user)
        .filter(learner_id=enrolment.learner_id)
        .exclude(pk=enrolment.pk)
        .order_by("-created_at", "-pk")
    )
