"""Template tags every Django template has (TEMPLATES' `builtins`): the bridge to Jinja2 row loops."""

from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.template import engines
from django.template.backends.utils import csrf_input
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from lms.jinja2 import LANGUAGE, url

register = template.Library()


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
        # forms masked the token 52 times (a third of the mentor's page of a learner). Once is enough,
        # as `{% csrf_token %}` does.
        values |= {"request": request, "csrf_input": csrf_input(request), "csrf_token": get_token(request)}
    rendered = engines["jinja2"].get_template(template_name).render(values)
    return mark_safe(rendered)


@register.simple_tag
def path(name: str, *args: Any) -> str:
    """`{% path "progress:schedule" %}`: Django's `{% url %}`, remembered per name, arguments and script
    prefix (`lms.jinja2.url`). The layout's links were reversed again on every page (~0.4 ms)."""
    return url(name, *args)
