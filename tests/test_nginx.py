"""The real nginx (Debian's package) in front of the real app server (gunicorn, gunicorn.conf.py), with
the configuration rendered from the template the compose stack uses (deploy/nginx/lms.conf.template)
and the compose file's values: an oversized body is refused without the app receiving it, a slow
client does not stall /healthz, the app trusts exactly this one proxy, static files come from disk; and
straight at gunicorn: a chunked body stops at the limit, a killed worker's upload file is swept."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import yaml
from django.conf import settings

from lms.request_limits import upload_request_max_bytes
from tests.conftest import IN_CI, REPO
from tests.network import free_port

TEMPLATE = REPO / "deploy" / "nginx" / "lms.conf.template"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ATTACHMENTS = "/projects/versions/1/attachments/"

pytestmark = [
    pytest.mark.skipif(
        not IN_CI and not Path(NGINX).exists(), reason="needs nginx (scripts/services.sh installs it)"
    ),
    pytest.mark.django_db,  # the test database exists before gunicorn opens it
]


def compose_nginx_environment() -> dict[str, str]:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    environment = compose["services"]["nginx"]["environment"]
    return {name: str(value).replace("$$", "$") for name, value in environment.items()}  # compose's $$


def render(template: str, variables: dict[str, str]) -> str:
    """What the nginx image's envsubst does: ${NAME} of the given names, nothing else."""
    rendered = re.sub(r"\$\{([A-Z_]+)\}", lambda match: variables[match.group(1)], template)
    assert "${" not in rendered
    return rendered


def size_in_bytes(nginx_size: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmM]?)", nginx_size).groups()  # type: ignore[union-attr]
    return int(number) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit.lower()]


def wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{what} did not listen on {port}")


def test_the_body_limit_is_the_apps_upload_limit():
    """nginx's client_max_body_size, as the compose stack sets it, is the app's limit for uploads."""
    limit = compose_nginx_environment()["NGINX_CLIENT_MAX_BODY_SIZE"]
    assert size_in_bytes(limit) == upload_request_max_bytes()
    assert size_in_bytes(limit) > settings.PROJECT_ATTACHMENT_MAX_BYTES


class Servers:
    def __init__(self, root: Path, nginx_port: int, app_port: int, access_log: Path, uploads: Path) -> None:
        self.root = root
        self.nginx_port = nginx_port
        self.app_port = app_port
        self.access_log = access_log
        self.uploads = uploads
        self.gunicorn: subprocess.Popen | None = None

    def app_requests(self) -> str:
        return self.access_log.read_text() if self.access_log.exists() else ""


@pytest.fixture(scope="module")
def servers(tmp_path_factory, django_db_setup):
    """gunicorn (one sync worker: what one stalled request would block) on the test database, and
    nginx in front of it."""
    root: Path = tmp_path_factory.mktemp("nginx")
    app_port, nginx_port = free_port(), free_port()
    database = settings.DATABASES["default"]
    url = os.environ.get("DATABASE_URL", "")
    database_url = (
        urlunsplit(urlsplit(url)._replace(path=f"/{database['NAME']}"))
        if url.startswith("postgres")
        else f"sqlite:///{database['NAME']}"
    )
    uploads = root / "uploads"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "WEB_CONCURRENCY": "1",
        "TRUSTED_PROXY_COUNT": "1",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "FILE_UPLOAD_TEMP_DIR": str(uploads),
        "PYTHONUNBUFFERED": "1",
    }
    access_log = root / "gunicorn-access.log"
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "lms.wsgi:application",
            "--bind",
            f"127.0.0.1:{app_port}",
            "--access-logfile",
            str(access_log),
            "--error-logfile",
            str(root / "gunicorn-error.log"),
        ],
        cwd=REPO,  # gunicorn.conf.py
        env=environment,
        start_new_session=True,
    )
    variables = {
        **compose_nginx_environment(),
        "LMS_UPSTREAM": f"127.0.0.1:{app_port}",
        "NGINX_LISTEN": f"127.0.0.1:{nginx_port}",
        "NGINX_STATIC_ROOT": str(settings.STATIC_ROOT),
    }
    (root / "lms.conf").write_text(render(TEMPLATE.read_text(), variables))
    temporary = root / "nginx-temp"
    temporary.mkdir()
    (root / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"""
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {root}/nginx-access.log;
    client_body_temp_path {temporary}/body;
    proxy_temp_path {temporary}/proxy;
    fastcgi_temp_path {temporary}/fastcgi;
    uwsgi_temp_path {temporary}/uwsgi;
    scgi_temp_path {temporary}/scgi;
    include {root}/lms.conf;
}}
"""
    )
    nginx = subprocess.Popen(
        [NGINX, "-p", str(root), "-c", str(root / "nginx.conf"), "-g", "daemon off;"], start_new_session=True
    )
    try:
        wait_for_port(app_port, gunicorn, "gunicorn")
        wait_for_port(nginx_port, nginx, "nginx")
        servers = Servers(root, nginx_port, app_port, access_log, uploads)
        servers.gunicorn = gunicorn
        yield servers
    finally:
        for process in (nginx, gunicorn):
            os.killpg(process.pid, signal.SIGTERM)
        for process in (nginx, gunicorn):
            process.wait(timeout=30)


