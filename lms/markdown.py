"""Markdown to safe HTML: markdown-it-py renders (CommonMark, raw HTML off), nh3 sanitises.

Two layers, because either alone is not enough: markdown-it-py escapes raw HTML but still produces a
link for `[x](javascript:…)` when its own validator is changed; nh3 (ammonia) keeps only the tags and
attributes listed here and only http(s)/mailto links, and drops every event handler and `<script>`.

The site's one renderer of what people write: project briefs and reports (`render_markdown`), and the
shorter texts — mentors' review comments and feedback, learners' replies, notes and portfolio
summaries, endorsements, phase sign-off comments (`render_comment`: the same Markdown, with a line
break kept as typed, as in a chat or an e-mail). Templates use the filters `markdown` and `comment`
(Django: builtins, lms.template_tags; Jinja2: lms.jinja2).
"""

import re

import nh3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy
from markdown_it import MarkdownIt

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_BREAK = re.compile(r"<br\s*/?>\n")
_comment_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(
    ["table", "strikethrough"]
)

COMMENT_HELP = gettext_lazy("Markdown: **bold**, *italic*, lists, `code` and links; line breaks are kept.")
"""The help text of every field whose text is shown by `render_comment`."""

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "del", "s",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    """The text as sanitised HTML, safe to put in a page as is."""
    return sanitise(_renderer.render(text or ""))


def render_comment(text: str) -> SafeString:
    """A comment, note or summary as sanitised HTML: Markdown, each line break kept."""
    # markdown-it writes "<br>\n" for a line break: the break is the tag, the newline would show as a space.
    return sanitise(_BREAK.sub("<br>", _comment_renderer.render(text or "")))


def sanitise(html: str) -> SafeString:
    """Only the allowed tags, attributes and link schemes of `html` (nh3)."""
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)
