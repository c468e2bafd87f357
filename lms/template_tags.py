"""Template tags every Django template has (TEMPLATES' `builtins`): the bridge to Jinja2 row loops."""

from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.template import engines
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from lms.jinja2 import LANGUAGE, asset
from lms.markdown import render_comment, render_markdown

register = template.Library()

# What people write, rendered by the site's one sanitising renderer (lms.markdown), on every page.
register.filter("markdown", render_markdown)
register.filter("comment", render_comment)


@register.simple_tag(takes_context=True)
def jinja(context: template.Context, template_name: str) -> SafeString:
    """`{% jinja "progress/_schedule_rows.html" %}`: render a Jinja2 template (an app's `jinja2/`
    directory) with this template's context. Its output is escaped by Jinja2's autoescape, so it is
    safe to insert as it is."""
    values: dict[str, Any] = {str(name): value for name, value in context.flatten().items()}
    values[LANGUAGE] = get_language()
    request = context.get("request")
    if request is not None:
        # Django's Jinja2 backend would pass lazy CSRF values, masked anew at every use: a loop of 52
        # forms masked the token 52 times (a third of the mentor's page of a learner). Once a page is
        # enough, as `{% csrf_token %}` does: the Django template's own token (its context's lazy
        # `csrf_token`, masked at most once) serves the Jinja2 part too.
        token = str(values.get("csrf_token") or get_token(request))
        values |= {"request": request, "csrf_input": _csrf_input(token), "csrf_token": token}
    rendered = engines["jinja2"].get_template(template_name).render(values)
    return mark_safe(rendered)


def _csrf_input(token: str) -> SafeString:
    """The hidden field of Django's `csrf_input` (django.template.backends.utils), for a given token."""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


@register.simple_tag(name="asset")
def asset_tag(path: str) -> str:
    """`{% asset "css/site.css" %}`: Django's `{% static %}`, remembered per file (`lms.jinja2.asset`)."""
    return asset(path)
