"""The Jinja2 environment of the row loops formats dates as Django's `date` filter does: remembered
dates still follow the active language, datetimes the current time zone."""

import datetime

import pytest
from django.utils import translation
from django.utils.timezone import override

from lms.jinja2 import date


def test_a_remembered_date_is_written_in_the_language_active_now():
    day = datetime.date(2026, 3, 2)
    with translation.override("en"):
        assert date(day, "j F Y") == "2 March 2026"
    with translation.override("de"):
        assert date(day, "j F Y") == "2 März 2026"
    with translation.override("en"):
        assert date(day, "j F Y") == "2 March 2026"


def test_a_datetime_is_shown_in_the_current_time_zone():
    moment = datetime.datetime(2026, 11, 20, 20, 0, tzinfo=datetime.UTC)
    with override("Pacific/Auckland"):
        assert date(moment, "j M Y H:i") == "21 Nov 2026 09:00"
    with override("UTC"):
        assert date(moment, "j M Y H:i") == "20 Nov 2026 20:00"


def test_a_datetimes_day_is_its_local_day_in_the_language_active_now():
    """A day-only format of a datetime is remembered by its local day: the day still moves with the
    time zone, and the words with the language."""
    evening = datetime.datetime(2026, 11, 20, 20, 0, tzinfo=datetime.UTC)
    with override("Pacific/Auckland"):
        assert date(evening, "j M Y") == "21 Nov 2026"
        with translation.override("de"):
            assert date(evening, "j F Y") == "21 November 2026"
            assert date(evening.replace(month=3), "j F Y") == "21 März 2026"
    with override("UTC"):
        assert date(evening, "j M Y") == "20 Nov 2026"


@pytest.mark.parametrize(
    "fmt", ["j M Y", "j M", "D j M", "l jS F Y", "N j, Y", "Y-m-d", "j M Y, H:i", "g:i A", "c"]
)
def test_every_format_reads_as_djangos_filter_writes_it(fmt):
    from django.template import defaultfilters
    from django.utils.timezone import template_localtime

    with override("America/New_York"):
        for hour in (0, 3, 4, 5, 12, 23):
            moment = datetime.datetime(2026, 3, 8, hour, 30, tzinfo=datetime.UTC)
            assert date(moment, fmt) == defaultfilters.date(template_localtime(moment), fmt)


def test_a_remembered_link_follows_the_script_prefix():
    from django.urls import set_script_prefix

    from lms.jinja2 import url

    assert url("learner:week", 5) == "/my/weeks/5/"
    set_script_prefix("/lms/")
    try:
        assert url("learner:week", 5) == "/lms/my/weeks/5/"
    finally:
        set_script_prefix("/")
    assert url("learner:week", 5) == "/my/weeks/5/"


def test_templates_read_the_language_the_jinja_tag_hands_them_once_per_page():
    """The `jinja` tag asks for the active language once (lms.jinja2.LANGUAGE) and every date of the
    page is written in it; without it (an e-mail rendered directly) each date asks for itself."""
    from django.template import engines

    from lms.jinja2 import LANGUAGE

    day = datetime.date(2026, 3, 2)
    template = engines["jinja2"].from_string("{{ day|date('j F Y') }}")
    with translation.override("de"):
        assert template.render({"day": day}) == "2 März 2026"
        assert template.render({"day": day, LANGUAGE: "en"}) == "2 March 2026"


def test_remembered_paths_are_forgotten_when_the_urlconf_changes(settings):
    from lms.jinja2 import url

    assert url("learner:schedule") == "/schedule/"
    settings.ROOT_URLCONF = "tests.other_urls"
    assert url("learner:schedule") == "/elsewhere/schedule/"


def test_the_layouts_asset_tag_writes_what_the_static_tag_writes_and_follows_static_url(settings):
    from django.template import Context, Template

    both = Template("{% load static %}{% asset 'css/site.css' %} {% static 'css/site.css' %}")
    first, second = both.render(Context()).split()
    assert first == second
    assert first.endswith(".css")
    settings.STATIC_URL = "/assets-elsewhere/"
    first, second = both.render(Context()).split()
    assert first == second
    assert first.startswith("/assets-elsewhere/")


def test_the_header_is_the_layouts_for_anonymous_visitors_learners_and_mentors(client, learner, mentor):
    """The header is Jinja2 inside the Django layout: its menu follows the visitor, and its log-out
    form carries the page's CSRF token."""
    from django.urls import reverse

    anonymous = client.get(reverse("curriculum:overview")).content.decode()
    assert 'href="/accounts/login/"' in anonymous or "Log in" in anonymous
    assert "Log out" not in anonymous
    client.force_login(learner)
    page = client.get(reverse("curriculum:overview")).content.decode()
    header = page[page.index('<header class="site-header">') : page.index("</header>")]
    assert "Dashboard" in header
    assert "Mentees" not in header
    assert 'name="csrfmiddlewaretoken"' in header
    client.force_login(mentor)
    header = client.get(reverse("curriculum:overview")).content.decode().split("</header>")[0]
    assert "Mentees" in header
