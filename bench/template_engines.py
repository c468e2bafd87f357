"""The two row loops that Jinja2 renders for speed — the mentor table's 25 rows (`mentoring/_table_rows.html`)
and the schedule's 52 weeks (`learner/_schedule_groups.html`) — rendered by Jinja2 and by Django's template
language (a twin of each, here in the benchmark only) from the same context: what keeping a second
template engine for them buys (issue 34). The product's templates are not changed.

    .venv/bin/python bench/template_engines.py        # after bench/seed.py; 50 renders of each, interleaved

Prints each engine's CPU time per render (fastest and median) and checks that both write the same
markup (whitespace and the apostrophe's entity aside).
"""

import os
import re
import sys
import time

from common import use_bench_database

URL = use_bench_database("lms_bench")

DJANGO_TWIN = """{% for row in rows %}{% with quiz=row.quiz %}
    <tr>
      <td data-label="Learner"><a href="{% url 'mentoring:learner' row.enrolment.pk %}">{{ row.learner }}</a></td>
      <td data-label="Week">{{ row.current_week|default:"–" }}</td>
      <td data-label="Behind">{{ row.weeks_behind }}</td>
      <td data-label="Completed">{{ row.completion_percent }}%<br><span class="muted small">{{ row.phase_summary }}</span></td>
      <td data-label="Last activity">{{ row.last_activity|date }}<br><span class="muted small">{% if row.days_inactive %}{{ row.days_inactive }} day{{ row.days_inactive|pluralize }} ago{% else %}today{% endif %}</span></td>
      <td data-label="Quizzes">{% if quiz.average_percent is not None %}avg {{ quiz.average_text }}%{% else %}–{% endif %}
        {% if quiz.last_quiz %}<br><span class="small">{{ quiz.last_quiz }}:
          last attempt {% if quiz.last_percent is not None %}{{ quiz.last_text }}%{% else %}not graded yet{% endif %}{% if quiz.last_best_percent is not None %} · best {{ quiz.last_best_text }}%{% endif %}
          · {% if quiz.last_status == "passed" %}<span class="tag ok">quiz passed</span>{% elif quiz.last_status == "failed" %}<span class="tag bad">quiz failed</span>{% elif quiz.last_status == "needs_review" %}<span class="tag warn">in review</span>{% else %}<span class="tag">grading</span>{% endif %}</span>{% endif %}</td>
      <td data-label="Review">{{ row.cards_due }} due<br><span class="muted small">{{ row.cards_reviewed_7d }} reviewed in 7 days{% if row.cards_retention_percent is not None %} · retention {{ row.cards_retention_percent }}% ({{ row.cards_retention_summary }}){% endif %}</span></td>
      <td data-label="Flags">{% for label in row.flag_labels %}<span class="tag {% if forloop.first %}bad{% else %}warn{% endif %}">{{ label }}</span> {% endfor %}
        {% if row.reasons %}<br><span class="muted small">{{ row.reasons|join:"; " }}</span>{% endif %}</td>
    </tr>
{% endwith %}{% endfor %}"""  # noqa: E501  (the product template's lines, as they are)