def exchange(port: int, head: str, body: bytes = b"", timeout: float = 10) -> tuple[int, str]:
    """Sends a request and reads the whole response: (status, response text)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(head.encode() + body)
        received = b""
        try:
            while chunk := connection.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
    status = int(received.split(b" ", 2)[1]) if received else 0
    return status, received.decode(errors="replace")


def request_head(
    method: str,
    path: str,
    *,
    length: int | None = None,
    extra: str = "",
    content_type: str = "application/json",
) -> str:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{extra}"
    if length is not None:
        head += f"Content-Length: {length}\r\nContent-Type: {content_type}\r\n"
    return head + "\r\n"


def get(port: int, path: str, timeout: float = 10, extra: str = "") -> tuple[int, str]:
    return exchange(port, request_head("GET", path, extra=extra), timeout=timeout)


def test_an_oversized_body_is_refused_by_nginx_and_never_reaches_the_app(servers):
    marker = uuid.uuid4().hex
    too_large = upload_request_max_bytes() + 1
    with socket.create_connection(("127.0.0.1", servers.nginx_port), timeout=10) as connection:
        connection.sendall(request_head("POST", f"{ATTACHMENTS}?{marker}", length=too_large).encode())
        connection.sendall(b"x" * 65536)  # the client starts sending; nginx answers from the headers
        answer = connection.recv(65536).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 413")
    # A body within nginx's limit but above the app's for an address that takes no upload: the app's
    # 413, in words, before it reads the body.
    status, response = exchange(
        servers.nginx_port,
        request_head("POST", f"/api/v1/auth/token/?{marker}", length=3 * 1024 * 1024),
        b"{" + b" " * (3 * 1024 * 1024 - 2) + b"}",
    )
    assert status == 413
    assert "this address accepts at most 2.5 MB" in response
    time.sleep(0.5)
    log = servers.app_requests()
    assert f"/api/v1/auth/token/?{marker}" in log  # the log records what reached the app …
    assert f"{ATTACHMENTS}?{marker}" not in log  # … and the oversized upload did not


def slow_client(port: int, stop: threading.Event) -> None:
    """Sends a request's headers, then its (JSON) body one byte a second."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(request_head("POST", "/api/v1/auth/token/", length=100).encode())
        for _ in range(100):
            if stop.wait(1):
                return
            connection.sendall(b" ")


def healthz_times(port: int, rounds: int = 3) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.monotonic()
        try:
            status, _ = get(port, "/healthz", timeout=3)
        except TimeoutError:
            status = 0
        times.append(time.monotonic() - started if status == 200 else float("inf"))
        time.sleep(0.5)
    return times


def test_a_slow_client_does_not_stall_healthz(servers):
    """Two clients sending a body at 1 byte/s: behind nginx, /healthz answers at once; straight at
    gunicorn's one sync worker (the compose stack before nginx) it does not answer at all."""
    stop = threading.Event()
    clients = [
        threading.Thread(target=slow_client, args=(servers.nginx_port, stop), daemon=True) for _ in range(2)
    ]
    for client in clients:
        client.start()
    try:
        time.sleep(1.5)
        assert max(healthz_times(servers.nginx_port)) < 2
    finally:
        stop.set()
        for client in clients:
            client.join()

    stop = threading.Event()
    direct = threading.Thread(target=slow_client, args=(servers.app_port, stop), daemon=True)
    direct.start()
    try:
        time.sleep(1.5)
        assert healthz_times(servers.app_port, rounds=1) == [float("inf")]
    finally:
        stop.set()
        direct.join()


def test_the_app_trusts_exactly_the_one_proxy(servers):
    """Clients forging X-Forwarded-For are still one address to the token throttle: the app takes the
    entry nginx appended (TRUSTED_PROXY_COUNT=1)."""
    statuses = []
    body = b'{"email": "nobody@example.com", "password": "wrong"}'
    for number in range(12):
        head = (
            f"POST /api/v1/auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            f"X-Forwarded-For: 198.51.100.{number}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        statuses.append(exchange(servers.nginx_port, head, body)[0])
    assert statuses[0] == 400
    assert 429 in statuses


def test_static_files_come_from_disk(servers):
    path = next(path for path in Path(settings.STATIC_ROOT).rglob("*.css") if path.is_file())
    url = "/static/" + path.relative_to(settings.STATIC_ROOT).as_posix()
    status, response = get(servers.nginx_port, url)
    assert status == 200
    assert response.endswith(path.read_text())
    assert url not in servers.app_requests()


def test_a_chunked_body_stops_at_the_apps_limit(servers):
    """Straight at gunicorn (which decodes chunks and gives Django no length): refused past the limit."""
    chunk = b" " * 65536
    body = b"".join(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" for _ in range(48)) + b"0\r\n\r\n"
    head = (
        "POST /api/v1/auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    status, response = exchange(servers.app_port, head, body)
    assert status == 413
    assert "this address accepts at most 2.5 MB" in response


def test_a_killed_workers_upload_file_is_swept(servers):
    """A worker killed while it reads an upload leaves its temporary file: the master deletes it."""
    length = 5 * 1024 * 1024
    boundary = "b0undary"
    preamble = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.zip"\r\n'
        "Content-Type: application/zip\r\n\r\n"
    ).encode()
    head = (
        f"POST {ATTACHMENTS} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: csrftoken={'a' * 32}\r\n"  # the CSRF check reads the form: the upload is parsed
        f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", servers.app_port), timeout=10) as connection:
        connection.sendall(head.encode() + preamble + b"z" * (3 * 1024 * 1024))
        deadline = time.monotonic() + 30
        files: list[Path] = []
        while time.monotonic() < deadline and not files:
            files = [path for path in servers.uploads.glob("lms-upload-*") if path.stat().st_size > 0]
            time.sleep(0.2)
        assert files, "the upload never reached a temporary file"
        [upload] = files
        worker = int(upload.name.split("-")[2])
        os.kill(worker, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and upload.exists():
            time.sleep(0.2)
        assert not upload.exists()
    wait_for_port(servers.app_port, servers.gunicorn, "gunicorn")  # a new worker serves again
    assert get(servers.app_port, "/healthz")[0] == 200
