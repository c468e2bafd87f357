"""The learner's apps in Spanish: quizzes, review cards, code exercises, the curriculum, notices and
reminders, for a browser that asks for Spanish or a person who chose it, and the notice and e-mails
a Spanish learner gets while whoever acts (a mentor, the reminder run) works in English."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time
from rest_framework.test import APIClient

from assessments import autograding, services
from cards.services import cards_create_for_submission
from notifications.models import Notice
from tests.assessments.conftest import enrol, make_quiz, perfect_answers
from tests.cards.conftest import graded_attempt
from tests.outbox import outbox_sent_here
from tests.reminders.conftest import RUN, make_enrolment, run_reminders

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es"}


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A Spanish request leaves Spanish active in the thread (LocaleMiddleware does not undo it): the
    tests after these expect the site's default."""
    yield
    translation.activate("en")


def page(client, url: str, **extra) -> str:
    response = client.get(url, **SPANISH, **extra)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.django_db
def test_the_quiz_page_and_its_result_are_spanish(client, learner):
    enrol(learner)
    quiz = make_quiz(week=1, max_attempts=1)
    client.force_login(learner)
    taking = page(client, reverse("assessments:quiz-take", args=[1]))
    assert "Entregar respuestas" in taking
    assert "5 preguntas" in taking  # the plural
    assert "1 de 1 intento disponible" in taking  # the singular
    assert "Marca todas las que correspondan." in taking
    assert "1 punto" in taking
    assert "2 puntos" in taking
    for english in ("Submit answers", "questions", "attempt left", "Select all that apply", "points"):
        assert english not in taking

    submission = services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
    grading = page(client, submission.get_absolute_url())
    assert "Calificando…" in grading
    assert "Esta página se actualizará sola en un momento." in grading
    assert "Grading" not in grading

    autograding.submission_grade(submission_id=submission.pk)
    result = page(client, submission.get_absolute_url())
    assert "Aprobado" in result
    assert "Tus respuestas" in result
    assert "Volver a la semana 1" in result
    for english in ("Passed", "Your answers", "Back to week", "points"):
        assert english not in result


@pytest.mark.django_db
def test_the_api_refuses_in_the_language_asked_for(learner):
    enrol(learner)
    quiz = make_quiz(week=2, max_attempts=1)
    services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
    api = APIClient()
    api.force_authenticate(learner)
    body = {"quiz": quiz.pk, "answers": {str(k): v for k, v in perfect_answers(quiz).items()}}
    response = api.post(reverse("api-submission-list"), body, format="json", **SPANISH)
    assert response.status_code == 400
    assert "Ya has usado tu único intento en este cuestionario." in str(response.json())
    assert "used" not in str(response.json())
    missing = api.get(reverse("api-submission-detail", args=[999999]), **SPANISH)
    assert missing.status_code == 404
    assert missing.json()["detail"] == "No existe esa entrega."


@pytest.mark.django_db
def test_the_daily_review_is_spanish_with_its_plurals(client, learner, mentor):
    enrol(learner, mentor=mentor)
    quiz = make_quiz(week=1, max_attempts=1)
    cards_create_for_submission(submission_id=graded_attempt(learner, quiz).pk)
    client.force_login(learner)
    review = page(client, reverse("cards:review"))
    assert "Repaso diario" in review
    assert "3 tarjetas pendientes hoy" in review  # the plural
    assert "alrededor de 1 minuto" in review  # the singular
    assert "Mostrar la respuesta" in review
    for english in ("Daily review", "cards due today", "Show the answer", "Stop for now"):
        assert english not in review
    cards = page(client, reverse("cards:card-list"))
    assert "Mis tarjetas de repaso" in cards
    assert "Retención deseada" in cards
    assert "Desired retention" not in cards


@pytest.mark.django_db
def test_a_week_and_its_exercises_and_the_curriculum_are_spanish(client, learner):
    enrol(learner)
    client.force_login(learner)
    week = page(client, reverse("curriculum:week-detail", args=[3]))
    assert "Objetivos de aprendizaje" in week
    assert "Área de enfoque:" in week
    assert "Semana 3: " in week
    assert "Fase 1: " in week
    assert "Learning objectives" not in week
    assert "Focus area" not in week
    overview = page(client, reverse("curriculum:overview"))
    assert "3 fases, 52 semanas." in overview
    assert "Each week has" not in overview


