"""The admin's CSV import: a preview (dry run) with each invalid row's errors, then the valid rows
onboarded — accounts, enrolments through the cohort, one invitation e-mail each through the outbox —
and the same file again changes nothing and sends nothing."""

import csv
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from invitations.models import Invitation
from notifications.models import Email
from progress.models import Enrolment
from tests.factories import UserFactory
from tests.outbox import outbox_sent_here

IMPORT_URL = reverse("admin:invitations_invitation_import")
PROCESS_URL = reverse("admin:invitations_invitation_process_import")


def csv_file(rows, header=("name", "email", "cohort", "mentor")) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile("cohort.csv", out.getvalue().encode("utf-8"), content_type="text/csv")


def two_hundred_rows(cohort, mentor, other_mentor, learner_not_mentor):
    """190 valid rows (two mentors, one row with no mentor) and 10 invalid ones, mixed in."""
    valid = [
        (
            f"Learner {n}",
            f"Person{n}@Example.org",
            cohort.name,
            (mentor, other_mentor)[n % 2].email if n else "",
        )
        for n in range(190)
    ]
    invalid = [
        ("Unknown cohort", "x1@example.org", "No such cohort", mentor.email),
        ("Unknown mentor", "x2@example.org", cohort.name, "nobody@example.org"),
        ("Not a mentor", "x3@example.org", cohort.name, learner_not_mentor.email),
        ("Bad address", "not-an-address", cohort.name, mentor.email),
        ("No address", "", cohort.name, mentor.email),
        ("Twice", "person1@example.org", cohort.name, mentor.email),  # row 2's address again
        ("Nul\x00name", "x7@example.org", cohort.name, mentor.email),
        ("Evil\u202etxt.exe", "x8@example.org", cohort.name, mentor.email),
        ("Zero width", "x9\u200b@example.org", cohort.name, mentor.email),
        ("L" * 151, "x10@example.org", cohort.name, mentor.email),
    ]
    rows = list(valid)
    for position, row in enumerate(invalid):
        rows.insert(20 * position + 5, row)
    return rows


def preview(client: Client, upload: SimpleUploadedFile):
    response = client.post(IMPORT_URL, {"import_file": upload, "format": "0", "resource": "0"})
    assert response.status_code == 200
    return response


def confirm(client: Client, response) -> None:
    form = response.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    done = client.post(PROCESS_URL, data)
    assert done.status_code == 302, done.content[:2000]


@pytest.fixture
def admin_client_for(staff):
    client = Client()
    client.force_login(staff)
    return client


def test_two_hundred_rows_preview_import_and_again(admin_client_for, cohort, mentor, other_mentor, learner):
    rows = two_hundred_rows(cohort, mentor, other_mentor, learner)
    assert len(rows) == 200
    users_before = User.objects.count()

    # The preview: a dry run, rolled back — nothing created, nothing in the outbox.
    response = preview(admin_client_for, csv_file(rows))
    result = response.context["result"]
    assert len(result.invalid_rows) == 10
    assert len(result.valid_rows()) == 190
    assert all(row.import_type == "new" for row in result.valid_rows())
    errors = {row.number: row.error_dict for row in result.invalid_rows}
    assert "No cohort is named" in str(errors[6]["cohort"])
    assert "No account has the address" in str(errors[26]["mentor"])
    assert "is not in the Mentors group" in str(errors[46]["mentor"])
    assert "not a valid e-mail address" in str(errors[66]["email"])
    assert "required" in str(errors[86]["email"])
    assert "is on row 2 already" in str(errors[106]["email"])
    assert "U+0000" in str(errors[126]["name"])
    assert "U+202E" in str(errors[146]["name"])
    assert "U+200B" in str(errors[166]["email"])
    assert "At most 150 characters" in str(errors[186]["name"])
    assert response.context["confirm_form"] is not None
    assert b"will be skipped" in response.content
    assert User.objects.count() == users_before
    assert not Email.objects.exists()

    # The import: the 190 valid rows, each sent one invitation through the outbox.
    with outbox_sent_here():
        confirm(admin_client_for, response)
    invited = User.objects.filter(invitations__cohort=cohort)
    assert invited.count() == 190
    assert User.objects.count() == users_before + 190
    enrolments = Enrolment.objects.filter(learner__in=invited, cohort_membership__cohort=cohort)
    assert enrolments.count() == 190
    assert set(enrolments.values_list("start_date", "pace", "timezone", "status")) == {
        (cohort.start_date, cohort.pace, "Europe/Paris", "active")
    }
    assert enrolments.filter(mentor=mentor).count() == 94
    assert enrolments.filter(mentor=other_mentor).count() == 95
    assert enrolments.filter(mentor=None).count() == 1
    assert enrolments.filter(standing__isnull=False).count() == 190
    emails = Email.objects.filter(kind="invitation")
    assert emails.count() == 190
    assert emails.filter(status=Email.Status.SENT).count() == 190
    assert len({email.key for email in emails}) == 190
    assert len(mail.outbox) == 190
    first = next(m for m in mail.outbox if m.to == ["person1@example.org"])
    assert "Spring 2027" in first.subject
    assert re.search(r"/invitations/[\w-]{40,}/", first.body)
    person = User.objects.get(email="person1@example.org")
    assert person.name == "Learner 1"
    assert not person.has_usable_password()

    # The same file again: every valid row is skipped, nothing is sent, nothing changes.
    again = preview(admin_client_for, csv_file(rows))
    result = again.context["result"]
    assert len(result.invalid_rows) == 10
    assert {row.import_type for row in result.valid_rows()} == {"skip"}
    with outbox_sent_here():
        confirm(admin_client_for, again)
    assert Email.objects.count() == 190
    assert len(mail.outbox) == 190
    assert Invitation.objects.count() == 190
    assert User.objects.count() == users_before + 190


