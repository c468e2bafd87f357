"""Spanish for the mentor's side, certificates, one's data, cohorts and invitations (issue 36): pages,
e-mails, notices, the certificate's PDF and API errors come out in the reader's language — the
request's (Accept-Language, or the person's own `User.language`), and for whatever is made for someone
else (an e-mail, a notice, a PDF) the recipient's, not the actor's."""

import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time
from pypdf import PdfReader
from rest_framework.test import APIClient

from credentials import services as credential_services
from credentials.pdf import certificate_pdf
from curriculum.models import Phase, Week
from invitations import services as invitation_services
from mentoring.services import feedback_create, feedback_reply_create, mentor_digest_send
from notifications.models import Email, Notice
from privacy.deletion import deletion_request_create
from tests.credentials.conftest import finish_phase, sign_off
from tests.factories import UserFactory
from tests.mentoring.conftest import enrol
from tests.outbox import outbox_sent_here

SPANISH = {"Accept-Language": "es"}


def speaks(user, language: str):
    user.language = language
    user.save(update_fields=["language"])
    return user


def page(client: Client, url: str, headers: dict[str, str] | None = None) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def token_client(user) -> APIClient:
    """The API as a client app calls it: with the person's token (their language comes with it)."""
    from rest_framework.authtoken.models import Token

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


def assert_spanish(text: str, *, present: list[str], absent: list[str]) -> None:
    for words in present:
        assert words in text, words
    for words in absent:
        assert words not in text, words


# The mentor's pages -------------------------------------------------------------------------------


@pytest.fixture
def frozen_today():
    with freeze_time("2026-11-24 12:00:00"):  # a Tuesday
        yield date(2026, 11, 24)


@pytest.fixture
def mentees(mentor, frozen_today):
    """Three learners of the mentor: on track and active today, one day idle, and weeks behind and idle."""
    return [
        enrol(UserFactory(username="fine", name="Finn Fine"), mentor=mentor, start=date(2026, 11, 23)),
        enrol(
            UserFactory(username="idle", name="Ida Idle"),
            mentor=mentor,
            start=date(2026, 11, 23),
            active_days_ago=1,
        ),
        enrol(
            UserFactory(username="late", name="Lena Late"),
            mentor=mentor,
            start=date(2026, 10, 5),
            active_days_ago=20,
        ),
    ]


@pytest.mark.django_db
def test_the_mentor_table_is_in_the_mentors_language(client, mentor, mentees):
    client.force_login(speaks(mentor, "es"))
    text = page(client, reverse("mentoring:dashboard"))
    assert_spanish(
        text,
        present=[
            "Tus estudiantes",
            "Ordenar por",
            "Retrasado respecto al calendario",
            "Última actividad",
            "Estudiante, de la A a la Z",
            "Filtrar estudiantes",
            "Descargar CSV",
            "sin actividad desde hace 20 días",  # a reason, plural
            "hace 1 día",  # singular
            "hace 20 días",  # plural
            "Inactivo ≥ 14 días",
        ],
        absent=[
            "Your mentees",
            "Sort by",
            "Behind schedule",
            "Last activity",
            "days ago",
            "overdue",
            "Download CSV",
        ],
    )


@pytest.mark.django_db
def test_the_mentors_workspace_and_a_learners_page_are_in_spanish(client, mentor, mentees):
    client.force_login(mentor)
    workspace = page(client, reverse("mentoring:workspace"), headers=SPANISH)
    assert_spanish(
        workspace,
        present=["Tu grupo de un vistazo", "En qué punto está el grupo", "Cola de revisión", "Al día"],
        absent=["Where the group stands", "Review queue", "No quiz answer waits"],
    )
    learner = page(client, reverse("mentoring:learner", args=[mentees[2].pk]), headers=SPANISH)
    assert_spanish(
        learner,
        present=[
            "Fases",
            "Guardar la revisión",
            "Calendario, notas y comentarios",
            "Dejar comentarios",
            "Comentarios sobre la semana 1",
            "Aún no está lista para el visto bueno",
        ],
        absent=["Save review", "Leave feedback", "Schedule, notes and feedback", "Not ready for sign-off"],
    )


