"""Issue 36, the interface's own pages in Spanish: the layout (`<html lang>`), the header, error pages,
the learner's dashboard, schedule, progress page and settings, the API's errors, the scripts' catalogue,
the notice and e-mail a mentor gets when a learner leaves (in the mentor's language), the calendar feed
(in the learner's), lifecycle refusals, chart dates, and a plural of each kind in both forms."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from charts.svg import tick_label
from learner import phrases
from notifications.models import Email, Notice
from progress import services as progress_services
from progress.forms import EnrolmentForm
from progress.lifecycle import ENROLMENT
from progress.models import Enrolment
from progress.schedule import state_label, weeks_phrase

MONDAY = date(2026, 11, 2)
SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es"}


def html_lang(page: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', page)
    assert match, "no <html lang>"
    return match[1]


def enrolled(learner, *, mentor=None) -> Enrolment:
    with freeze_time(MONDAY):
        enrolment = progress_services.enrolment_create(learner=learner, start_date=MONDAY)
    if mentor:
        Enrolment.objects.filter(pk=enrolment.pk).update(mentor=mentor)
        enrolment.refresh_from_db()
    return enrolment


def spanish(user):
    user.language = "es"
    user.save(update_fields=["language"])
    return user


@pytest.mark.django_db
def test_the_layout_speaks_the_browsers_language_and_says_so_in_html_lang(client):
    spanish_page = client.get(reverse("home"), **SPANISH).content.decode()
    english_page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert html_lang(spanish_page) == "es"
    assert html_lang(english_page) == "en"
    for words in (
        "Programa de IA/ML",
        "Crear cuenta",
        "Iniciar sesión",
        "Saltar al contenido",
        "Empezar a aprender",
    ):
        assert words in spanish_page
    for words in ("Sign up", "Log in", "Skip to content", "Start learning"):
        assert words not in spanish_page
        assert words in english_page
    assert 'src="/jsi18n/es/"' in spanish_page
    assert 'src="/jsi18n/en/"' in english_page


@pytest.mark.django_db
def test_a_persons_chosen_language_wins_over_the_browsers(client, learner):
    enrolled(spanish(learner))
    client.force_login(learner)

    page = client.get(reverse("learner:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert html_lang(page) == "es"
    assert "Tu panel" in page
    assert "Your dashboard" not in page


@pytest.mark.django_db
def test_the_learners_pages_are_in_spanish(client, learner):
    enrolled(spanish(learner))
    client.force_login(learner)

    with freeze_time(MONDAY):
        dashboard = client.get(reverse("learner:dashboard")).content.decode()
        schedule = client.get(reverse("learner:schedule")).content.decode()
        progress = client.get(reverse("learner:progress")).content.decode()
        settings_page = client.get(reverse("progress:settings")).content.decode()
        week = client.get(reverse("learner:week", args=[1])).content.decode()

    for words in (
        "Tu panel",
        "Repaso diario",
        "Esta semana",
        "Abrir la semana 1",
        "Tu recorrido por las fases",
    ):
        assert words in dashboard
    for words in ("Your dashboard", "Daily review", "Open week 1", "Your path through the phases"):
        assert words not in dashboard
    assert "Cambios del calendario" not in schedule  # no changes yet
    for words in ("Tu calendario", "Fase 1:", "Sin empezar", "Ir a esta semana (semana 1)"):
        assert words in schedule
    for words in ("Your schedule", "Not started", "Jump to this week"):
        assert words not in schedule
    for words in ("Tu progreso", "Semanas completadas", "Cuestionarios aprobados", "Plan y realidad"):
        assert words in progress
    for words in ("Your progress", "Weeks completed", "Quizzes passed", "Plan and actual"):
        assert words not in progress
    for words in ("Ajustes", "Tu nombre", "Qué recordatorios recibes", "Copiar el enlace", "Cada semana"):
        assert words in settings_page
    for words in ("Your name", "Which reminders you get", "Copy the link", "Every week"):
        assert words not in settings_page
    for words in ("Tu progreso y tus notas", "Comentarios de tu mentor", "Notas", "Guardar"):
        assert words in week
    assert "Feedback from your mentor" not in week


@pytest.mark.django_db
def test_the_header_and_error_pages_are_in_spanish(client, learner):
    client.force_login(spanish(learner))

    missing = client.get("/no-such-page/")

    page = missing.content.decode()
    assert missing.status_code == 404
    assert "Página no encontrada" in page
    assert "Page not found" not in page
    for words in ("Programa", "Ajustes", "Cerrar sesión", "Avisos: 0 sin leer"):
        assert words in page
    for words in ("Log out", "Settings", "Notices:"):
        assert words not in page


@pytest.mark.django_db
def test_the_apis_errors_are_in_the_callers_language(client, learner):
    client.force_login(spanish(learner))

    not_enrolled = client.get(reverse("api-my-enrolment"))
    no_such_address = client.get("/api/v1/no-such-thing/", **SPANISH)

    assert not_enrolled.status_code == 404
    assert not_enrolled.json() == {"detail": "No tienes ninguna inscripción."}
    assert no_such_address.json() == {"detail": "No encontrado."}


@pytest.mark.django_db
def test_a_too_large_body_is_refused_in_the_browsers_language(client, settings):
    settings.REQUEST_BODY_MAX_BYTES = 1024

    response = client.post(
        "/api/v1/me/enrolment/", data="x" * 4096, content_type="application/json", **SPANISH
    )

    assert response.status_code == 413
    assert response.json() == {
        "detail": "El cuerpo de la petición ocupa 4 KB; esta dirección acepta como máximo 1 KB."
    }


@pytest.mark.django_db
def test_the_scripts_catalogue_is_served_per_language_and_may_be_kept(client):
    spanish_catalogue = client.get(reverse("javascript-catalog", args=["es"]))
    english_catalogue = client.get(reverse("javascript-catalog", args=["en"]))
    unknown = client.get(reverse("javascript-catalog", args=["xx"]))

    body = spanish_catalogue.content.decode()
    assert spanish_catalogue["Content-Type"].startswith("text/javascript")
    assert "Copiado." in body
    assert '"Ejecutando\\u2026 %s pruebas hechas."' in body  # a plural, both forms (JSON escapes "…")
    assert "Copiado." not in english_catalogue.content.decode()
    assert "public" in spanish_catalogue["Cache-Control"]
    assert "max-age=86400" in spanish_catalogue["Cache-Control"]
    assert unknown.status_code == 404


@pytest.mark.django_db
def test_one_copy_of_a_catalogue_serves_everybody_who_reads_its_language(client, learner):
    """Its content depends on the address alone: not on the cookie (logged in or not), nor on the
    browser's language; so it varies by neither, sets no cookie, says the catalogue's language, and a
    browser revalidates its copy by ETag (the catalogue's content: a release that changes it changes it)."""
    url = reverse("javascript-catalog", args=["es"])
    anonymous = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(learner)
    logged_in = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    for response in (anonymous, logged_in):
        assert response.status_code == 200
        assert "public" in response["Cache-Control"]
        assert "max-age=86400" in response["Cache-Control"]
        assert "private" not in response["Cache-Control"]
        assert "Cookie" not in response.get("Vary", "")
        assert "Accept-Language" not in response.get("Vary", "")
        assert not response.cookies
        assert response["Content-Language"] == "es"
        assert response["ETag"]
    assert anonymous["ETag"] == logged_in["ETag"]
    assert client.get(reverse("javascript-catalog", args=["en"]))["ETag"] != anonymous["ETag"]
    kept = client.get(url, HTTP_IF_NONE_MATCH=anonymous["ETag"])
    assert kept.status_code == 304
    assert kept.content == b""
    assert "Cookie" not in kept.get("Vary", "")


@pytest.mark.django_db
def test_a_mentor_is_told_in_their_language_when_a_learner_leaves(client, learner, mentor):
    """The learner acts in English; the notice and e-mail are rendered for the Spanish mentor."""
    learner.name = "Ada"
    learner.save(update_fields=["name"])
    enrolment = enrolled(learner, mentor=spanish(mentor))

    with translation.override("en"), freeze_time(date(2026, 11, 20)):
        progress_services.enrolment_leave(enrolment=enrolment)

    notice = Notice.objects.get(recipient=mentor, kind="learner_left")
    assert notice.title == "Ada ha abandonado el programa"
    assert notice.text == "Ada abandonó el programa el 20 de noviembre de 2026."
    email = Email.objects.get(recipient=mentor, kind="learner_left")
    assert "Hola," in email.text
    assert "Ada abandonó el programa el 20 de noviembre de 2026." in email.text
    assert "left the curriculum" not in email.text


@pytest.mark.django_db
def test_the_calendar_feed_is_in_the_learners_language(client, learner):
    enrolment = enrolled(spanish(learner))

    feed = client.get(
        reverse("progress:calendar-feed", args=[enrolment.calendar_token]), HTTP_ACCEPT_LANGUAGE="en"
    )

    text = feed.content.decode()
    assert "Calendario del programa de IA/ML" in text
    assert "SUMMARY:Semana 1:" in text
    assert "Week 1:" not in text


@pytest.mark.django_db
def test_a_refused_move_is_explained_in_spanish(learner):
    with translation.override("es"):
        assert ENROLMENT.refusal(state="active", move="complete", actor="learner") == (
            "Solo el personal puede completar esto."
        )
        assert ENROLMENT.refusal(state="paused", move="pause") == "Esta inscripción ya está en pausa."


def test_chart_dates_use_the_languages_month_names():
    with translation.override("es"):
        assert tick_label(date(2026, 12, 5), long_range=False) == "5 dic"
        assert tick_label(date(2026, 1, 5), long_range=True) == "ene 2026"
    with translation.override("en"):
        assert tick_label(date(2026, 12, 5), long_range=False) == "Dec 5"
        assert tick_label(date(2026, 1, 5), long_range=True) == "Jan 2026"


@pytest.mark.django_db
def test_the_progress_charts_month_labels_are_spanish(client, learner):
    enrolled(spanish(learner))
    client.force_login(learner)

    with freeze_time(MONDAY):
        page = client.get(reverse("learner:progress")).content.decode()

    ticks = re.findall(r'<text class="tick"[^>]*>([^<]*)</text>', page)
    assert any(tick.endswith(" nov") or tick.startswith("nov") for tick in ticks), ticks
    assert not any("Nov" in tick for tick in ticks), ticks


def test_plurals_in_both_forms():
    with translation.override("es"):
        assert weeks_phrase(1) == "1 semana"
        assert weeks_phrase(3) == "3 semanas"
        assert state_label("behind", weeks_behind=1, weeks_ahead=0) == "Con 1 semana de retraso"
        assert state_label("behind", weeks_behind=2, weeks_ahead=0) == "Con 2 semanas de retraso"
        assert phrases.cards_due(1, 1) == "1 tarjeta pendiente (aprox. 1 minuto)."
        assert phrases.cards_due(4, 3) == "4 tarjetas pendientes (aprox. 3 minutos)."
        assert phrases.weeks_completed(0, 1) == "0 de 1 semana completada"
        assert phrases.weeks_completed(3, 52) == "3 de 52 semanas completadas"
        assert phrases.attempts_used(1, 1) == "1 de 1 intento usado"
        assert phrases.attempts_used(1, 3) == "1 de 3 intentos usados"
    with translation.override("en"):
        assert phrases.cards_due(1, 1) == "1 card due (about 1 minute)."
        assert phrases.weeks_completed(3, 52) == "3 of 52 weeks completed"


def test_a_template_plural_in_both_forms():
    """`{% blocktranslate count %}` in a page of the product (the enrol page's lead), 1 and many."""
    nobody = AnonymousUser()
    with translation.override("es"):
        one = render_to_string(
            "progress/enrol.html", {"form": EnrolmentForm(), "week_total": 1, "user": nobody}
        )
        many = render_to_string(
            "progress/enrol.html", {"form": EnrolmentForm(), "week_total": 52, "user": nobody}
        )

    assert "tu calendario de 1 semana se deriva de ellos" in one
    assert "tu calendario de 52 semanas se deriva de ellos" in many


def test_jinja2_messages_are_translated_and_their_values_escaped():
    from django.template import engines

    template = engines["jinja2"].from_string(
        '{{ _("Week %(number)s: %(topic)s")|format(number=1, topic=topic) }} · {{ _("Open") }} · '
        '{{ _("Open week %(number)s", number=2) }}'
    )

    with translation.override("es"):
        assert template.render({"topic": "<b>Vectores</b>"}) == (
            "Semana 1: &lt;b&gt;Vectores&lt;/b&gt; · Abrir · Abrir la semana 2"
        )
