"""docker-compose.yml cannot start here (no Docker engine): keep it honest by parsing it.

Every command it runs must name things that exist in this repository: management commands, fixture
files, the Celery app, the WSGI callable; the Dockerfile's paths must exist; the env file is documented."""

import importlib
import json
import re
import shlex

import pytest
import yaml
from django.core.management import get_commands
from django.urls import resolve

from tests.conftest import REPO

SERVICES = {"nginx", "web", "worker", "sandbox", "beat", "postgres", "redis"}
APP_SERVICES = {"web", "worker", "sandbox", "beat"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def steps(command: str | list[str]) -> list[list[str]]:
    """A service command as the programs it runs: `sh -c "a && b"` is [a, b]."""
    words = command if isinstance(command, list) else shlex.split(command)
    if words[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in words[2].split("&&")]
    return [words]


def app_steps(compose: dict) -> list[list[str]]:
    return [
        [word for word in step if word != "exec"]
        for name in sorted(APP_SERVICES)
        for step in steps(compose["services"][name]["command"])
    ]


def test_it_has_the_six_services(compose):
    assert set(compose["services"]) == SERVICES


def test_every_service_has_a_healthcheck(compose):
    for name, service in compose["services"].items():
        test = service.get("healthcheck", {}).get("test")
        assert test, f"{name} has no healthcheck"
        assert test[0] in ("CMD", "CMD-SHELL"), name


def test_the_web_healthcheck_asks_the_health_checks_of_the_database_and_cache(compose):
    [url] = re.findall(
        r"http://localhost:8000(/[^\s\\\"]*)", " ".join(compose["services"]["web"]["healthcheck"]["test"])
    )
    path, _, query = url.partition("?")
    assert resolve(path).url_name == "health"
    assert query == "check=database,cache"


def health_checks_run(test: list[str]) -> list[list[str]]:
    """The `python -m lms.health …` commands of a healthcheck."""
    return [
        step[3:]
        for part in " ".join(test[1:]).split("&&")
        if (step := shlex.split(part))[:3] == ["python", "-m", "lms.health"]
    ]


def test_worker_and_beat_healthchecks_run_known_health_checks(compose):
    from lms.health import CHECKS

    worker = compose["services"]["worker"]["healthcheck"]["test"]
    assert "celery -A lms inspect ping" in worker[1]
    assert health_checks_run(worker) == [["database", "broker"]]
    assert health_checks_run(compose["services"]["beat"]["healthcheck"]["test"]) == [["beat"]]
    for checks in health_checks_run(worker) + health_checks_run(
        compose["services"]["beat"]["healthcheck"]["test"]
    ):
        assert set(checks) <= set(CHECKS)


def test_nginx_is_the_one_published_service_and_renders_the_repositorys_template(compose):
    published = {name for name, service in compose["services"].items() if service.get("ports")}
    assert published == {"nginx"}
    nginx = compose["services"]["nginx"]
    assert nginx["ports"] == ["8000:80"]
    assert nginx["depends_on"] == {"web": {"condition": "service_healthy"}}
    [template] = [volume for volume in nginx["volumes"] if "/etc/nginx/templates/" in volume]
    source = template.split(":")[0]
    assert (REPO / source).is_file()
    variables = set(re.findall(r"\$\{([A-Z_]+)\}", (REPO / source).read_text()))
    assert variables == set(nginx["environment"])
    assert nginx["environment"]["LMS_UPSTREAM"] == "web:8000"
    assert "nginx-health" in " ".join(nginx["healthcheck"]["test"])
    assert "nginx-health" in (REPO / source).read_text()


def test_nginx_serves_the_static_files_web_collects(compose):
    web_volumes = dict(volume.split(":")[:2] for volume in compose["services"]["web"]["volumes"])
    nginx_volumes = dict(volume.split(":")[:2] for volume in compose["services"]["nginx"]["volumes"])
    [(volume, static_root)] = [
        (name, path) for name, path in web_volumes.items() if path.endswith("staticfiles")
    ]
    assert volume in compose["volumes"]
    assert nginx_volumes[volume] == compose["services"]["nginx"]["environment"]["NGINX_STATIC_ROOT"]
    assert static_root == "/app/staticfiles"  # the Dockerfile's WORKDIR /app, settings' default STATIC_ROOT
    assert "collectstatic" in compose["services"]["web"]["command"]


def test_the_app_trusts_exactly_one_proxy(compose):
    for name in APP_SERVICES:
        assert compose["services"][name]["environment"]["TRUSTED_PROXY_COUNT"] == "1"


def test_uploads_being_read_are_on_a_bounded_tmpfs(compose):
    from tempfile import gettempdir

    [mount] = compose["services"]["web"]["tmpfs"]
    path, _, options = mount.partition(":")
    assert path == f"{gettempdir()}/lms-uploads"  # FILE_UPLOAD_TEMP_DIR's default, as in the image
    assert re.fullmatch(r"size=\d+m", options)


def test_services_wait_only_for_healthchecked_services(compose):
    for name, service in compose["services"].items():
        for dependency, condition in service.get("depends_on", {}).items():
            assert dependency in compose["services"], f"{name} depends on unknown {dependency}"
            if condition.get("condition") == "service_healthy":
                assert "healthcheck" in compose["services"][dependency], f"{name} waits for {dependency}"


def test_data_lives_in_named_volumes(compose):
    for name in ("postgres", "redis"):
        for volume in compose["services"][name]["volumes"]:
            assert volume.split(":")[0] in compose["volumes"], f"{name}: {volume}"


def test_the_app_services_build_this_repository(compose):
    for name in APP_SERVICES:
        assert compose["services"][name]["build"] == "."
    assert (REPO / "Dockerfile").is_file()


def test_web_migrates_and_loads_the_curriculum_before_serving(compose):
    programs = [" ".join(step[:3]) for step in steps(compose["services"]["web"]["command"])]
    assert programs[:3] == [
        "python manage.py migrate",
        "python manage.py load_curriculum",
        "python manage.py collectstatic",
    ]
    assert programs[3].startswith("exec gunicorn")


def test_manage_py_commands_and_their_files_exist(compose):
    commands = get_commands()
    manage_steps = [step for step in app_steps(compose) if step[:2] == ["python", "manage.py"]]
    assert manage_steps
    for step in manage_steps:
        assert step[2] in commands, f"no management command {step[2]}"
        for argument in step[3:]:
            if not argument.startswith("-"):
                assert (REPO / argument).is_file(), f"{argument} does not exist"
    fixtures = [
        argument for step in manage_steps for argument in step[3:] if argument.startswith("fixtures/")
    ]
    assert sorted(fixtures) == [
        "fixtures/curriculum.json",
        "fixtures/exercises.json",
        "fixtures/projects.json",
        "fixtures/starter_quizzes.json",
    ]


def test_celery_commands_name_the_project_app(compose):
    celery_steps = [step for step in app_steps(compose) if step[0] == "celery"]
    assert {step[3] for step in celery_steps} == {"worker", "beat"}
    for step in celery_steps:
        assert step[1:3] == ["-A", "lms"]
    from celery import Celery

    assert isinstance(importlib.import_module("lms.celery").app, Celery)


def queues_of(command: str) -> list[str]:
    words = shlex.split(command)
    return words[words.index("-Q") + 1].split(",")


def test_the_sandbox_worker_consumes_only_the_sandbox_queue_and_the_worker_never_does(compose):
    from django.conf import settings

    from lms.celery import app

    services = compose["services"]
    assert queues_of(services["sandbox"]["command"]) == ["sandbox"]
    assert queues_of(services["worker"]["command"]) == [app.conf.task_default_queue]
    assert settings.CELERY_TASK_ROUTES["exercises.tasks.*"] == {"queue": "sandbox"}
    # bubblewrap in the image, and the namespaces it makes allowed for that service only.
    assert "bubblewrap" in (REPO / "Dockerfile").read_text()
    assert "seccomp=unconfined" in services["sandbox"]["security_opt"]
    assert "security_opt" not in services["worker"]
    assert "security_opt" not in services["web"]


def test_gunicorn_serves_the_wsgi_application(compose):
    gunicorn_steps = [step for step in app_steps(compose) if step[0] == "gunicorn"]
    assert [step[1] for step in gunicorn_steps] == ["lms.wsgi:application"]
    module, attribute = gunicorn_steps[0][1].split(":")
    assert callable(getattr(importlib.import_module(module), attribute))
    assert "gunicorn" in (REPO / "requirements.txt").read_text()


def test_the_dockerfile_copies_and_runs_what_exists():
    lines = (REPO / "Dockerfile").read_text().splitlines()
    copies = [line.split()[1:-1] for line in lines if line.startswith("COPY ")]
    assert copies
    for sources in copies:
        for source in sources:
            assert (REPO / source).exists(), f"COPY {source}: no such path"
    [cmd] = [json.loads(line[len("CMD ") :]) for line in lines if line.startswith("CMD ")]
    assert cmd[:2] == ["gunicorn", "lms.wsgi:application"]


def test_the_env_file_is_documented(compose):
    for name in APP_SERVICES:
        env_file = compose["services"][name]["env_file"]
        assert env_file == ".env"
    assert (REPO / ".env.example").is_file()
    assert "cp .env.example .env" in (REPO / "README.md").read_text()


def settings_sources() -> str:
    """lms/settings.py and the modules it takes its Celery, API and sign-in settings from."""
    return "\n".join(path.read_text() for path in sorted((REPO / "lms").glob("settings*.py")))


def test_every_variable_it_sets_is_one_the_settings_read(compose):
    settings_source = settings_sources()
    example = (REPO / ".env.example").read_text()
    for name in APP_SERVICES:
        for variable in compose["services"][name]["environment"]:
            assert f'"{variable}"' in settings_source, f"settings never read {variable}"
            assert f"\n{variable}=" in example, f".env.example does not mention {variable}"


def test_every_variable_the_settings_read_is_in_the_env_example():
    import re

    settings_source = settings_sources()
    example = (REPO / ".env.example").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\("([A-Z][A-Z0-9_]+)"', settings_source))
    assert len(read) > 20
    missing = sorted(name for name in read if not re.search(rf"^#?\s*{name}=", example, re.M))
    assert not missing, f".env.example does not mention {missing}"