@pytest.mark.django_db
def test_the_mentors_api_errors_are_in_their_language(mentor, mentees):
    api = token_client(speaks(mentor, "es"))
    response = api.post(
        reverse("api-mentee-feedback", args=[mentees[0].pk]), {"week": 999, "body": "Hola"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["week"] == ["El programa no tiene semana 999."]


@pytest.mark.django_db
def test_feedback_reaches_the_learner_in_their_language_and_a_reply_the_mentor_in_theirs(mentor, mentees):
    enrolment = mentees[0]
    learner = speaks(enrolment.learner, "es")
    week = Week.objects.get(number=1)
    with translation.override("en"):  # the mentor's request
        feedback_create(author=mentor, enrolment=enrolment, week=week, body="Good start.")
    email = Email.objects.get(recipient=learner, kind="week_feedback")
    assert email.subject.endswith("Comentarios de tu mentor sobre la semana 1")
    assert "Hola, Finn Fine:" in email.text
    assert "dejó comentarios sobre la semana 1" in email.text
    assert "left feedback" not in email.text + email.html

    with translation.override("es"):  # the learner's request: the mentor still reads English
        feedback_reply_create(learner=learner, enrolment=enrolment, week=week, body="¡Gracias!")
    reply = Notice.objects.get(recipient=mentor, kind="feedback_reply")
    assert reply.title == "Finn Fine replied to your feedback on week 1"
    assert reply.text == "Finn Fine replied on week 1: ¡Gracias!"


@pytest.mark.django_db
def test_the_digest_is_in_the_mentors_language_with_both_plural_forms(mentor, mentees, other_mentor):
    speaks(mentor, "es")
    with translation.override("en"), outbox_sent_here():
        mentor_digest_send(mentor_id=mentor.pk, today=date(2026, 11, 24))
    [digest] = [message for message in mail.outbox if message.to == [mentor.email]]
    assert digest.subject.endswith("Tus estudiantes esta semana: 1 necesita atención")  # singular
    assert_spanish(
        str(digest.body),
        present=[
            "Hola,",
            "Estos estudiantes necesitan atención esta semana:",
            "Lena Late (semana 8)",
            "7 semanas atrasadas",
            "sin actividad desde hace 20 días",
            "Tu panel:",
        ],
        absent=["Hello", "need attention", "overdue", "no activity"],
    )

    enrol(
        UserFactory(username="gone", name="Gus Gone"),
        mentor=other_mentor,
        start=date(2026, 11, 23),
        active_days_ago=15,
    )
    enrol(
        UserFactory(username="away", name="Ava Away"),
        mentor=other_mentor,
        start=date(2026, 11, 23),
        active_days_ago=16,
    )
    speaks(other_mentor, "es")
    with outbox_sent_here():
        mentor_digest_send(mentor_id=other_mentor.pk, today=date(2026, 11, 24))
    [other] = [message for message in mail.outbox if message.to == [other_mentor.email]]
    assert other.subject.endswith("Tus estudiantes esta semana: 2 necesitan atención")  # plural


# Sign-offs and certificates ------------------------------------------------------------------------


@pytest.fixture
def certificate_world(learner, mentor, settings, tmp_path):
    """The learner (Ada) enrolled with the mentor (Grace), phase 1 finished."""
    from mentoring.services import mentees_assign
    from progress.services import enrolment_create

    settings.MEDIA_ROOT = tmp_path / "media"
    learner.name = "Ada Lovelace"
    learner.save(update_fields=["name"])
    mentor.name = "Grace Hopper"
    mentor.save(update_fields=["name"])
    from django.utils import timezone

    enrolment = enrolment_create(learner=learner, start_date=timezone.now().date())
    mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    return enrolment


@pytest.mark.django_db
def test_a_sign_off_tells_the_learner_in_their_language_not_the_mentors(certificate_world, mentor):
    speaks(certificate_world.learner, "es")
    with translation.override("en"):  # the mentor's request
        certificate = sign_off(certificate_world, 1, by=mentor)
    review = Email.objects.get(kind="phase_signed_off")
    phase_title = Phase.objects.get(number=1).title  # curriculum content: as the admins wrote it
    assert certificate.title == f"Phase 1: {phase_title}"  # stored as certified (the signed credential's)
    assert review.subject.endswith(f"Fase 1 aprobada: {phase_title}")
    assert "Grace Hopper aprobó la fase 1" in review.text
    assert "¡Bien hecho!" in review.text
    assert "¡Bien hecho!" in review.html
    issued = Email.objects.get(kind="certificate_issued")
    assert issued.subject.endswith(f"Tu certificado: Fase 1: {phase_title}")
    assert "Tienes un certificado nuevo" in issued.text
    assert "(Semanas 1–" in issued.text


@pytest.mark.django_db
def test_a_revocation_reaches_the_learner_in_their_language_not_the_staff_members(
    certificate_world, mentor, staff
):
    certificate = sign_off(certificate_world, 1, by=mentor)
    speaks(certificate_world.learner, "es")
    with translation.override("en"):  # staff's request
        credential_services.certificate_revoke(certificate=certificate, by=staff, reason="Issued in error.")
    email = Email.objects.get(kind="certificate_revoked")
    assert email.subject.endswith(f"Tu certificado fue revocado: Fase 1: {certificate.phase.title}")
    assert "fue revocado el" in email.text
    assert "Motivo: Issued in error." in email.text
    assert "was revoked" not in email.text

    # and the other way round: a Spanish-speaking staff member, an English-speaking learner
    speaks(certificate_world.learner, "en")
    again = credential_services.certificate_reissue(certificate=certificate, by=staff)
    with translation.override("es"):
        credential_services.certificate_revoke(certificate=again, by=staff, reason="Duplicate.")
    second = Email.objects.filter(kind="certificate_revoked").exclude(pk=email.pk).get()
    assert second.subject.endswith(f"Your certificate was revoked: {again.title}")


@pytest.mark.django_db
def test_the_lifecycles_refusals_are_in_the_readers_language(certificate_world, mentor, staff):
    from django.core.exceptions import ValidationError

    from mentoring.services import phase_review_create

    certificate = sign_off(certificate_world, 1, by=mentor)
    with translation.override("es"), pytest.raises(ValidationError) as returned:
        phase_review_create(
            reviewer=mentor, enrolment=certificate_world, phase=Phase.objects.get(number=1),
            decision="returned", comments="Otra vez",
        )  # fmt: skip
    assert returned.value.messages[0].startswith("La fase 1 está aprobada y su certificado emitido")
    credential_services.certificate_revoke(certificate=certificate, by=staff, reason="Issued in error.")
    with translation.override("es"), pytest.raises(ValidationError) as again:
        credential_services.certificate_revoke(certificate=certificate, by=staff, reason="Twice.")
    assert again.value.messages == ["Este certificado ya está revocado."]


@pytest.mark.django_db
def test_the_certificate_pdf_is_in_its_learners_language(certificate_world, mentor, staff):
    speaks(certificate_world.learner, "es")
    certificate = sign_off(certificate_world, 1, by=mentor)
    with translation.override("en"):  # whoever asks for it
        text = (
            PdfReader(io.BytesIO(certificate_pdf(certificate, verification_url="https://x.test/c/1")))
            .pages[0]
            .extract_text()
        )
    for words in (
        "Certificado de finalización",
        "otorgado a",
        "por completar",
        "Semanas 1–",
        "Aprobado por Grace Hopper el",
        "Verifica este certificado",
    ):
        assert words in text, words
    assert "Certificate of completion" not in text
    assert f"Fase 1: {certificate.phase.title}" in text
    assert re.search(r"el \d+ de [a-z]+ de \d{4}", text)  # the date as Spanish writes it
    credential_services.certificate_revoke(certificate=certificate, by=staff, reason="Issued in error.")
    certificate.refresh_from_db()
    revoked = (
        PdfReader(io.BytesIO(certificate_pdf(certificate, verification_url="https://x.test/c/1")))
        .pages[0]
        .extract_text()
    )
    assert "Revocado el" in revoked
    assert "Motivo: Issued in error." in revoked


def test_a_certificates_title_is_shown_in_the_readers_words_and_stored_as_certified():
    from credentials.models import Certificate

    whole = Certificate(title="AI/ML Curriculum: the complete 52-week curriculum")
    phase = Certificate(title="Phase 3: Deep Learning: the basics")
    other = Certificate(title="A title staff wrote")
    with translation.override("es"):
        assert whole.title_shown == "AI/ML Curriculum: el programa completo de 52 semanas"
        assert phase.title_shown == "Fase 3: Deep Learning: the basics"
        assert other.title_shown == "A title staff wrote"
    with translation.override("en"):
        assert (whole.title_shown, phase.title_shown) == (whole.title, phase.title)


@pytest.mark.django_db
def test_the_certificate_pages_are_in_spanish(client, certificate_world, mentor, staff):
    certificate = sign_off(certificate_world, 1, by=mentor)
    learner = speaks(certificate_world.learner, "es")
    client.force_login(learner)
    mine = page(client, reverse("credentials:mine"))
    assert_spanish(
        mine,
        present=[
            "Tus certificados",
            "Válido",
            "aprobado por Grace Hopper el",
            "Tu portafolio",
            "Versión para imprimir",
        ],
        absent=["Your certificates", "signed off by", "Printable record"],
    )
    detail = page(client, reverse("credentials:certificate", args=[certificate.public_id]))
    assert_spanish(
        detail,
        present=[
            "Descargar el PDF",
            "Dirección de verificación",
            "Añadir al perfil de LinkedIn",
            "Estado",
            "<h1>Fase 1: ",
        ],
        absent=["Download the PDF", "Verification address"],
    )
    record = page(client, reverse("credentials:portfolio-print"))
    assert "Fases completadas" in record
    assert re.search(r"aprobada el \d+ de [a-z]+ de \d{4}", record)  # a date as Spanish writes it, not ISO
    credential_services.certificate_reissue(certificate=certificate, by=staff)
    anonymous = page(Client(), reverse("credentials:verify", args=[certificate.public_id]), headers=SPANISH)
    assert_spanish(
        anonymous,
        present=[
            "Verificación del certificado",
            "Este certificado fue revocado",
            "Motivo: vuelto a emitir",
            "Otorgado a",
            "consulta el certificado nuevo",
        ],
        absent=["This certificate was revoked", "Reason: reissued", "Awarded to"],
    )


@pytest.mark.django_db
def test_the_name_confirmation_is_in_spanish_with_both_plural_forms(client, certificate_world, mentor):
    learner = speaks(certificate_world.learner, "es")
    learner.name = ""
    learner.first_name = learner.last_name = ""
    learner.save(update_fields=["name", "first_name", "last_name"])
    sign_off(certificate_world, 1, by=mentor)
    client.force_login(learner)
    one = page(client, reverse("credentials:mine"))
    assert "Confirma el nombre que se imprimirá" in one
    assert "Emitir mi certificado con este nombre" in one  # singular
    notice = Notice.objects.get(recipient=learner, key__startswith="certificate-name:")
    assert notice.text.startswith("Tu certificado está listo:")  # the learner's language, not the mentor's
    finish_phase(certificate_world, 2)
    from mentoring.services import phase_review_create

    phase_review_create(
        reviewer=mentor, enrolment=certificate_world, phase=Phase.objects.get(number=2), decision="signed_off"
    )
    two = page(client, reverse("credentials:mine"))
    assert "Emitir mis certificados con este nombre" in two  # plural
    refused = client.post(reverse("credentials:mine"), {"name": ""})
    assert refused.status_code == 400
    assert "Este campo es obligatorio." in refused.content.decode()


# One's data ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_data_pages_emails_and_api_errors_are_in_spanish(client, learner, settings):
    speaks(learner, "es")
    client.force_login(learner)
    data = page(client, reverse("privacy:data"))
    assert_spanish(
        data,
        present=[
            "Tus datos",
            "Descargar tus datos",
            "Preparar mis datos",
            "Eliminar la cuenta",
            f"se borran {settings.ACCOUNT_DELETION_GRACE_DAYS} días después",
        ],
        absent=["Your data", "Prepare my data", "Delete your account"],
    )
    delete = page(client, reverse("privacy:delete"))
    assert "¿Eliminar tu cuenta?" in delete
    assert "Eliminar mi cuenta" in delete
    refused = client.get(reverse("privacy:export-download", args=["x" * 40]))
    assert refused.status_code == 404
    assert "Este enlace de descarga no es válido." in refused.content.decode()

    api = token_client(learner)
    response = api.get(reverse("api-my-deletion"))
    assert response.status_code == 404
    assert response.json()["detail"] == "Tu cuenta no tiene una eliminación programada."


@pytest.mark.django_db
def test_deleting_an_account_speaks_spanish_and_takes_the_spanish_phrase(client, learner, settings):
    from django.test import RequestFactory

    speaks(learner, "es")
    learner.set_unusable_password()
    learner.save()
    client.force_login(learner)
    form = page(client, reverse("privacy:delete"))
    assert "Escribe «eliminar mi cuenta»" in form
    wrong = client.post(reverse("privacy:delete"), {"phrase": "delete it"})
    assert "Escribe «eliminar mi cuenta» para confirmar." in wrong.content.decode()
    request = RequestFactory().post("/")
    with translation.override("es"):
        _deletion, created = deletion_request_create(
            request=request, user=learner, password="", phrase="Eliminar mi cuenta"
        )
    assert created
    email = Email.objects.get(kind="account_deletion")
    assert email.subject.endswith("Tu cuenta se eliminará")
    assert "Nos pediste eliminar tu cuenta." in email.text


@pytest.mark.django_db
def test_the_mentors_of_an_erased_learner_are_told_in_their_own_language(learner, mentor):
    from datetime import timedelta

    from django.utils import timezone

    from privacy.deletion import accounts_erase_due
    from privacy.models import DeletionRequest
    from progress.services import enrolment_create

    enrolment = enrolment_create(learner=speaks(learner, "en"), start_date=date(2026, 9, 7))
    enrolment.mentor = speaks(mentor, "es")
    enrolment.save()
    DeletionRequest.objects.create(user=learner, erase_after=timezone.now() - timedelta(minutes=1))
    with translation.override("en"):  # the periodic task's
        assert accounts_erase_due() == 1
    notice = Notice.objects.get(recipient=mentor, kind="learner_deleted")
    assert notice.title == "Uno de tus estudiantes ha eliminado su cuenta"
    assert notice.text.startswith(
        "Un estudiante al que acompañabas como mentor (inscrito desde el 7 de septiembre de 2026)"
    )


@pytest.mark.django_db
def test_a_data_export_is_prepared_in_its_owners_language(learner, settings, tmp_path):
    import zipfile

    from django.core.files.storage import default_storage

    from privacy.exports import data_export_build, data_export_start

    settings.MEDIA_ROOT = tmp_path
    speaks(learner, "es")
    with translation.override("en"):  # the worker's default
        export, _ = data_export_start(user=learner)
        assert export.stage == "A la espera de empezar"
        assert data_export_build(export_id=export.pk)
    export.refresh_from_db()
    with default_storage.open(export.file_name, "rb") as stored, zipfile.ZipFile(stored) as archive:
        readme = archive.read("README.txt").decode()
    assert "Este archivo contiene los datos que" in readme
    email = Email.objects.get(kind="data_export_ready")
    assert email.subject.endswith("Tus datos están listos para descargar")


# Cohorts and invitations ---------------------------------------------------------------------------


@pytest.fixture
def cohort(mentor):
    from decimal import Decimal

    from cohorts.services import cohort_create

    return cohort_create(
        name="Primavera 2027",
        start_date=date(2027, 3, 1),
        pace=Decimal("1"),
        timezone_name="Europe/Madrid",
        mentors=[mentor],
    )


@pytest.mark.django_db
def test_the_cohort_pages_are_in_spanish(client, staff, cohort, mentor):
    invitation_services.learner_onboard(
        name="Lía", email="lia@example.org", cohort=cohort, mentor=mentor, invited_by=staff
    )
    client.force_login(speaks(staff, "es"))
    listing = page(client, reverse("mentoring:cohorts"))
    assert "Cohortes" in listing
    assert "Nueva cohorte" in listing
    report = page(client, reverse("mentoring:cohort", args=[cohort.pk]))
    assert_spanish(
        report,
        present=[
            "En qué punto está la cohorte",
            "Al día o adelantados",
            "Inactivo ≥ 14 días",
            "Pendiente",
            "Vistos buenos de las fases",
        ],
        absent=["Where the cohort stands", "On track or ahead", ">pending<", "Phase sign-offs"],
    )


@pytest.mark.django_db
def test_an_invitation_is_in_the_invitees_language_else_the_sites(staff, cohort, mentor):
    speaks(staff, "es")  # the importer's language is not the invitee's
    with translation.override("es"):
        new = invitation_services.learner_onboard(
            name="Noa", email="noa@example.org", cohort=cohort, mentor=mentor, invited_by=staff
        )
    first = Email.objects.get(key=invitation_services.email_key(new.invitation))
    assert settings.LANGUAGE_CODE == "en"
    assert first.subject.endswith(
        "You are invited to Primavera 2027"
    )  # unknown before sign-up: the site's default

    known = speaks(UserFactory(username="eva", email="eva@example.org", name="Eva"), "es")
    with translation.override("en"):
        done = invitation_services.learner_onboard(
            name="Eva", email=known.email, cohort=cohort, mentor=mentor, invited_by=staff
        )
    email = Email.objects.get(key=invitation_services.email_key(done.invitation))
    assert email.subject.endswith("Te han invitado a Primavera 2027")
    assert "te ha inscrito en la cohorte «Primavera 2027»" in email.text
    assert "el 1 de marzo de 2027" in email.text
    assert "Elige tu contraseña aquí" in email.text


@pytest.mark.django_db
def test_the_invitation_page_and_its_refusals_are_in_spanish(staff, cohort, mentor):
    done = invitation_services.learner_onboard(
        name="Noa", email="noa@example.org", cohort=cohort, mentor=mentor, invited_by=staff
    )
    email = Email.objects.get(key=invitation_services.email_key(done.invitation))
    link = re.search(r"https?://[^/]+(/invitations/[\w-]+/)", email.text)[1]  # type: ignore[index]
    client = Client()
    accept = page(client, link, headers=SPANISH)
    assert "Te damos la bienvenida a Primavera 2027" in accept
    assert "Establecer mi contraseña y empezar" in accept
    different = client.post(
        link, {"password1": "a-long-passphrase-42", "password2": "another-one-43"}, headers=SPANISH
    )
    assert "Las dos contraseñas no coinciden." in different.content.decode()
    invitation_services.invitation_revoke(invitation_id=done.invitation.pk, by=staff)
    refused = client.get(link, headers=SPANISH)
    assert refused.status_code == 410
    assert "Esta invitación fue revocada." in refused.content.decode()


# The catalogue -------------------------------------------------------------------------------------

JINJA_DIR = Path(settings.BASE_DIR) / "mentoring" / "jinja2"


SAME_IN_SPANISH = {"<strong>%(author)s</strong> (%(day)s):"}


def test_every_message_of_the_mentor_jinja_templates_is_in_the_spanish_catalogue():
    """Every `{{ _("…") }}` of mentoring's Jinja2 templates (values go through `|format`, so makemessages
    extracts each: tests/test_translations.py) is translated."""
    text = "\n".join(template.read_text() for template in JINJA_DIR.rglob("*.html"))
    messages = set(re.findall(r'_\("((?:[^"\\]|\\.)*)"\)', text))
    assert "Feedback on week %(number)s" in messages
    with translation.override("es"):
        untranslated = {m for m in messages if translation.gettext(m) == m} - SAME_IN_SPANISH
    assert untranslated == set()
