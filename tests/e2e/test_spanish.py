"""Issue 36 in a real browser: a person whose browser asks for Spanish (`Accept-Language: es`) signs up,
enrols, takes a quiz, reads the dashboard, a notice and the progress page, and meets no English on them.

Each page is read twice, in Spanish and then in English (the same address, the same moment, only the
browser's language changed): a visible text that reads the same in both is English left untranslated —
unless it is the curriculum's own content or a person's (week topics, objectives, resources, quiz
questions and choices, names, e-mail addresses, a mentor's comments: their words, not the product's),
a number or date, or one of the few words spelled the same in both languages (SAME_IN_BOTH).
The failure names each page and the English texts found on it."""

import re
import time

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.test_journeys import DESKTOP, PHONE, verified
from tests.factories import MentorFactory

EMAIL = "lucia@example.com"
NAME = "Lucía Fernández"
SECRET = "una-frase-de-paso-larga-y-rara-42"

SAME_IN_BOTH = frozenset({"Mentor", "Total", "LMS", "Email", "OK", "UTC", "Python", "GitHub", "Google"})
"""Words spelled the same in English and Spanish (the rest of a text must be translated)."""

VISIBLE_TEXTS = """() => {
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.replace(/\\s+/g, " ").trim();
    const parent = walker.currentNode.parentElement;
    if (!text || !parent || parent.closest("script, style, select, option, noscript, template")) continue;
    if (!parent.getClientRects().length || getComputedStyle(parent).visibility === "hidden") continue;
    texts.push(text);
  }
  return texts;
}"""
SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
NUMBERS_AND_MARKS = re.compile(r"[\d\s.,:;·•–—\-+×/%()\[\]#@?!¿¡«»“”\"'…✓●◐↺›|*]+")


def content_strings() -> list[str]:
    """What the database holds that no catalogue translates: the curriculum's content and people's words,
    longest first (so that a longer one is taken out of a text before a part of it)."""
    from accounts.models import User
    from assessments.models import Choice, Question, Quiz
    from curriculum.models import Phase, Resource, Week
    from exercises.models import Exercise
    from mentoring.models import WeekFeedback
    from notifications.models import Notice
    from projects.models import Project

    found: set[str] = set()
    for week in Week.objects.all():
        found |= {week.topic, week.focus_area, week.summary, *week.objectives}
    for phase in Phase.objects.all():
        found |= {phase.title, phase.description}
    found |= set(Resource.objects.values_list("title", flat=True))
    for title, instructions in Quiz.objects.values_list("title", "instructions"):
        found |= {title, instructions}
    found |= set(Project.objects.values_list("title", flat=True))
    found |= set(Exercise.objects.values_list("title", flat=True))
    for prompt, explanation in Question.objects.values_list("prompt", "explanation"):
        found |= {prompt, explanation}
    found |= set(Choice.objects.values_list("text", flat=True))
    found |= set(WeekFeedback.objects.values_list("body", flat=True))
    # A notice is written once, in its recipient's language, when it is sent (lms.locale.for_person):
    # its stored Spanish reads the same to an English browser. That it is Spanish is checked below.
    for title, text in Notice.objects.values_list("title", "text"):
        found |= {title, text}
    for user in User.objects.all():
        found |= {user.display_name, user.email, user.username}
    return sorted((text.strip() for text in found if text and text.strip()), key=len, reverse=True)


def interface_words(text: str, content: list[str]) -> str:
    """`text` without the database's content, numbers, marks and the words spelled alike: what is left
    is the product's own words (nothing, for a text that is a piece of some content: Markdown splits a
    question's prompt into several texts)."""
    if any(text in piece for piece in content):
        return ""
    for piece in content:
        if piece in text:
            text = text.replace(piece, " ")
    text = NUMBERS_AND_MARKS.sub(" ", text)
    words = [word for word in text.split() if word not in SAME_IN_BOTH]
    return " ".join(word for word in words if re.search(r"[A-Za-zÀ-ÿ]", word))


def english_left(browser: Browser, context: BrowserContext, url: str, spanish: list[str]) -> list[str]:
    """The texts of this page that read the same in English: the same address read again by a browser
    that asks for English, logged in as the same person (the same cookies)."""
    from accounts.models import User

    english_context = browser.new_context(
        viewport=DESKTOP, locale="en-US", storage_state=context.storage_state()
    )
    # The learner's stored language (the browser's at sign-up: Spanish) wins over the browser's; for the
    # English reading the choice is left to the browser, then given back.
    person = User.objects.filter(email=EMAIL)
    stored = list(person.values_list("language", flat=True))
    person.update(language="")
    try:
        english_page = english_context.new_page()
        english_page.goto(url)
        expect(english_page.locator("html")).to_have_attribute("lang", "en")
        english = set(english_page.evaluate(VISIBLE_TEXTS))
    finally:
        english_context.close()
        if stored:
            person.update(language=stored[0])
    content = content_strings()
    return sorted({text for text in spanish if text in english and interface_words(text, content)})


