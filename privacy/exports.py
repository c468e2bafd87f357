"""Data exports ("Download my data"): start one, build it (the task), download it once, sweep old ones.

The lifecycle, and who moves it:
  queued → building          the task claims it (a conditional update: one worker builds it)
  building → ready           the zip is stored, the link is e-mailed (through the outbox, once per export)
  building → queued          the sweep: a worker died while building (claimed longer ago than STALE)
  building → failed          an error the build cannot get past (the user may start another)
  ready → downloaded         the link is used (a conditional update: it works once)
  ready → expired            the sweep, after `expires_at`; a newer export replaces an unused one
The zip is deleted by the sweep once downloaded (after a short while, so that the download can finish)
or expired. Only the link's SHA-256 is stored; the link works only for its user, logged in.
"""

import hashlib
import logging
import secrets
import tempfile
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from lms.locale import for_person
from notifications.services import email_enqueue
from privacy.archive import archive_write
from privacy.models import DataExport

logger = logging.getLogger(__name__)

STALE_BUILD = timedelta(minutes=15)
"""A build claimed longer ago than this was left by a worker that died: the sweep queues it again."""
QUEUE_WAIT = timedelta(minutes=5)
"""A queued export not started after this long lost its task: the sweep sends it again."""
MAX_ATTEMPTS = 3
DOWNLOAD_GRACE = timedelta(minutes=10)
"""A downloaded zip stays this long, so that the download in progress can finish, then is deleted."""


def link_lifetime() -> timedelta:
    return timedelta(hours=settings.DATA_EXPORT_LINK_HOURS)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def data_export_start(*, user: User) -> tuple[DataExport, bool]:
    """Start preparing the user's data (the task is queued after commit); returns (export, created).

    An export already being prepared is returned as it is (two clicks, two tabs or two API calls at once
    make one export: the user's row is locked, and a constraint allows one in progress). A ready export
    whose link was not used is replaced: its link stops working."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        current = DataExport.objects.filter(user=user, status__in=DataExport.IN_PROGRESS).first()
        if current is not None:
            return current, False
        DataExport.objects.filter(user=user, status=DataExport.Status.READY).update(
            status=DataExport.Status.EXPIRED, token_hash=""
        )
        with for_person(user):  # the stage is shown to the user as stored: in their language
            export = DataExport.objects.create(user=user, stage=gettext("Waiting to start"))
        transaction.on_commit(lambda: _enqueue_build(export.pk))
    return export, True


def _enqueue_build(export_id: int) -> None:
    """Queue the build; with the broker away, the export waits for the sweep (which queues it again)."""
    # services ↔ tasks: the service queues the task, the task calls the services.
    from privacy.tasks import build_data_export

    try:
        build_data_export.delay(export_id)
    except Exception as error:  # kombu's OperationalError, a refused connection, a timeout …
        logger.warning("privacy: could not queue data export %s (%s); the sweep will", export_id, error)


def _progress_writer(export_id: int):  # type: ignore[no-untyped-def]
    def report(percent: int, stage: str) -> None:
        DataExport.objects.filter(pk=export_id, status=DataExport.Status.BUILDING).update(
            progress=min(max(percent, 0), 99), stage=stage[:100]
        )

    return report


def data_export_build(*, export_id: int, now: datetime | None = None) -> bool:
    """Build the export's zip, store it and e-mail its link. Idempotent: False when there was nothing
    to do (gone, built already, or being built by another worker)."""
    now = now or timezone.now()
    claimed = DataExport.objects.filter(
        Q(status=DataExport.Status.QUEUED)
        | Q(status=DataExport.Status.BUILDING, started_at__lt=now - STALE_BUILD),
        pk=export_id,
    ).update(status=DataExport.Status.BUILDING, started_at=now, attempts=F("attempts") + 1, progress=0)
    if not claimed:
        return False
    export = DataExport.objects.select_related("user").get(pk=export_id)
    # The stages it reports (shown to the user as stored) and the archive's README: in their language.
    with for_person(export.user), tempfile.TemporaryFile() as target:
        archive_write(
            user=export.user,
            target=target,
            site_name=settings.SITE_NAME,
            on_progress=_progress_writer(export.pk),
        )
        size = target.tell()
        target.seek(0)
        if default_storage.exists(export.file_name):  # left by an earlier attempt that died
            default_storage.delete(export.file_name)
        stored = default_storage.save(export.file_name, File(target))
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        locked = DataExport.objects.select_for_update().filter(pk=export.pk).first()
        if locked is None or locked.status != DataExport.Status.BUILDING:
            default_storage.delete(stored)  # the user was erased, or the export replaced, meanwhile
            return False
        ready_at = timezone.now()
        DataExport.objects.filter(pk=export.pk).update(
            status=DataExport.Status.READY, file_name=stored, size=size, progress=100, stage="",
            token_hash=token_hash(token), ready_at=ready_at, expires_at=ready_at + link_lifetime(),
        )  # fmt: skip
        locked.refresh_from_db()
        _ready_email(locked, token=token)
    return True


def download_url(token: str) -> str:
    return settings.SITE_URL + reverse("privacy:export-download", args=[token])


def _ready_email(export: DataExport, *, token: str) -> None:
    context = {
        "user": export.user,
        "export": export,
        "url": download_url(token),
        "hours": settings.DATA_EXPORT_LINK_HOURS,
        "site_name": settings.SITE_NAME,
    }
    with for_person(export.user):  # the link's expiry in their zone
        email_enqueue(
            recipient=export.user,
            kind="data_export_ready",
            key=f"data-export:{export.pk}",
            subject=gettext("Your data is ready to download"),
            text=render_to_string("privacy/email/export_ready.txt", context),
        )


def data_export_requeue(*, export_id: int) -> None:
    """Give a build that hit a passing error back to the queue (its task retries)."""
    DataExport.objects.filter(pk=export_id, status=DataExport.Status.BUILDING).update(
        status=DataExport.Status.QUEUED
    )


def data_export_fail(*, export_id: int, error: str) -> None:
    DataExport.objects.filter(pk=export_id, status=DataExport.Status.BUILDING).update(
        status=DataExport.Status.FAILED, error=error[:300], stage=""
    )


class LinkRefused(Exception):
    """Why a download link does not work: 404 (not this user's, or no such link) or 410 (used, expired)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def data_export_for_link(
    *, user: User, token: str, now: datetime | None = None
) -> "DataExport | LinkRefused":
    """What the link would give, without using it: the export, or why it is refused."""
    now = now or timezone.now()
    export = DataExport.objects.filter(token_hash=token_hash(token), user=user).first()
    if export is None:
        return LinkRefused(404, gettext("This download link is not valid."))
    if export.status == DataExport.Status.DOWNLOADED:
        return LinkRefused(410, gettext("This download link has been used already: each link works once."))
    if export.status != DataExport.Status.READY or export.expires_at is None or export.expires_at <= now:
        return LinkRefused(
            410, gettext("This download link has expired. Start a new export to get a new link.")
        )
    return export


