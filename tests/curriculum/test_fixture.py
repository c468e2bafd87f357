import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from curriculum.models import Phase, Week

REPO = Path(__file__).resolve().parents[2]
SEED = REPO.parent / "shared" / "seed" / "curriculum-52-weeks.md"
FIXTURE = REPO / "fixtures" / "curriculum.json"
ROW = re.compile(r"^\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(.*?)\s*\|\s*(.*?)\s*\|\s*$")


def seed_rows() -> list[tuple[int, int, str, str]]:
    rows = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            phase, week, topic, focus = match.groups()
            rows.append((int(phase), int(week), topic.replace("\\&", "&"), focus.replace("\\&", "&")))
    return rows


def test_the_seed_table_is_readable():
    assert len(seed_rows()) == 52


@pytest.mark.django_db
def test_it_loads_three_phases_and_the_52_weeks_of_the_seed_table():
    assert Phase.objects.count() == 3
    loaded = list(
        Week.objects.order_by("number").values_list("phase__number", "number", "topic", "focus_area")
    )
    assert loaded == seed_rows()


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    before = list(Week.objects.order_by("number").values())
    call_command("load_curriculum", FIXTURE, verbosity=0)
    call_command("loaddata", FIXTURE, verbosity=0)
    assert list(Week.objects.order_by("number").values()) == before
    assert Phase.objects.count() == 3


def write_fixture(tmp_path: Path, objects: list[dict]) -> Path:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(objects), encoding="utf-8")
    return path


def fixture_objects() -> list[dict]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_a_duplicate_week_number_is_rejected_and_nothing_is_saved(tmp_path):
    objects = fixture_objects()
    week_5 = next(o for o in objects if o["model"] == "curriculum.week" and o["pk"] == 5)
    objects.append({**week_5, "pk": 99, "fields": {**week_5["fields"], "topic": "Changed"}})
    with pytest.raises(CommandError, match=r"week \(pk=99\): number: Week with this Number already exists"):
        call_command("load_curriculum", write_fixture(tmp_path, objects), verbosity=0)
    assert not Week.objects.filter(pk=99).exists()


@pytest.mark.django_db
def test_a_week_without_phase_is_rejected(tmp_path):
    objects = [
        {"model": "curriculum.week", "pk": 1, "fields": {"number": 1, "topic": "Renamed", "focus_area": "x"}}
    ]
    with pytest.raises(CommandError, match=r"week \(pk=1\): phase: This field cannot be null"):
        call_command("load_curriculum", write_fixture(tmp_path, objects), verbosity=0)
    assert Week.objects.get(pk=1).topic == "Essential Math Foundation - Part 1"


@pytest.mark.django_db
def test_a_gap_in_week_numbers_is_rejected(tmp_path):
    Week.objects.filter(number=30).delete()
    week_1 = next(o for o in fixture_objects() if o["model"] == "curriculum.week" and o["pk"] == 1)
    with pytest.raises(CommandError, match="without gaps; missing: 30"):
        call_command("load_curriculum", write_fixture(tmp_path, [week_1]), verbosity=0)


@pytest.mark.django_db
def test_a_week_in_an_earlier_phase_than_its_predecessor_is_rejected(tmp_path):
    objects = [
        {
            "model": "curriculum.week",
            "pk": 30,
            "fields": {"number": 30, "phase": 1, "topic": "t", "focus_area": "f"},
        }
    ]
    with pytest.raises(CommandError, match="week 30 cannot be in an earlier phase"):
        call_command("load_curriculum", write_fixture(tmp_path, objects), verbosity=0)
    assert Week.objects.get(number=30).phase.number == 2


@pytest.mark.django_db
def test_an_unreadable_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_curriculum", tmp_path / "missing.json", verbosity=0)
    broken = tmp_path / "broken.json"
    broken.write_text('[\n  {"model": "curriculum.week",\n   "pk": 1,,}\n]', encoding="utf-8")
    with pytest.raises(CommandError, match=r"broken.json is not valid JSON: .* at line 3, column 12"):
        call_command("load_curriculum", broken, verbosity=0)


@pytest.mark.django_db
def test_rows_made_after_loading_do_not_collide_with_fixture_ids():
    from curriculum.models import Resource

    call_command("load_curriculum", FIXTURE, verbosity=0)
    resource = Resource.objects.create(
        week=Week.objects.get(number=1), title="New", url="https://example.com/"
    )
    assert resource.pk > max(Resource.objects.exclude(pk=resource.pk).values_list("pk", flat=True))


@pytest.mark.django_db
def test_several_files_load_all_or_nothing(tmp_path):
    week_1 = next(o for o in fixture_objects() if o["model"] == "curriculum.week" and o["pk"] == 1)
    good = tmp_path / "a.json"
    good.write_text(json.dumps([{**week_1, "fields": {**week_1["fields"], "topic": "From a.json"}}]))
    bad = tmp_path / "b.json"
    bad.write_text(json.dumps([{"model": "curriculum.week", "pk": 2, "fields": {"number": 2}}]))
    with pytest.raises(CommandError, match=r"b.json: week \(pk=2\)"):
        call_command("load_curriculum", good, bad, verbosity=0)
    assert Week.objects.get(pk=1).topic == "Essential Math Foundation - Part 1"  # a.json was not kept


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["accounts.user", "progress.enrolment", "auth.group", "sites.site"])
def test_only_curriculum_and_quiz_content_loads(tmp_path, model):
    from accounts.models import User

    objects = [
        *fixture_objects()[:2],
        {"model": model, "pk": 990, "fields": {"username": "intruder", "name": "x", "password": "x"}},
    ]
    with pytest.raises(CommandError, match=rf"object 3: {model} is not curriculum content"):
        call_command("load_curriculum", write_fixture(tmp_path, objects), verbosity=0)
    assert not User.objects.filter(username="intruder").exists()


@pytest.mark.django_db
def test_a_week_pointing_at_a_missing_phase_names_both(tmp_path):
    week_5 = next(o for o in fixture_objects() if o["model"] == "curriculum.week" and o["pk"] == 5)
    objects = [{**week_5, "fields": {**week_5["fields"], "phase": 99}}]
    with pytest.raises(
        CommandError, match=r"week \(pk=5\) “Week 5: .*”: phase: there is no phase with pk=99\."
    ):
        call_command("load_curriculum", write_fixture(tmp_path, objects), verbosity=0)


def resource(url: str) -> dict:
    return {
        "model": "curriculum.resource",
        "pk": 9999,
        "fields": {"week": 1, "order": 9, "title": "Click me", "url": url, "kind": "article"},
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["javascript:alert(document.cookie)", "data:text/html,<script>x</script>", "ftp://x.org/f"]
)
def test_a_resource_link_must_be_a_web_address(tmp_path, url):
    with pytest.raises(CommandError, match="Enter a web address starting with http:// or https://"):
        call_command("load_curriculum", write_fixture(tmp_path, [resource(url)]), verbosity=0)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["javascript:alert(document.cookie)", " javascript:alert(1)", "JaVaScRiPt:x"])
def test_a_link_loaded_without_validation_is_never_rendered(tmp_path, client, learner, url):
    """Plain loaddata saves rows without validating them: pages show only http(s) links."""
    from progress.services import enrolment_create

    call_command("loaddata", write_fixture(tmp_path, [resource(url)]), verbosity=0)
    client.force_login(learner)
    enrolment_create(learner=learner, start_date=date.today())
    for page in ("/curriculum/weeks/1/", "/dashboard/"):
        content = client.get(page).content.decode()
        assert "Click me" in content, page
        assert "javascript:" not in content.lower(), page
        assert 'href="' + url not in content