class Reader:
    """Reads each page the learner meets: `<html lang="es">`, and no English left on it."""

    def __init__(self, browser: Browser, page: Page) -> None:
        self.browser = browser
        self.page = page
        self.found: dict[str, list[str]] = {}

    def read(self, name: str) -> None:
        expect(self.page.locator("html")).to_have_attribute("lang", "es")
        spanish = self.page.evaluate(VISIBLE_TEXTS)
        left = english_left(self.browser, self.page.context, self.page.url, spanish)
        if left:
            self.found[name] = left
        # Spanish runs longer than English: the page still fits a phone.
        self.page.set_viewport_size(PHONE)
        overflow = self.page.evaluate(SIDEWAYS)
        self.page.set_viewport_size(DESKTOP)
        if overflow > 0:
            self.found[f"{name} (phone)"] = [f"scrolls sideways at 375 px by {overflow} px"]

    def report(self) -> str:
        return "\n".join(f"{name}: {left}" for name, left in self.found.items())


def submit(page: Page) -> None:
    """The page's own form (not the header's log-out form)."""
    page.locator("main form button[type=submit]").first.click()


@pytest.mark.django_db(transaction=True)
def test_a_spanish_learner_meets_no_english(
    browser: Browser, live_server, curriculum_tx, celery_eager, settings
):
    from mentoring.services import feedback_create, mentees_assign
    from progress.models import Enrolment

    settings.SITE_URL = live_server.url
    base = live_server.url
    context = browser.new_context(viewport=DESKTOP, locale="es-ES")  # Accept-Language: es-ES
    page = context.new_page()
    reader = Reader(browser, page)

    page.goto(base + "/")
    reader.read("home")
    page.goto(base + "/accounts/signup/")
    reader.read("sign-up")
    page.locator("#id_email").fill(EMAIL)
    page.locator("#id_name").fill(NAME)
    page.locator("#id_password1").fill(SECRET)
    page.locator("#id_password2").fill(SECRET)
    submit(page)
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    [message] = mail.outbox
    page.goto(re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body)[0])
    submit(page)

    page.goto(base + "/accounts/login/")
    reader.read("log-in")
    page.locator("#id_login").fill(EMAIL)
    page.locator("#id_password").fill(SECRET)
    submit(page)
    expect(page).to_have_url(base + "/enrol/")
    reader.read("enrol")
    page.locator("#id_start_date").fill(timezone.now().date().isoformat())
    submit(page)
    expect(page).to_have_url(base + "/dashboard/")
    reader.read("dashboard, just enrolled")

    page.goto(base + "/quizzes/week/1/")
    reader.read("quiz")
    form = page.locator("main form")
    for field in form.locator("input[type=text], input[type=number], textarea").all():
        field.fill("12")
    for group in form.locator("fieldset").all():
        choice = group.locator("input[type=radio], input[type=checkbox]").first
        if choice.count():
            choice.check()
    submit(page)
    expect(page.locator("main h1")).to_be_visible()
    reader.read("quiz result")

    # The learner's mentor comments on week 1: a notice on the dashboard and the notices page.
    learner = Enrolment.objects.get(learner__email=EMAIL).learner
    mentor = verified(MentorFactory(username="grace", first_name="Grace", last_name="Hopper"))
    enrolment = Enrolment.objects.get(learner=learner)
    mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    from curriculum.models import Week

    feedback_create(author=mentor, enrolment=enrolment, week=Week.objects.get(number=1), body="Buen trabajo.")
    # Written outside any request of the learner's, in the language their sign-up kept (the browser's).
    from notifications.models import Notice

    assert Notice.objects.get(recipient__email=EMAIL).title == "Comentarios de tu mentor sobre la semana 1"

    page.goto(base + "/dashboard/")
    reader.read("dashboard with a notice")
    page.goto(base + "/notices/")
    reader.read("notices")
    page.goto(base + "/my/progress/")
    reader.read("progress")
    page.goto(base + "/schedule/")
    reader.read("schedule")
    page.goto(base + "/settings/")
    reader.read("settings")
    context.close()

    assert not reader.found, "English on Spanish pages:\n" + reader.report()
