"""Attachments: allowed types and size from settings, refused with a clear message and nothing stored;
only drafts take files. Reports: Markdown rendered and sanitised."""

from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from lms.markdown import render_comment, render_markdown, sanitise
from projects import services
from projects.models import Attachment
from tests.projects.conftest import project, submit


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PROJECT_ATTACHMENT_MAX_BYTES = 1000


@pytest.fixture
def draft(learner, enrolment):
    return services.draft_save(
        learner=learner,
        project=project(),
        repository_url="https://github.com/a/b",
        commit="abc1234",
        report="r",
    )


def stored_files(tmp_path) -> list[str]:
    return [str(path) for path in tmp_path.rglob("*") if path.is_file()]


def test_an_allowed_file_is_stored_under_a_random_name(learner, draft, tmp_path):
    attachment = services.attachment_add(
        learner=learner, version_id=draft.pk, upload=SimpleUploadedFile("results.csv", b"a,b\n1,2\n")
    )
    assert attachment.name == "results.csv"
    assert attachment.size == 8
    assert "results" not in attachment.file.name
    assert attachment.file.name.endswith(".csv")
    assert default_storage.open(attachment.file.name).read() == b"a,b\n1,2\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.html", b"<script>", "“evil.html” is not an allowed type"),
        ("run.exe", b"MZ", "“run.exe” is not an allowed type"),
        ("big.pdf", b"x" * 1001, "“big.pdf” is larger than the limit of 0.976562 KB"),
        ("empty.txt", b"", "“empty.txt” is empty"),
    ],
)
def test_a_refused_file_says_why_and_nothing_is_stored(learner, draft, tmp_path, name, content, message):
    with pytest.raises(ValidationError) as caught:
        services.attachment_add(
            learner=learner, version_id=draft.pk, upload=SimpleUploadedFile(name, content)
        )
    assert caught.value.message_dict["file"][0].startswith(message)
    assert not Attachment.objects.exists()
    assert stored_files(tmp_path) == []


def test_a_submitted_version_takes_no_file(learner, enrolment, tmp_path):
    version = submit(learner)
    with pytest.raises(ValidationError, match="submitted version cannot change"):
        services.attachment_add(
            learner=learner, version_id=version.pk, upload=SimpleUploadedFile("a.txt", b"a")
        )
    assert stored_files(tmp_path) == []


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.seen


def assert_harmless(html: str) -> None:
    for tag, attributes in tags_of(html):
        assert tag not in ("script", "img", "iframe", "style"), html
        assert not [name for name in attributes if name.startswith("on")], html
        assert not (attributes.get("href") or "").lower().strip().startswith("javascript:"), html


ATTACKS = (
    "<script>alert(1)</script>\n\n[bad](javascript:alert(1)) [bad2](JaVaScRiPt:alert(1))\n\n"
    '<img src=x onerror="alert(1)"><a href="#" onclick="x()">a</a> <p onmouseover="x()">p</p>'
)


def test_markdown_is_rendered_and_sanitised():
    html = render_markdown("## Results\n\n**fast** [ok](https://example.com)\n\n" + ATTACKS)
    assert "<h2>Results</h2>" in html
    assert "<strong>fast</strong>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">ok</a>' in html
    assert_harmless(html)
    assert [tag for tag, _ in tags_of(html)].count("a") == 1  # the javascript: links are not links


def test_a_comment_is_the_same_markdown_with_its_line_breaks_kept_and_as_harmless():
    html = render_comment("Good **quality** work.\nSee ~~v1~~ v2.\n\n- tidy\n- tested\n\n" + ATTACKS)
    assert "<p>Good <strong>quality</strong> work.<br>" in html
    assert "<s>v1</s>" in html
    assert "<li>tidy</li>" in html
    assert_harmless(html)
    assert [tag for tag, _ in tags_of(html)].count("a") == 0


@pytest.mark.django_db
def test_every_page_renders_what_people_write_through_the_one_renderer():
    """The `markdown` and `comment` filters are there in every Django and Jinja2 template, without a load."""
    from django.template import engines

    for engine in ("django", "jinja2"):
        page = (
            engines[engine].from_string("{{ text|comment }}|{{ text|markdown }}").render({"text": "**a**\nb"})
        )
        comment, markdown = page.split("|")
        assert comment.strip() == "<p><strong>a</strong><br>b</p>"
        assert markdown.strip() == "<p><strong>a</strong>\nb</p>"


def test_the_sanitiser_strips_what_raw_html_would_bring():
    html = sanitise(ATTACKS.replace("\n", ""))
    assert_harmless(html)
    assert "<script" not in html
    assert "<p>p</p>" in html  # the element stays, its handler goes
