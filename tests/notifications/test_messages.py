"""The outbox's messages: the bytes a mail server receives are those Django's own message would give."""

import re
from email import message_from_bytes, policy

import pytest
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import BadHeaderError

from notifications.messages import OUTBOX_POLICY, OutboxMessage, TextPart

UNSUBSCRIBE = {
    "List-Unsubscribe": "<https://lms.example/reminders/unsubscribe/4:zTPaYdpQNx7wuxiUZjN5WtygU6lbq5a44MWVjRWuTcs/>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
}
TEXT = (
    "Hello Ada,\n\nThis week (22 November – 28 November 2026) is week 26.\n\n"
    "You get this because of “Every week”.\n"
)
HTML = '<p>Hello Ada,</p>\n<p style="color: #57606a;">This week · 22 November – 28 November 2026</p>\n'
CASES = {
    "reminder": {
        "subject": "[AI/ML Curriculum] Week 26: Training & Reproducibility",
        "body": TEXT,
        "html": HTML,
    },
    "ascii only": {"subject": "Hello", "body": "Plain text\n", "html": "<p>Hi</p>"},
    "long subject, folded": {"subject": "[AI/ML Curriculum] " + "word " * 30, "body": TEXT, "html": HTML},
    "non-ASCII subject": {"subject": "Semaine 3 : l’apprentissage — déjà là", "body": TEXT, "html": HTML},
    "non-ASCII names": {
        "subject": "Hi",
        "body": TEXT,
        "html": HTML,
        "from_email": "Équipe <noreply@lms.example>",
        "to": ["Zoë Ünal <zoe@example.com>"],
    },
    "a line over 998 octets": {
        "subject": "Long",
        "body": "x" * 1200 + "\n",
        "html": "<p>" + "é" * 600 + "</p>",
    },
    "no headers": {"subject": "Hi", "body": TEXT, "html": HTML, "headers": {}},
}


def pair(case: dict) -> tuple[EmailMultiAlternatives, OutboxMessage]:
    fields = dict(case)
    html = fields.pop("html")
    fields.setdefault("to", ["ada@example.com"])
    fields.setdefault("from_email", "LMS <noreply@localhost>")
    fields.setdefault("headers", UNSUBSCRIBE)
    messages = EmailMultiAlternatives(**fields), OutboxMessage(**fields)
    for message in messages:
        message.attach_alternative(html, "text/html")
    return messages


def normalized(data: bytes) -> bytes:
    """Without what differs from one message to the next: the boundary, the date, the message id."""
    for boundary in set(re.findall(rb'boundary="([^"]+)"', data)):
        data = data.replace(boundary, b"BOUNDARY")
    data = re.sub(rb"\nDate: [^\n]+", b"\nDate: D", data)
    return re.sub(rb"\nMessage-ID: <[^>]+>", b"\nMessage-ID: M", data)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_it_gives_the_bytes_of_djangos_own_message(case, settings):
    settings.EMAIL_USE_LOCALTIME = False
    django_message, outbox_message = pair(case)
    for serialize in (
        lambda message: message.message().as_bytes(linesep="\r\n"),  # what the SMTP backend sends
        lambda message: message.message().as_string().encode(),
    ):
        assert normalized(serialize(outbox_message)) == normalized(serialize(django_message))


def test_the_message_parses_back_to_what_was_sent():
    _, message = pair(CASES["reminder"])
    parsed = message_from_bytes(message.message().as_bytes(linesep="\r\n"), policy=policy.default)
    assert parsed["Subject"] == "[AI/ML Curriculum] Week 26: Training & Reproducibility"
    assert parsed["From"] == "LMS <noreply@localhost>"
    assert parsed["To"] == "ada@example.com"
    # (folded after the colon, as Django folds it: the value is what follows the white space)
    assert parsed["List-Unsubscribe"].strip() == UNSUBSCRIBE["List-Unsubscribe"]
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["Message-ID"]
    assert parsed["Date"]
    assert parsed.get_content_type() == "multipart/alternative"
    text, html = parsed.iter_parts()
    assert (text.get_content_type(), text.get_content().replace("\r\n", "\n")) == ("text/plain", TEXT)
    assert (html.get_content_type(), html.get_content().replace("\r\n", "\n")) == ("text/html", HTML)


def test_a_header_with_a_line_break_is_refused_as_django_refuses_it():
    _, message = pair(
        dict(CASES["reminder"], headers={"List-Unsubscribe": "<https://x>\r\nBcc: eve@example.com"})
    )
    with pytest.raises(BadHeaderError):
        message.message()


def test_the_backends_send_it(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    _, message = pair(CASES["non-ASCII names"])
    with get_connection() as connection:
        assert connection.send_messages([message]) == 1


def test_the_outboxs_messages_take_the_short_way_and_others_djangos():
    """(Else the comparison above would compare Django with itself.)"""
    _, message = pair(CASES["reminder"])
    assert all(type(part) is TextPart for part in message.message().get_payload())
    _, long_lines = pair(CASES["a line over 998 octets"])
    assert not any(type(part) is TextPart for part in long_lines.message().get_payload())


@pytest.mark.parametrize(
    "value",
    [
        "",
        "Hello",
        " leading space",
        "trailing space ",
        "two  spaces and\ta tab",
        "x" * 68,  # "Subject: " + 69 characters = 78: the longest line left as it is
        "x" * 69,
        "word " * 20,
        "Déjà vu",
        "=?utf-8?q?D=C3=A9j=C3=A0?=\n vu",
        "line\r\nbreak",
        "bell\x07",
    ],
)
def test_the_policy_writes_a_header_as_compat32_does(value):
    for outbox in (OUTBOX_POLICY, OUTBOX_POLICY.clone(linesep="\r\n")):
        compat32 = policy.Compat32(linesep=outbox.linesep)
        assert outbox.fold("Subject", value) == compat32.fold("Subject", value)
        assert outbox.fold_binary("Subject", value) == compat32.fold_binary("Subject", value)


def test_its_headers_are_written_by_the_outbox_policy():
    """(Else the comparison of bytes above would not be of the short way.)"""
    _, message = pair(CASES["reminder"])
    mime = message.message()
    assert mime.policy is OUTBOX_POLICY
    assert all(part.policy is OUTBOX_POLICY for part in mime.get_payload())
