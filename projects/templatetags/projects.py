from django import template
from django.utils.safestring import SafeString

from lms.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """Markdown rendered and sanitised (lms.markdown)."""
    return render_markdown(text)
