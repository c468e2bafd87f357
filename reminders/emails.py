"""The reminder e-mail: subject, plain-text and HTML parts, unsubscribe headers, ready for the outbox.

`ReminderComposer` is built once per batch: it holds the curriculum, the compiled templates and the
links that are the same for everybody, so composing one learner's e-mail is only template rendering.
All links are absolute (settings.SITE_URL): e-mail clients have no page to resolve them against.
"""

import functools
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import jinja2
from django.conf import settings
from django.template import engines
from django.template.backends.jinja2 import Jinja2
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext
from markupsafe import escape

from curriculum.models import Week
from lms.jinja2 import LANGUAGE
from notifications.services import NoticeDraft
from reminders import rules, wording
from reminders.selectors import ComposedStanding, DueReminder
from reminders.tokens import unsubscribe_token_for


def subject_for(*, kind: str, standing: ComposedStanding, weeks: Mapping[int, Week]) -> str:
    """In the active language (the composer's `draft_for` switches to the learner's)."""
    current = standing.current_week or 1
    if kind == rules.BEHIND:
        behind = standing.weeks_behind
        first = standing.overdue_weeks[0]
        return ngettext(
            "You are %(count)s week behind: finish week %(week)s or re-plan",
            "You are %(count)s weeks behind: finish week %(week)s or re-plan",
            behind,
        ) % {"count": behind, "week": first}
    if kind == rules.GONE_QUIET:
        return gettext("Pick up where you left off")
    return wording.week_title(current, weeks.get(current))


Contents = dict[tuple[object, ...], dict[str, str]]
_contents_of_run: dict[tuple[object, ...], Contents] = {}


def contents_of_run(run: datetime, *, weeks: Mapping[int, Week]) -> Contents:
    """The contents rendered (content key → text and HTML) by this process's batches of one run (a few
    thousand for 100,000 learners, where each batch of 500 renders a few hundred): the run's instant and
    the curriculum as the content templates show it name them. Only the latest run's are kept."""
    curriculum = tuple(
        (number, week.topic, week.focus_area, tuple(week.objectives)) for number, week in weeks.items()
    )
    name = (run, settings.SITE_URL, curriculum)
    if name not in _contents_of_run:
        _contents_of_run.clear()
        _contents_of_run[name] = {}
    return _contents_of_run[name]


@dataclass(frozen=True)
class ReminderPaths:
    dashboard: str
    settings: str
    review: str
    unsubscribe: str
    """With `ReminderComposer.TOKEN_PLACE` where the token goes."""
    weeks: Mapping[int, str]


@functools.lru_cache(maxsize=8)
def reminder_paths(week_numbers: tuple[int, ...], script_prefix: str) -> ReminderPaths:
    """The paths a reminder links to, reversed once per process (and script prefix, which `reverse`
    reads): 57 reversals a batch were 3 % of a profiled 100,000-learner run."""
    return ReminderPaths(
        dashboard=reverse("learner:dashboard"),
        settings=reverse("progress:settings"),
        review=reverse("cards:review"),
        unsubscribe=reverse("reminders:unsubscribe", args=[ReminderComposer.TOKEN_PLACE]),
        weeks={number: reverse("learner:week", args=[number]) for number in week_numbers},
    )


class FrameTemplate:
    """A Jinja2 template rendered for every learner: `render(context)` as the template's own, with the
    environment's globals (`url`, `range`…) merged into a plain dict once, not into a new context at
    each render (Jinja walks them key by key through a ChainMap: a quarter of rendering the frame)."""

    def __init__(self, template: jinja2.Template) -> None:
        self.template = template
        self.globals = dict(template.globals)

    def render(self, context: Mapping[str, Any]) -> str:
        template = self.template
        rendered = template.root_render_func(template.new_context(self.globals | dict(context), shared=True))
        return template.environment.concat(rendered)  # type: ignore[attr-defined]  # (Jinja's "".join)