SCHEDULE_TWIN = """{% load percents %}{% for group in overview.phase_groups %}{% with phase=group.progress.phase %}
<details class="phase-group" open{% if group.is_current %} data-current{% endif %}>
  <summary><h2 id="phase-{{ phase.number }}">Phase {{ phase.number }}: {{ phase.title }}</h2>
    <span class="muted small">{{ group.progress.completed }} of {{ group.progress.total }} week{{ group.progress.total|pluralize }} completed</span></summary>
  <div class="table-wrap">
  <table class="table schedule stack">
    <caption class="visually-hidden">Phase {{ phase.number }}: weeks with planned dates, status and quiz</caption>
    <thead><tr><th scope="col">Week</th><th scope="col">Dates</th><th scope="col">Topic</th><th scope="col">Status</th><th scope="col">Quiz</th></tr></thead>
    <tbody>
    {% for row in group.rows %}{% with planned=row.planned week=row.week quiz=row.quiz %}
      <tr id="week-{{ week.number }}"{% if planned.is_current %} class="current" aria-current="date"{% endif %}>
        <td>{{ week.number }}</td>
        <td data-label="Dates">{% if planned.has_slot %}{{ planned.starts_on|date:"MONTH_DAY_FORMAT" }} – {{ planned.ends_on|date }}{% else %}No slot: done before its turn{% endif %}</td>
        <td data-label="Topic">{% if read_only %}{{ week.topic }}{% else %}<a href="{% url 'learner:week' week.number %}">{{ week.topic }}</a>{% endif %}
          {% if week.has_project %}<span class="tag">Project</span>{% endif %}
          <br><span class="muted">{{ week.focus_area }}</span></td>
        <td data-label="Status">{% with tone=planned.tag.0 label=planned.tag.1 %}<span class="tag{% if tone %} {{ tone }}{% endif %}">{{ label }}</span>{% endwith %}
            {% if planned.is_current %}<span class="tag">This week</span>{% endif %}</td>
        <td data-label="Quiz">{% if quiz %}<span class="tag {{ quiz.tag_tone }}">{{ quiz.tag_label }}</span>{% if quiz.best_percent is not None %} <span class="small">best {{ quiz.best_percent|percent }}%</span>{% endif %}{% else %}<span class="muted">–</span>{% endif %}</td>
      </tr>
    {% endwith %}{% endfor %}
    </tbody>
  </table>
  </div>
</details>
{% endwith %}{% endfor %}"""  # noqa: E501


def normalized(markup: str) -> str:
    return re.sub(r"\s+", " ", markup.replace("&#39;", "&#x27;")).strip()


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    import django

    django.setup()
    from django.template import engines
    from django.utils import translation

    from accounts.models import User
    from assessments.summaries import quiz_summaries_for
    from lms.jinja2 import LANGUAGE
    from mentoring.table import mentee_page
    from progress.models import Enrolment
    from progress.selectors import learner_overview
    from projects.selectors import has_published_project

    translation.activate("en")
    mentor = User.objects.get(username="bench-mentor-1")
    rows = mentee_page(user=mentor).rows
    learner = User.objects.filter(username__startswith="bench-learner-").order_by("id")[100]
    enrolment = Enrolment.objects.get(learner=learner)
    overview = learner_overview(
        enrolment=enrolment,
        quizzes=quiz_summaries_for(learner=learner),
        week_annotations={"has_project": has_published_project()},
    )
    loops = {
        "mentor table, 25 rows": (
            engines["jinja2"].get_template("mentoring/_table_rows.html"),
            engines["django"].from_string(DJANGO_TWIN),
            {"rows": rows},
        ),
        "schedule, 52 weeks": (
            engines["jinja2"].get_template("learner/_schedule_groups.html"),
            engines["django"].from_string(SCHEDULE_TWIN),
            {"overview": overview, "read_only": False},
        ),
    }
    for loop, (jinja, twin, context) in loops.items():
        renders = {
            "Jinja2 (the product's)": lambda jinja=jinja, context=context: jinja.render(
                {**context, LANGUAGE: "en"}
            ),
            "Django templates (twin)": lambda twin=twin, context=context: twin.render(context),
        }
        outputs = {name: render() for name, render in renders.items()}
        same = len({normalized(markup) for markup in outputs.values()}) == 1
        samples: dict[str, list[float]] = {name: [] for name in renders}
        for _ in range(rounds):
            for name, render in renders.items():
                began = time.process_time()
                render()
                samples[name].append(time.process_time() - began)
        for name, measured in samples.items():
            measured.sort()
            print(
                f"{loop}: {name:26} CPU fastest {measured[0] * 1000:5.2f} ms, "
                f"median {measured[len(measured) // 2] * 1000:5.2f} ms"
            )
        print(f"{loop}: same markup: {'yes' if same else 'NO'}")
    print(f"{rounds} renders each, load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
