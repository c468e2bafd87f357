"""Who gets a reminder on a given Monday, of which kind and about which week."""

from datetime import date, timedelta

from django.core import mail
from django.db.models import F
from django.utils.html import escape
from freezegun import freeze_time

from curriculum.models import Week
from notifications.models import Email
from progress.models import Enrolment
from progress.services import schedule_replan
from progress.standings import standing_refresh
from tests.reminders.conftest import RUN, run_reminders

SITE = "[AI/ML Curriculum] "  # every subject names the site (SITE_NAME's default)


def subjects_by_learner() -> dict[str, str]:
    return {message.to[0].split("@")[0]: message.subject.removeprefix(SITE) for message in mail.outbox}


def logged() -> dict[str, tuple[int, str, str]]:
    """Learner → (week, kind, status) of their reminder in the outbox (reminder:<enrolment>:<week>:<kind>)."""
    rows = Email.objects.filter(kind__startswith="reminder_").select_related("recipient")
    return {
        email.recipient.username: (int(email.key.split(":")[2]), email.key.split(":")[3], email.status)
        for email in rows
    }


@freeze_time(RUN)
def test_each_learner_gets_the_reminder_their_status_calls_for(enrol):
    enrol("on_track")
    enrol("behind", completed=[1, 2])
    enrol("inactive", completed=[1, 2], inactive_for=timedelta(days=15))
    enrol("paused", status=Enrolment.Status.PAUSED, completed=[])
    enrol("completed", status=Enrolment.Status.COMPLETED, completed=range(1, 53))
    enrol("opted_out", cadence=Enrolment.ReminderCadence.OFF, completed=[])
    enrol("when_behind_on_track", cadence=Enrolment.ReminderCadence.WHEN_BEHIND)
    enrol("when_behind_behind", cadence=Enrolment.ReminderCadence.WHEN_BEHIND, completed=[1])
    enrol("starts_next_week", start=date(2026, 12, 7), completed=[])

    assert run_reminders() == 4

    assert subjects_by_learner() == {
        "on_track": f"Week 5: {Week.objects.get(number=5).topic}",
        "behind": "You are 2 weeks behind: finish week 3 or re-plan",
        "inactive": "Pick up where you left off",
        "when_behind_behind": "You are 3 weeks behind: finish week 2 or re-plan",
    }
    assert logged() == {
        "on_track": (5, "weekly", "sent"),
        "behind": (5, "behind", "sent"),
        "inactive": (5, "inactive", "sent"),
        "when_behind_behind": (5, "behind", "sent"),
    }


@freeze_time(RUN)
def test_the_on_track_reminder_is_this_weeks_plan(enrol):
    enrol("ada")
    run_reminders()
    week = Week.objects.get(number=5)
    [message] = mail.outbox
    html = message.alternatives[0].content
    assert week.topic in message.body
    assert escape(week.topic) in html
    assert escape(week.focus_area) in html
    assert escape(week.objectives[0]) in html
    for part in (message.body, html):
        assert "http://127.0.0.1:8000/my/weeks/5/" in part
        assert "30 Nov" in part  # week 5 starts on the day of the run
    assert message.alternatives[0].mimetype == "text/html"


@freeze_time(RUN)
def test_the_behind_reminder_names_the_week_to_finish_and_offers_the_re_plan(enrol):
    enrol("bob", completed=[1, 2])
    run_reminders()
    [message] = mail.outbox
    assert "You are 2 weeks behind: finish week 3" in message.body
    assert "re-plan with one click" in message.body
    assert "http://127.0.0.1:8000/dashboard/" in message.body
    assert f"Week 4: {Week.objects.get(number=4).topic}" in message.body


@freeze_time(RUN)
def test_the_inactive_reminder_is_gentle_and_points_where_they_left_off(enrol):
    enrol("cleo", completed=[1, 2], inactive_for=timedelta(days=14))
    run_reminders()
    [message] = mail.outbox
    assert "behind" not in message.subject
    assert f"week 3 ({Week.objects.get(number=3).topic}) is waiting" in message.body
    assert "2 weeks done so far" in message.body


@freeze_time(RUN)
def test_a_never_active_learner_counts_as_inactive_from_their_enrolment(enrol):
    enrolment = enrol("dan", completed=[])
    Enrolment.objects.filter(pk=enrolment.pk).update(last_activity_at=F("created_at"))
    run_reminders()
    assert Email.objects.get().kind == "reminder_inactive"


@freeze_time(RUN)
def test_the_week_follows_the_real_schedule_not_a_fixed_offset(enrol):
    half_pace = enrol("half", completed=[1, 2])
    Enrolment.objects.filter(pk=half_pace.pk).update(pace="0.5")
    standing_refresh(enrolment_ids=[half_pace.pk])  # written past the services
    replanned = enrol("replanned", completed=[1, 2])
    schedule_replan(enrolment=replanned, changed_by=replanned.learner)  # week 3 starts this week
    run_reminders()
    assert logged() == {"half": (3, "weekly", "sent"), "replanned": (3, "weekly", "sent")}


def test_the_week_is_the_learners_own_calendar_day(enrol):
    # 08:00 UTC on Monday is already Monday evening in Kiritimati (UTC+14) and still Sunday night
    # in Honolulu (UTC-10): the Honolulu learner is told about the week that ends that night.
    with freeze_time(RUN):
        enrol("kiritimati", timezone="Pacific/Kiritimati")
        enrol("honolulu", timezone="Pacific/Honolulu")
        run_reminders()
    assert logged() == {"kiritimati": (5, "weekly", "sent"), "honolulu": (4, "weekly", "sent")}


@freeze_time(RUN)
def test_names_and_topics_are_escaped_in_the_html_part_and_verbatim_in_the_text_part(enrol):
    """The frames and contents are Jinja2 templates: the HTML part escapes what it inserts (autoescape
    on), the text part inserts it as written (autoescape off)."""
    ada = enrol("ada")
    ada.learner.first_name = "Ada <b>&"
    ada.learner.save(update_fields=["first_name"])
    Week.objects.filter(number=5).update(topic="Tensors <i>& friends</i>")
    run_reminders()
    [message] = mail.outbox
    html = message.alternatives[0].content
    assert "Hello Ada <b>&," in message.body
    assert "Week 5: Tensors <i>& friends</i>" in message.body
    assert "Hello Ada &lt;b&gt;&amp;," in html
    assert "Tensors &lt;i&gt;&amp; friends&lt;/i&gt;" in html
    assert "<b>" not in html
    assert "<i>" not in html


@freeze_time(RUN)
def test_each_reminder_is_written_in_its_learners_language_in_one_batch(enrol):
    """Two learners on the same week share the composed content, but not its language: the one who
    chose Spanish reads Spanish dates (the interface's text has no Spanish catalogue yet)."""
    enrol("ada")
    enrol("pilar").learner.__class__.objects.filter(username="pilar").update(language="es")
    run_reminders()
    by_learner = {message.to[0].split("@")[0]: message.body for message in mail.outbox}
    assert "30 de noviembre" in by_learner["pilar"]
    assert "30 de noviembre" not in by_learner["ada"]
    assert "30 November" in by_learner["ada"]