class ReminderComposer:
    """Composes a batch's e-mails. The part that depends on the week and the learner's progress (the
    "content": this week's plan, what is overdue…) is rendered once per distinct content and reused;
    only the frame (greeting, dates, footer with the learner's own unsubscribe link) is rendered per
    learner. In a batch, most learners share their week's content."""

    def __init__(
        self,
        *,
        weeks: Mapping[int, Week],
        quizzes: Mapping[tuple[int, int], Any],
        cards_due: Mapping[int, int] | None = None,
        run: datetime | None = None,
    ) -> None:
        """`quizzes`: (learner id, week number) → quiz summary (see selectors.quiz_summaries_for_batch);
        `cards_due`: learner id → review cards due today (cards.selectors.due_counts_for); `run`: the
        run's instant (`as_of`), whose batches in this process share the contents they render."""
        self.cards_due = cards_due or {}
        self.weeks = weeks
        self.quizzes = quizzes
        self.objectives = {number: week.objectives for number, week in weeks.items()}
        self.site = settings.SITE_URL
        self.language = get_language()  # the batch's; a learner's own is switched to only when it differs
        # Jinja2 (reminders/jinja2/): a run renders the frame twice per learner, 100,000 learners a week;
        # Django's template language took a quarter of the run's time for them.
        jinja = engines["jinja2"]
        self.frame_templates = {
            part: FrameTemplate(cast(Jinja2, jinja).env.get_template(f"reminders/email/reminder.{part}"))
            for part in ("txt", "html")
        }
        self.content_templates = {
            (kind, part): jinja.get_template(f"reminders/email/_{kind}.{part}")
            for kind in (rules.WEEKLY, rules.BEHIND, rules.GONE_QUIET)
            for part in ("txt", "html")
        }
        self.rendered_content = contents_of_run(run, weeks=weeks) if run else {}
        self.rendered_subjects: dict[tuple[object, ...], str] = {}
        paths = reminder_paths(tuple(weeks), get_script_prefix())
        self.dashboard_path = paths.dashboard
        self.dashboard_url = self.site + self.dashboard_path
        self.settings_url = self.site + paths.settings
        self.week_paths = paths.weeks
        self.week_urls = {number: self.site + path for number, path in self.week_paths.items()}
        self.review_url = self.site + paths.review
        self.unsubscribe_url_template = self.site + paths.unsubscribe

    def unsubscribe_url(self, token: str) -> str:
        """The learner's one-click link: the path is reversed once per batch, with the token put in its
        place (a token is URL-safe: digits, ":" and base64url)."""
        return self.unsubscribe_url_template.replace(self.TOKEN_PLACE, token)

    TOKEN_PLACE = "0:token"

    def quiz_for(self, due: DueReminder) -> dict[str, str] | None:
        quiz = self.quizzes.get((due.learner_id, due.week))
        if quiz is None or due.kind != rules.WEEKLY:
            return None
        take_url = str(getattr(quiz, "take_url", "") or "")
        return {
            "title": str(quiz.title),
            "status": wording.quiz_status_word(str(getattr(quiz, "status", ""))),
            "take_url": self.site + take_url if take_url.startswith("/") else take_url,
        }

    def content_for(self, due: DueReminder) -> dict[str, str]:
        """The kind's content block, as text and HTML, rendered once per distinct content."""
        return self.keyed_content_for(due)[1]

    def content_key(self, due: DueReminder) -> tuple[object, ...]:
        """What the kind's content block shows, as the key it is kept under: read from the learner's
        standing and quiz only, so that a learner whose content was rendered costs no sentence."""
        standing = due.standing
        if due.kind == rules.WEEKLY:
            quiz = self.quizzes.get((due.learner_id, due.week))
            shown = (quiz.title, getattr(quiz, "status", ""), getattr(quiz, "take_url", "")) if quiz else None
            return (due.language, due.kind, due.week, shown)
        if due.kind == rules.BEHIND:
            overdue = standing.overdue_weeks
            return (due.language, due.kind, tuple(overdue[:5]), len(overdue), standing.first_open_week)
        return (due.language, due.kind, standing.first_open_week, standing.weeks_completed)

    def keyed_content_for(self, due: DueReminder) -> tuple[tuple[object, ...], dict[str, str]]:
        """`content_for` with the key it is kept under."""
        key = self.content_key(due)
        if key not in self.rendered_content:
            # The templates escape what they insert; strip() returns a plain str, so mark it safe
            # again for the frame (the text frame does not escape at all).
            with self.speaking(due.language):
                context = self.content_context(due)
                self.rendered_content[key] = {
                    part: mark_safe(self.content_templates[(due.kind, part)].render(context).strip())
                    for part in ("txt", "html")
                }
        return key, self.rendered_content[key]

    def speaking(self, language: str) -> AbstractContextManager[object]:
        """The learner's language while their sentences are worded. Most learners have the batch's, and
        most sentences are worded once a run: switching for each learner took 4 % of a profiled
        100,000-learner run."""
        return nullcontext() if language == self.language else translation.override(language)

    def content_context(self, due: DueReminder) -> dict[str, Any]:
        """What the kind's content templates show, worded in the active language (the caller speaks the
        learner's)."""
        standing = due.standing
        first_open = standing.first_open_week
        context: dict[str, Any] = {"dashboard_url": self.dashboard_url}
        if due.kind == rules.WEEKLY:
            return (
                context
                | wording.weekly_words(number=due.week, week=self.weeks.get(due.week))
                | {
                    "number": due.week,
                    "week": self.weeks.get(due.week),
                    "objectives": self.objectives.get(due.week, []),
                    "week_url": self.week_urls.get(due.week, self.dashboard_url),
                    "quiz": self.quiz_for(due),
                }
            )
        if due.kind == rules.BEHIND:
            overdue = list(standing.overdue_weeks)
            return (
                context
                | wording.behind_words(
                    weeks_behind=len(overdue),
                    first_overdue=self.weeks.get(overdue[0]),
                    first_overdue_number=overdue[0],
                    first_open=first_open or overdue[0],
                )
                | {
                    "overdue_weeks": [
                        wording.week_title(number, self.weeks.get(number)) for number in overdue[:5]
                    ],
                    "more_overdue": wording.more_overdue_words(max(0, len(overdue) - 5)),
                }
            )
        return context | wording.inactive_words(
            first_open=self.weeks.get(first_open) if first_open else None,
            first_open_number=first_open,
            completed=standing.weeks_completed,
        )

    @staticmethod
    def planned_dates(due: DueReminder) -> dict[str, object]:
        """The week's number and planned days, as the frame shows them."""
        standing = due.standing
        return {
            "number": due.week,
            "starts_on": standing.current_starts_on,
            "ends_on": standing.current_ends_on,
        }

    def planned_for(self, due: DueReminder) -> dict[str, object] | None:
        """The planned dates the frame shows: a weekly reminder's only."""
        return self.planned_dates(due) if due.kind == rules.WEEKLY else None

    NAME_MARK = "\ue000"
    TOKEN_MARK = "\ue001"
    """Private-use characters standing for the learner's name and unsubscribe token in a frame rendered
    once for every learner who shares the rest of it: no template and no escaping changes them."""

    def frames_for(self, due: DueReminder, *, token: str) -> tuple[str, str]:
        """The learner's frame, text and HTML, around their content: rendered once per run for everyone
        with the same content, dates, cadence, cards due and language (a few thousand frames for 100,000
        learners, where rendering each learner's took 2.5 s of a run), with the learner's name and token
        put in their marks' places, escaped as the template escapes them. The same text as
        `frames_rendered` (tests/reminders/test_emails.py); that is the way still when the content
        holds a mark (an admin's text could)."""
        content_key, content = self.keyed_content_for(due)
        # Keyed on what the frame shows but the name and the token, before any sentence is worded.
        planned = self.planned_for(due)
        shown = (
            tuple(planned.values()) if planned else None,
            self.cards_due.get(due.learner_id, 0),
            due.cadence,
        )
        frame_key = ("frame", content_key, *shown)
        shared = self.rendered_content.get(frame_key)
        if shared is None:
            if any(mark in text for text in content.values() for mark in (self.NAME_MARK, self.TOKEN_MARK)):
                shared = {}  # rendered for each learner: see below
            else:
                text, html = self._render_frames(
                    self.frame_context(due), content, name=self.NAME_MARK, token=self.TOKEN_MARK
                )
                shared = {"txt": text, "html": html}
            self.rendered_content[frame_key] = shared
        if not shared:
            return self._render_frames(self.frame_context(due), content, name=due.greeting_name, token=token)
        text = shared["txt"].replace(self.TOKEN_MARK, token).replace(self.NAME_MARK, due.greeting_name)
        html = shared["html"].replace(self.TOKEN_MARK, str(escape(token)))
        return text, html.replace(self.NAME_MARK, str(escape(due.greeting_name)))

    def frame_context(self, due: DueReminder) -> dict[str, Any]:
        """What the learner's frame shows besides their name, unsubscribe link and content."""
        planned = self.planned_for(due)
        cards_due = self.cards_due.get(due.learner_id, 0)
        with self.speaking(due.language):
            words = wording.frame_words(
                planned=planned, cards_due=cards_due, cadence=due.cadence_label, language=due.language
            )
        return words | {
            "planned": planned,
            "settings_url": self.settings_url,
            "cards_due": cards_due,
            "review_url": self.review_url,
            LANGUAGE: due.language,  # the `date` filter's language (lms.jinja2): the learner's
        }

    def frames_rendered(self, due: DueReminder, *, token: str) -> tuple[str, str]:
        """The learner's frame, text and HTML, rendered by its templates for them alone."""
        return self._render_frames(
            self.frame_context(due), self.content_for(due), name=due.greeting_name, token=token
        )

    def _render_frames(
        self, context: dict[str, Any], content: Mapping[str, str], *, name: str, token: str
    ) -> tuple[str, str]:
        with self.speaking(context[LANGUAGE]):  # the templates' own words too
            greeting = wording.greeting(name)
            frame = context | {"greeting": greeting, "unsubscribe_url": self.unsubscribe_url(token)}
            text, html = (
                self.frame_templates[part].render(frame | {"content": content[part]})
                for part in ("txt", "html")
            )
        return text, html

    def subject_of(self, due: DueReminder) -> str:
        """`subject_for` the learner, worded once per distinct subject in a run."""
        standing = due.standing
        first_overdue = standing.overdue_weeks[0] if due.kind == rules.BEHIND else None
        key = ("subject", due.language, due.kind, standing.current_week, standing.weeks_behind, first_overdue)
        subject = self.rendered_subjects.get(key)
        if subject is None:
            with self.speaking(due.language):
                subject = subject_for(kind=due.kind, standing=standing, weeks=self.weeks)
            self.rendered_subjects[key] = subject
        return subject

    def draft_for(self, due: DueReminder, *, key: str) -> NoticeDraft:
        """The learner's reminder as a notice (its key message: the subject) and e-mail under `key`."""
        token = unsubscribe_token_for(enrolment_id=due.enrolment_id)
        unsubscribe_url = self.unsubscribe_url(token)
        # In the learner's language (the dates are days: no zone to show), worded once per distinct
        # sentence in a run.
        text, html = self.frames_for(due, token=token)
        subject = self.subject_of(due)
        link = (
            self.week_paths.get(due.week, self.dashboard_path)
            if due.kind == rules.WEEKLY
            else self.dashboard_path
        )
        return NoticeDraft(
            recipient_id=due.learner_id,
            to=due.email,
            kind=f"reminder_{due.kind}",
            key=key,
            text=subject,
            link=link,
            subject=subject,
            email_text=text,
            email_html=html,
            headers={
                # RFC 2369 / RFC 8058: mail clients show an "Unsubscribe" button that POSTs here.
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
