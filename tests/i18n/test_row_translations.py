"""Messages on every row of a long page (the mentor table) cost a look-up once per language, not once
per row: `lms.translations` remembers them, and the templates' `_()` takes no context (in a loop
Jinja2 derived a new context for each call). With issue 36's translations the mentor table's Python
calls per page had gone from 40,000 to 78,000 (BENCHMARKS.md)."""

from django.template import engines
from django.utils import translation
from jinja2.runtime import Context

from lms import translations


def test_a_message_is_looked_up_once_per_language_and_each_language_keeps_its_own(monkeypatch, settings):
    settings.LANGUAGES = [*settings.LANGUAGES]  # (a settings change: the memo starts empty)
    looked_up: list[str] = []
    django_gettext = translation.gettext

    def counted(message: str) -> str:
        looked_up.append(translation.get_language())
        return django_gettext(message)

    monkeypatch.setattr(translation, "gettext", counted)
    for _ in range(3):
        with translation.override("es"):
            assert translations.gettext("Learner") == "Estudiante"
        with translation.override("en"):
            assert translations.gettext("Learner") == "Learner"
    assert looked_up == ["es", "en"]
    with translation.override("es"):
        assert translations.ngettext("%(count)s week", "%(count)s weeks", 2) == "%(count)s semanas"
        assert translations.ngettext("%(count)s week", "%(count)s weeks", 1) == "%(count)s semana"


def test_a_loop_of_messages_in_a_template_derives_no_context(monkeypatch):
    derived: list[object] = []
    derive = Context.derived

    def counted(self, *args, **kwargs):
        derived.append(args)
        return derive(self, *args, **kwargs)

    monkeypatch.setattr(Context, "derived", counted)
    template = engines["jinja2"].from_string(
        '{% for row in rows %}{% set n = row %}<td data-label="{{ _("Learner") }}">{{ n }}{% endfor %}'
    )  # (a variable set in the loop, as the mentor table's rows set one: Jinja2 derived for each call)
    with translation.override("es"):
        html = template.render({"rows": range(50)})
    assert html.count('data-label="Estudiante"') == 50
    assert derived == []
