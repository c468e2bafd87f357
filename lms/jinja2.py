"""The Jinja2 environment for the few row loops that earn it (schedule weeks, mentor table rows).

Django's template language resolves, localises and escapes each variable through several layers:
52 schedule rows cost ~7 ms of it where Jinja2's compiled templates take ~1 ms (bench/profile_pages.py).
Pages stay Django templates (the base layout's blocks, forms, CSRF); a hot part is a Jinja2 template
included with the `jinja` tag (lms/template_tags.py) and sees the same context: a row loop, a page's
body, the layout's header (templates/jinja2/layout/_header.html). Autoescaping is on, as in Django's.
Only Django's own helpers are offered, so these templates format dates and build links as the rest do.
"""

import datetime
import functools
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters, engines
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # missing from the stubs
from django.utils.translation import get_language, override
from jinja2 import Environment, pass_context, pass_eval_context
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from markupsafe import Markup

from lms import translations
from lms.markdown import render_comment, render_markdown


def url(name: str, *args: Any) -> str:
    """`{{ url("learner:week", 5) }}`: Django's `{% url %}` (remembered: a loop links each of 52 rows)."""
    return _reversed(name, args, get_script_prefix())


@functools.lru_cache(maxsize=8192)
def _reversed(name: str, args: tuple[Any, ...], script_prefix: str) -> str:
    """The same name, arguments and script prefix always reverse to the same path (~20 µs each)."""
    return reverse(name, args=args)


@functools.lru_cache(maxsize=256)
def asset(path: str) -> str:
    """`{{ asset("css/site.css") }}`: Django's `static()` URL of a file, remembered: the manifest that
    names its hashed copy is read once per process (collectstatic needs a restart anyway), and
    looking the name up cost ~60 µs a file on every page."""
    return static(path)


@receiver(setting_changed)
def _forget_paths(*, setting: str, **kwargs: Any) -> None:
    """Paths are remembered for one URLconf and one static files setup: a test that swaps them
    (override_settings) gets its own."""
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()
    if setting in {"STATIC_URL", "STORAGES", "STATIC_ROOT"}:
        asset.cache_clear()


TIME_OF_DAY_FORMATS = frozenset("aABcefgGhHiIOPrsTuUZ")
"""Django's date-format characters that read more than the day: the hour, the time zone, a timestamp."""


DAY_FORMAT_NAMES = frozenset({"DATE_FORMAT", "SHORT_DATE_FORMAT", "MONTH_DAY_FORMAT", "YEAR_MONTH_FORMAT"})
"""The formats of lms/formats/ that show a day (the others show an instant)."""


def _is_day_format(arg: str | None) -> bool:
    """Whether `arg` (None: DATE_FORMAT) shows only the day."""
    if arg is None or arg in DAY_FORMAT_NAMES:
        return True
    return not arg.endswith("_FORMAT") and not TIME_OF_DAY_FORMATS.intersection(arg)


LANGUAGE = "_language"
"""The context variable in which the `jinja` tag hands templates the active language, asked once per
page: `get_language()` costs ~10 µs, and a page formats up to 104 dates."""


def date(value: Any, arg: str | None = None, *, language: str | None = None) -> str:
    """Django's `date` filter, in the current time zone as Django templates show datetimes (`language`:
    the active one, when the caller knows it)."""
    if type(value) is datetime.date:  # no time zone: the text depends on the day, format and language only
        return _date_text(value, arg, language or get_language())
    local = template_localtime(value)
    if isinstance(local, datetime.datetime) and _is_day_format(arg):
        # "j M Y" of a datetime is the text of its local day: the mentor table's 25 "last activity"
        # datetimes took ~0.1 ms each through Django's filter, a tenth of the page.
        return _date_text(local.date(), arg, language or get_language())
    return defaultfilters.date(local, arg)


@pass_context
def _date_filter(context: Context, value: Any, arg: str | None = None) -> str:
    return date(value, arg, language=context.get(LANGUAGE))


@functools.lru_cache(maxsize=8192)
def _date_text(value: datetime.date, arg: str | None, language: str | None) -> str:
    """A schedule shows 104 planned dates: formatting each (~18 µs) was a third of its rows' time.
    Written in `language` (the key it is remembered by), whichever is active when it is first asked."""
    with override(language):
        return defaultfilters.date(value, arg)


def django_include(template_name: str, **context: Any) -> str:
    """`{{ django_include("partials/form_fields.html", form=form) }}`: a Django template inside a Jinja2
    one (the form partial every page shares; its output is marked safe by Django's escaping)."""
    return engines["django"].get_template(template_name).render(context)


def linebreaksbr(value: Any) -> str:
    """Django's `linebreaksbr`, escaping its input first (its result is marked safe)."""
    return defaultfilters.linebreaksbr(value, autoescape=True)


JINJA_LIBRARIES = ("percents",)
"""Django template libraries whose filters Jinja2 templates have too: an app owns its filter (the
quiz percentage's one rounding rule is assessments' `percent`) and both engines show the same."""


def _library_filters() -> dict[str, Any]:
    libraries = engines["django"].engine.template_libraries  # type: ignore[attr-defined]
    return {name: f for library in JINJA_LIBRARIES for name, f in libraries[library].filters.items()}


@pass_eval_context  # (not the context: in a loop Jinja2 derives a new one for each such call)
def _gettext(eval_context: EvalContext, message: str, **variables: Any) -> str:
    """`_("…")`: the message in the active language, marked safe under autoescape (so that `|format`
    escapes the values it fills in); with keyword values, filled in with them as Jinja2's newstyle
    gettext does. Without values the text is left as it is: `%(name)s` for `|format` to fill."""
    text = translations.gettext(message)  # (looked up once per language: a long table asks often)
    if eval_context.autoescape:
        text = Markup(text)
    return text % variables if variables else text


def environment(**options: Any) -> Environment:
    env = Environment(**options)
    # Django's catalogues in Jinja2 templates. Django's makemessages extracts `_("…")` only where the
    # string is the call's one argument and the call opens its `{{ }}` tag, so a message with values is
    # written `{{ _("Week %(number)s: %(topic)s")|format(number=week.number, topic=week.topic) }}` (the
    # values escaped by Markup's `%`); `{{ _("…", number=…) }}` works too but is never extracted. Plurals
    # come from ngettext in Python.
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the extension
        translation.gettext, translation.ngettext, newstyle=True, pgettext=translation.pgettext
    )
    env.globals.update(_=_gettext, gettext=_gettext)
    env.filters.update(_library_filters())
    env.globals.update(url=url, static=static, asset=asset, django_include=django_include)
    env.filters.update(
        date=_date_filter,
        floatformat=defaultfilters.floatformat,
        markdown=render_markdown,
        comment=render_comment,
        linebreaksbr=linebreaksbr,
        pluralize=defaultfilters.pluralize,
        truncatechars=defaultfilters.truncatechars,
    )
    return env
