"""Composing: the frame rendered per learner as its template renders; contents rendered once a run."""

from datetime import timedelta
from typing import cast

from django.core import mail
from django.template import engines
from django.template.backends.jinja2 import Jinja2
from django.template.backends.jinja2 import Template as DjangoJinjaTemplate
from freezegun import freeze_time

from curriculum.models import Week
from reminders import emails
from reminders.emails import FrameTemplate
from reminders.services import reminder_batch_enqueue
from tests.outbox import outbox_sent_here
from tests.reminders.conftest import RUN, make_enrolment


def test_the_frame_renders_as_its_template_with_the_environments_globals():
    env = cast(Jinja2, engines["jinja2"]).env
    template = env.from_string("{% for n in range(2) %}{{ n }}{% endfor %} {{ name }} {{ url is defined }}")
    context = {"name": "<Ada>"}
    assert FrameTemplate(template).render(context) == template.render(context) == "01 &lt;Ada&gt; True"


@freeze_time(RUN)
def test_the_batches_of_a_run_render_a_shared_content_once(db, monkeypatch):
    """Week 5's plan is the same for every learner in it: rendered once per run and process (text and
    HTML), not once per batch of 500; a curriculum changed between runs renders it again."""
    monkeypatch.setattr(emails, "_contents_of_run", {})  # (this process rendered runs at RUN before)
    ada, bob = make_enrolment("ada"), make_enrolment("bob")
    rendered: list[str] = []
    render = DjangoJinjaTemplate.render

    def counted(self, *args, **kwargs):
        rendered.append(self.template.name)
        return render(self, *args, **kwargs)

    monkeypatch.setattr(DjangoJinjaTemplate, "render", counted)
    with outbox_sent_here():
        for enrolment in (ada, bob):  # two batches of the same run
            reminder_batch_enqueue(enrolment_ids=[enrolment.pk], as_of=RUN)
    assert sorted(rendered) == ["reminders/email/_weekly.html", "reminders/email/_weekly.txt"]
    assert [message.body.count("Week 5:") for message in mail.outbox] == [1, 1]
    Week.objects.filter(number=5).update(topic="A new topic")
    cleo = make_enrolment("cleo")
    with outbox_sent_here():
        reminder_batch_enqueue(enrolment_ids=[cleo.pk], as_of=RUN)
    assert "Week 5: A new topic" in mail.outbox[-1].body


@freeze_time(RUN)
def test_a_frame_rendered_once_with_marks_gives_each_learner_the_text_their_own_render_would(db, monkeypatch):
    """Learners who share a content, dates and cadence share one rendered frame, with their name and
    unsubscribe token put in its marks' places: the same text, byte for byte, as rendering it for each,
    whatever the name holds (markup, quotes, the marks themselves), and again from the run's cache."""
    from reminders.selectors import curriculum_weeks, quiz_summaries_for_batch, reminders_due
    from reminders.tokens import unsubscribe_token_for

    monkeypatch.setattr(emails, "_contents_of_run", {})
    names = ["Ada <b>&amp;", 'Bob "the" O\'Neil', "Cleo \ue000 \ue001", "dora"]
    enrolments = [make_enrolment(f"learner_{n}") for n in range(len(names))]
    enrolments.append(make_enrolment("behind_one", completed=[1]))
    enrolments.append(make_enrolment("idle_one", inactive_for=timedelta(days=30)))
    for enrolment, name in zip(enrolments, names, strict=False):
        enrolment.learner.first_name = name
        enrolment.learner.save(update_fields=["first_name"])
    for _ in range(2):  # the second composer of the run finds the frames rendered
        due = reminders_due(enrolment_ids=[e.pk for e in enrolments], as_of=RUN)
        composer = emails.ReminderComposer(
            weeks=curriculum_weeks(), quizzes=quiz_summaries_for_batch(due=due), cards_due={}, run=RUN
        )
        assert {item.kind for item in due} == {"weekly", "behind", "inactive"}
        for item in due:
            token = unsubscribe_token_for(enrolment_id=item.enrolment_id)
            assert composer.frames_for(item, token=token) == composer.frames_rendered(item, token=token)
    frames = [
        key for key in emails._contents_of_run[next(iter(emails._contents_of_run))] if key[0] == "frame"
    ]
    assert len(frames) < len(due)  # the weekly learners shared one


@freeze_time(RUN)
def test_learners_who_share_a_reminder_have_its_sentences_worded_once(db, monkeypatch):
    """Worded once per distinct content, frame and subject in a run, not once per learner: four learners
    in the same week with the same cadence cost one of each (the sentences were a fifth of a 100,000-
    learner run when each learner's were worded before their frame was found rendered)."""
    from reminders import wording
    from reminders.selectors import curriculum_weeks, quiz_summaries_for_batch, reminders_due

    monkeypatch.setattr(emails, "_contents_of_run", {})
    worded: list[str] = []

    def counting(name, function):
        def counted(*args, **kwargs):
            worded.append(name)
            return function(*args, **kwargs)

        return counted

    for name in ("weekly_words", "frame_words", "greeting"):
        monkeypatch.setattr(wording, name, counting(name, getattr(wording, name)))
    monkeypatch.setattr(emails, "subject_for", counting("subject_for", emails.subject_for))
    enrolments = [make_enrolment(f"same_week_{n}") for n in range(4)]
    for _ in range(2):  # two batches of the run
        due = reminders_due(enrolment_ids=[e.pk for e in enrolments], as_of=RUN)
        composer = emails.ReminderComposer(
            weeks=curriculum_weeks(), quizzes=quiz_summaries_for_batch(due=due), cards_due={}, run=RUN
        )
        drafts = [composer.draft_for(item, key=item.key) for item in due]
        assert len(drafts) == 4
        assert len({draft.email_text for draft in drafts}) == 4  # each with their own name and link
    assert sorted(worded) == ["frame_words", "greeting", "subject_for", "subject_for", "weekly_words"]
