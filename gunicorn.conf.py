"""gunicorn's settings, read from the working directory (the image's /app) by every `gunicorn` run.

- Workers: WEB_CONCURRENCY (gunicorn's own variable; default 3). Sync workers: each holds one request
  at a time, so they belong behind a buffering proxy (deploy/nginx) that hands them whole requests.
- A worker killed mid-request (its timeout, `kill -9`, out of memory) cannot delete the temporary files
  of the upload it was reading: the master deletes them when the worker exits, and those of any dead
  process when it starts (lms/uploads.py).
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")

workers = int(os.environ.get("WEB_CONCURRENCY") or 3)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
accesslog = "-"


def on_starting(server):  # type: ignore[no-untyped-def]
    from lms.uploads import sweep_upload_files

    removed = sweep_upload_files()
    if removed:
        server.log.info("Removed %d temporary upload files of processes that died", len(removed))


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    from lms.uploads import sweep_upload_files

    removed = sweep_upload_files(pid=worker.pid)
    if removed:
        server.log.warning("Removed %d temporary upload files of worker %s", len(removed), worker.pid)
