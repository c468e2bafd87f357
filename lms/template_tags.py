"""Template tags every Django template has (TEMPLATES' `builtins`): the bridge to Jinja2 row loops."""

from typing import Any

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja(context: template.Context, template_name: str) -> SafeString:
    """`{% jinja "progress/_schedule_rows.html" %}`: render a Jinja2 template (an app's `jinja2/`
    directory) with this template's context. Its output is escaped by Jinja2's autoescape, so it is
    safe to insert as it is."""
    values: dict[str, Any] = {str(name): value for name, value in context.flatten().items()}
    rendered = engines["jinja2"].get_template(template_name).render(values, context.get("request"))
    return mark_safe(rendered)