def data_export_download(*, user: User, token: str, now: datetime | None = None) -> DataExport:
    """Use the link: the export becomes "downloaded" (exactly one request wins) and is returned with its
    zip to send. Raises LinkRefused otherwise; another user's link is "not found", and is not used up."""
    now = now or timezone.now()
    digest = token_hash(token)
    used = DataExport.objects.filter(
        token_hash=digest, user=user, status=DataExport.Status.READY, expires_at__gt=now
    ).update(status=DataExport.Status.DOWNLOADED, downloaded_at=now)
    export = DataExport.objects.filter(token_hash=digest, user=user).first()
    if export is None:
        raise LinkRefused(404, gettext("This download link is not valid."))
    if not used:
        if export.status == DataExport.Status.DOWNLOADED:
            raise LinkRefused(410, gettext("This download link has been used already: each link works once."))
        raise LinkRefused(
            410, gettext("This download link has expired. Start a new export to get a new link.")
        )
    return export


def data_exports_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Expire unused links, delete the zips of downloaded and expired exports, queue again the builds
    a dead worker left (failed after MAX_ATTEMPTS). Safe to run twice at once (conditional updates)."""
    now = now or timezone.now()
    counts = {"expired": 0, "deleted": 0, "requeued": 0, "failed": 0}
    counts["expired"] = DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=now).update(
        status=DataExport.Status.EXPIRED
    )
    done = DataExport.objects.filter(file_deleted_at__isnull=True).filter(
        Q(status__in=[DataExport.Status.EXPIRED, DataExport.Status.FAILED])
        | Q(status=DataExport.Status.DOWNLOADED, downloaded_at__lte=now - DOWNLOAD_GRACE)
    )
    for export_id, name in done.values_list("pk", "file_name"):
        if DataExport.objects.filter(pk=export_id, file_deleted_at__isnull=True).update(file_deleted_at=now):
            default_storage.delete(name)  # a missing file is no error (FileSystemStorage, S3)
            counts["deleted"] += 1
    stale = DataExport.objects.filter(status=DataExport.Status.BUILDING, started_at__lt=now - STALE_BUILD)
    counts["failed"] = stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=DataExport.Status.FAILED, error="The export could not be prepared.", stage=""
    )
    for export_id in stale.values_list("pk", flat=True):
        DataExport.objects.filter(pk=export_id, status=DataExport.Status.BUILDING).update(
            status=DataExport.Status.QUEUED
        )
    # Queued a while ago and not started: the task was lost (or never sent: the broker was away).
    # Sending it again is harmless: a build claims its export first.
    waiting = DataExport.objects.filter(status=DataExport.Status.QUEUED, created_at__lt=now - QUEUE_WAIT)
    counts["failed"] += waiting.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=DataExport.Status.FAILED, error="The export could not be prepared.", stage=""
    )
    for export_id in waiting.values_list("pk", flat=True):
        _enqueue_build(export_id)
        counts["requeued"] += 1
    return counts
