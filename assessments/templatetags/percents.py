"""`{{ value|percent }}`: a quiz percentage by the one rounding rule (assessments.grading.percent_text)."""

from decimal import Decimal

from django import template

from assessments.grading import percent_text

register = template.Library()


@register.filter
def percent(value: Decimal | float | int | None) -> str:
    return percent_text(value)
