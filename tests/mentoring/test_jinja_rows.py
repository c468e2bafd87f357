"""The row loops rendered by Jinja2 (lms/jinja2.py) escape what people typed, keep line breaks, carry the
CSRF token in their forms and show datetimes in the site's time zone, as the Django templates around them."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from curriculum.models import Week
from mentoring.services import feedback_create
from progress.services import week_progress_set
from tests.factories import UserFactory
from tests.mentoring.conftest import TODAY, enrol

HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def hostile_mentee(mentor, frozen_today):
    learner = UserFactory(username="hostile", name=HOSTILE)
    enrolment = enrol(learner, mentor=mentor, start=TODAY)
    week = Week.objects.get(number=1)
    week_progress_set(enrolment=enrolment, week=week, status="in_progress", notes=f"line one\n{HOSTILE}")
    feedback_create(author=mentor, enrolment=enrolment, week=week, body="<b>bold?</b>\nsecond line")
    return enrolment


@pytest.mark.django_db
def test_the_mentor_table_escapes_a_learners_name(client, mentor, hostile_mentee):
    client.force_login(mentor)
    page = client.get(reverse("mentoring:dashboard")).content.decode()
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert f'href="/mentoring/learners/{hostile_mentee.pk}/"' in page


@pytest.mark.django_db
def test_the_learner_page_escapes_notes_and_feedback_and_keeps_their_line_breaks(
    client, mentor, hostile_mentee
):
    client.force_login(mentor)
    response = client.get(reverse("mentoring:learner", args=[hostile_mentee.pk]))
    page = response.content.decode()
    assert HOSTILE not in page
    assert "line one<br>&lt;script&gt;" in page
    assert "&lt;b&gt;bold?&lt;/b&gt;<br>second line" in page
    weeks = page[page.index('id="schedule"') :]
    forms = weeks.count(f'action="/mentoring/learners/{hostile_mentee.pk}/weeks/')
    assert forms >= 1
    assert weeks.count('name="csrfmiddlewaretoken"') >= forms  # every feedback form can be posted


@pytest.mark.django_db
def test_jinja_rows_show_datetimes_in_the_readers_time_zone(client, mentor, hostile_mentee):
    mentor.time_zone = "Pacific/Auckland"  # 13 hours ahead of UTC in November
    mentor.save(update_fields=["time_zone"])
    hostile_mentee.last_activity_at = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)  # 21 Nov in Auckland
    hostile_mentee.save(update_fields=["last_activity_at"])
    client.force_login(mentor)
    page = client.get(reverse("mentoring:dashboard")).content.decode()
    assert "21 November 2026" in page
    assert "20 November 2026" not in page


@pytest.mark.django_db
def test_the_learners_week_page_escapes_their_notes_and_the_feedback_and_its_forms_post(
    client, hostile_mentee
):
    """The learner's week page is a Jinja2 template around the Django form partial: what people typed
    is escaped (the notes in the form's textarea, the feedback with its line breaks), and both forms
    carry the CSRF token."""
    client.force_login(hostile_mentee.learner)
    page = client.get(reverse("learner:week", args=[1])).content.decode()
    assert HOSTILE not in page
    # The form's widgets are Django's Jinja2 templates: markupsafe writes a quote as &#34;, Django as &quot;.
    assert re.search(r"line one\n&lt;script&gt;alert\((&quot;|&#34;)x\1\)&lt;/script&gt;</textarea>", page)
    assert "&lt;b&gt;bold?&lt;/b&gt;<br>second line" in page
    assert page.count('name="csrfmiddlewaretoken"') >= 3  # log-out, progress, reply
    response = client.post(reverse("learner:week", args=[1]), {"status": "completed", "notes": "done"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_page_masks_its_csrf_token_once_for_the_layout_and_the_jinja2_part(client, hostile_mentee):
    """Masking a token costs a random string from the system: the layout's log-out form and the Jinja2
    part's forms share the one the page's context holds. Every one of them still posts."""
    client.force_login(hostile_mentee.learner)
    page = client.get(reverse("learner:week", args=[1])).content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert len(tokens) >= 3  # log-out, progress, reply
    assert len(set(tokens)) == 1
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.force_login(hostile_mentee.learner)
    page = csrf_client.get(reverse("learner:week", args=[1])).content.decode()
    token = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    response = csrf_client.post(
        reverse("learner:week", args=[1]),
        {"status": "completed", "notes": "ok", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