def test_a_row_with_another_mentor_moves_only_that_learner(admin_client_for, cohort, mentor, other_mentor):
    rows = [("Ada", "ada@example.org", cohort.name, mentor.email)]
    with outbox_sent_here():
        confirm(admin_client_for, preview(admin_client_for, csv_file(rows)))
    rows = [("Ada L.", "ada@example.org", cohort.name, other_mentor.email)]
    response = preview(admin_client_for, csv_file(rows))
    assert [row.import_type for row in response.context["result"].valid_rows()] == ["update"]
    with outbox_sent_here():
        confirm(admin_client_for, response)
    enrolment = Enrolment.objects.get(learner__email="ada@example.org")
    assert enrolment.mentor == other_mentor
    assert enrolment.learner.name == "Ada L."
    assert Email.objects.filter(kind="invitation").count() == 1  # not invited twice
    assert other_mentor in cohort.mentors.all()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,e-mail,cohort\nAda,ada@example.org,X\n", b"The file has no column email, mentor"),
        (b"\xff\xfe\x00n\x00a", b"not UTF-8"),
        (b"", b"The submitted file is empty"),
        (b"name,email,cohort,mentor\n", b"a header but no rows"),
        (b"name,email,email,cohort,mentor\nA,a@example.org,b@example.org,X,\n", b"appears more than once"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(admin_client_for, content, message):
    upload = SimpleUploadedFile("bad.csv", content, content_type="text/csv")
    response = admin_client_for.post(IMPORT_URL, {"import_file": upload, "format": "0", "resource": "0"})
    assert response.status_code == 200
    assert message in response.content
    assert "confirm_form" not in response.context
    assert not User.objects.filter(email__endswith="@example.org").exclude(username__in=["staff"]).exists()


def test_a_huge_file_is_refused_before_it_is_read(admin_client_for, settings):
    settings.INVITATION_IMPORT_MAX_BYTES = 1000
    upload = SimpleUploadedFile("big.csv", b"name,email,cohort,mentor\n" + b"a,b@c.org,d,\n" * 200)
    response = admin_client_for.post(IMPORT_URL, {"import_file": upload, "format": "0", "resource": "0"})
    assert response.status_code == 200
    assert b"at most 1,000 bytes" in response.content


def test_only_staff_with_the_permission_import(cohort, mentor):
    staff_without = UserFactory(is_staff=True)
    client = Client()
    client.force_login(staff_without)
    assert client.get(IMPORT_URL).status_code == 403
    client.force_login(mentor)
    assert client.get(IMPORT_URL).status_code == 302  # to the admin's log-in
