"""Composing: the frame rendered per learner is its template's own rendering."""

from typing import cast

from django.template import engines
from django.template.backends.jinja2 import Jinja2

from reminders.emails import FrameTemplate


def test_the_frame_renders_as_its_template_with_the_environments_globals():
    env = cast(Jinja2, engines["jinja2"]).env
    template = env.from_string("{% for n in range(2) %}{{ n }}{% endfor %} {{ name }} {{ url is defined }}")
    context = {"name": "<Ada>"}
    assert FrameTemplate(template).render(context) == template.render(context) == "01 &lt;Ada&gt; True"
