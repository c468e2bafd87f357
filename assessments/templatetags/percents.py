"""`{{ value|percent }}`: a quiz percentage by the one rounding rule, with the reader's decimal mark
(assessments.grading.percent_shown)."""

from decimal import Decimal

from django import template

from assessments.grading import percent_shown

register = template.Library()


@register.filter
def percent(value: Decimal | float | int | None) -> str:
    return percent_shown(value)