@pytest.mark.django_db
def test_a_spanish_learners_notice_and_email_are_spanish_while_their_mentor_works_in_english(
    client, learner, mentor
):
    learner.language = "es"
    learner.save(update_fields=["language"])
    mentor.language = "en"
    mentor.save(update_fields=["language"])
    enrol(learner, mentor=mentor)
    quiz = make_quiz(week=2, free_text=True)
    submission = services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
    submission = autograding.submission_grade(submission_id=submission.pk)
    answer = submission.answers.get(question__kind="free_text")
    with translation.override("en"), outbox_sent_here():
        services.answer_review(reviewer=mentor, answer=answer, points=Decimal(4), feedback="Bien razonado.")

    notice = Notice.objects.get(recipient=learner, kind="quiz_reviewed")
    assert notice.text.startswith("Cuestionario de la semana 2: 100 %, aprobado.")
    assert "Se ha revisado tu cuestionario de la semana 2" in notice.title
    [message] = [message for message in mail.outbox if message.to == [learner.email]]
    assert "Se ha revisado tu cuestionario de la semana 2" in message.subject
    assert "Hola, " in message.body
    assert "Ver el resultado completo" in message.body
    assert "Hello" not in message.body
    assert "reviewed" not in message.subject

    client.force_login(learner)  # the learner's choice, whatever the browser asks for
    notices = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Avisos" in notices
    assert "Marcar todos como leídos" in notices
    assert "Cuestionario de la semana 2: 100 %, aprobado." in notices
    assert "Mark all read" not in notices


@pytest.mark.django_db
def test_marking_notices_read_says_how_many_in_spanish(client, learner):
    learner.language = "es"
    learner.save(update_fields=["language"])
    for number in (1, 2):
        Notice.objects.create(recipient=learner, kind="week_feedback", key=f"n:{number}", text="…")
    client.force_login(learner)
    follow = client.post(reverse("notifications:read-all"), follow=True).content.decode()
    assert "2 avisos marcados como leídos." in follow
    Notice.objects.create(recipient=learner, kind="week_feedback", key="n:3", text="…")
    follow = client.post(reverse("notifications:read-all"), follow=True).content.decode()
    assert "1 aviso marcado como leído." in follow


@freeze_time(RUN)
@pytest.mark.django_db
def test_reminders_go_out_in_each_learners_language_from_an_english_run():
    spanish_behind = make_enrolment("lucia", completed=[1, 2, 3]).learner  # one week behind
    spanish_far_behind = make_enrolment("mateo", completed=[1, 2]).learner  # two weeks behind
    ada = make_enrolment("ada", completed=[1, 2]).learner
    for person in (spanish_behind, spanish_far_behind):
        person.language = "es"
        person.save(update_fields=["language"])
    with translation.override("en"):
        assert run_reminders() == 3
    by_address = {message.to[0]: message for message in mail.outbox}

    one = by_address[spanish_behind.email]
    assert "Llevas 1 semana de retraso: termina la semana 4" in one.subject  # the singular
    assert "Hola, Lucia:" in one.body
    assert "Llevas 1 semana de retraso: termina la semana 4" in one.body
    assert "Darte de baja con un clic" in one.body
    html = one.alternatives[0].content
    assert '<html lang="es">' in html
    assert "Semanas atrasadas" in html
    for english in ("Hello", "behind", "Unsubscribe", "Overdue"):
        assert english not in one.body

    two = by_address[spanish_far_behind.email]
    assert "Llevas 2 semanas de retraso: termina la semana 3" in two.subject  # the plural
    notice = Notice.objects.get(recipient=spanish_far_behind)
    assert notice.text.startswith("Llevas 2 semanas de retraso")

    assert "You are 2 weeks behind: finish week 3" in by_address[ada.email].subject
    assert "Hello Ada," in by_address[ada.email].body


@freeze_time(RUN)
@pytest.mark.django_db
def test_the_weekly_reminder_names_the_week_and_its_days_in_spanish():
    learner = make_enrolment("sofia").learner
    learner.language = "es"
    learner.save(update_fields=["language"])
    run_reminders()
    [message] = mail.outbox
    assert "Semana 5: " in message.subject
    assert "Esta semana (30 de noviembre – 6 de diciembre de 2026) es la semana 5." in message.body
    assert "Abrir la semana 5" in message.body
    assert "Week 5:" not in message.subject
    assert "This week" not in message.body
    assert "Open week" not in message.body
    assert "Hello" not in message.body


@pytest.mark.django_db
def test_the_code_exercise_limits_read_in_the_readers_language():
    from exercises.limits import Limits, limit_message

    with translation.override("es"):
        assert limit_message("time", Limits(cpu_seconds=2)) == "se superó el límite de tiempo tras 2 s"
    with translation.override("en"):
        assert limit_message("time", Limits(cpu_seconds=2)) == "time limit exceeded after 2 s"


def test_the_review_card_comes_back_message_is_one_sentence_per_plural():
    from django.utils import timezone

    from cards.views import comes_back_message

    with translation.override("es"):
        now = timezone.now()
        assert comes_back_message(now + timedelta(minutes=1, seconds=5)) == (
            "Guardado. Esta tarjeta vuelve dentro de 1 minuto."
        )
        assert comes_back_message(now + timedelta(days=4, hours=1)) == (
            "Guardado. Esta tarjeta vuelve dentro de 4 días."
        )


def test_a_percentage_is_written_with_the_readers_decimal_mark():
    from assessments.grading import percent_shown, percent_text

    with translation.override("es"):
        assert percent_shown(Decimal("16.6667")) == "16,67"
        assert percent_text(Decimal("16.6667")) == "16.67"  # CSV and the API
    with translation.override("en"):
        assert percent_shown(Decimal("16.6667")) == "16.67"


@pytest.mark.django_db
def test_a_code_exercise_page_is_spanish_with_its_plural(client, learner):
    from tests.exercises.conftest import make_exercise

    enrol(learner)
    exercise = make_exercise(week=1, max_attempts=1)
    client.force_login(learner)
    html = page(client, reverse("exercises:exercise", args=[exercise.pk]))
    assert "Ejecutar ejemplos" in html
    assert "Entregar (intento 1 de 1)" in html
    assert "0 de 1 intento usado" in html  # the singular
    assert "2 pruebas ocultas" in html  # the plural
    for english in ("Run examples", "Your code", "attempt used", "hidden tests"):
        assert english not in html


@pytest.mark.django_db
def test_the_weekly_digest_is_in_its_recipients_language(learner):
    from notifications.digest import notice_digest_send
    from notifications.models import Delivery

    learner.language = "es"
    learner.save(update_fields=["language"])
    for number in (1, 2):
        Notice.objects.create(
            recipient=learner, kind="week_feedback", key=f"d:{number}", text="…", delivery=Delivery.DIGEST
        )
    with translation.override("en"), outbox_sent_here():
        assert notice_digest_send(recipient_id=learner.pk)
    [message] = mail.outbox
    assert "Tu semana: 2 avisos" in message.subject
    assert "Esto es lo que ha pasado esta semana:" in message.body
    assert "Todos tus avisos: " in message.body
    assert "Here is what happened" not in message.body


@pytest.mark.django_db
def test_the_unsubscribe_pages_are_spanish(client):
    from reminders.tokens import unsubscribe_token_for

    enrolment = make_enrolment("lucia")
    url = reverse("reminders:unsubscribe", args=[unsubscribe_token_for(enrolment_id=enrolment.pk)])
    confirm = page(client, url)
    assert "¿Dejar de recibir correos de recordatorio?" in confirm
    assert "Darme de baja" in confirm
    done = client.post(url, **SPANISH).content.decode()
    assert "Te has dado de baja" in done
    assert "unsubscribed" not in done
    invalid = client.get(reverse("reminders:unsubscribe", args=["0:nonsense"]), **SPANISH).content.decode()
    assert "Este enlace de baja no es válido" in invalid
