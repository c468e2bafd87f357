"""A learner's project versions, their files and their reviews: exported (with the files), and erased
with their account (the protocol: accounts/personal_data.py)."""

import re
import unicodedata
from typing import Any

from django.db.models import QuerySet

from accounts.models import User
from accounts.personal_data import shown_name
from lms.personal_data import Export, Identity, StoredFile, iso
from projects.models import Attachment, Review, Score, Version


def safe_file_name(name: str) -> str:
    """A file name that is safe in a zip on any system: no directories, no control or direction
    characters, nothing that climbs out of its folder."""
    name = unicodedata.normalize("NFC", name.encode("utf-8", "replace").decode("utf-8"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in "CZ" or ch == " ")
    name = re.sub(r'[\\/:*?"<>|]+', "_", name).strip(" .")
    return name[:100] or "file"


def export(user: User) -> Export:
    versions, files = [], []
    for version in (
        Version.objects.filter(enrolment__learner=user)
        .select_related("project__week", "review__reviewer")
        .prefetch_related("attachments", "review__scores__criterion", "review__scores__level")
        .order_by("project__week__number", "number")
    ):
        folder = f"files/projects/week-{version.project.week.number}/v{version.number}-{version.pk}"
        attachments = []
        for attachment in version.attachments.all():
            path = f"{folder}/{attachment.pk}-{safe_file_name(attachment.name)}"
            files.append(StoredFile(path=path, name=attachment.file.name))
            attachments.append(
                {"name": attachment.name, "size": attachment.size, "uploaded_at": iso(attachment.uploaded_at),
                 "file": path}
            )  # fmt: skip
        review = getattr(version, "review", None)
        versions.append(
            {
                "id": version.pk,
                "project": version.project.title,
                "week": version.project.week.number,
                "enrolment": version.enrolment_id,
                "number": version.number,
                "status": version.status,
                "repository_url": version.repository_url,
                "commit": version.commit,
                "report": version.report,
                "created_at": iso(version.created_at),
                "updated_at": iso(version.updated_at),
                "submitted_at": iso(version.submitted_at),
                "attachments": attachments,
                "review": _review(review) if review else None,
            }
        )
    return Export(records={"projects": versions}, files=files)


def _review(review: Review) -> dict[str, Any]:
    return {
        "decision": review.decision,
        "comment": review.comment,
        "total_points": review.total_points,
        "passed": review.passed,
        "reviewer": shown_name(review.reviewer, unnamed="your mentor"),
        "created_at": iso(review.created_at),
        "scores": [
            {"criterion": score.criterion.title, "level": score.level.label, "points": score.points,
             "comment": score.comment}
            for score in review.scores.all()
        ],
    }  # fmt: skip


def erase(user: User, *, identity: Identity) -> list[str]:
    """Versions and reviews stay as statuses and points (the mentor's review counts, sign-off rules);
    the repository, commit, report, comments and every file go."""
    attachments = Attachment.objects.filter(version__enrolment__learner=user)
    names = [name for name in attachments.values_list("file", flat=True) if name]
    attachments.delete()
    Version.objects.filter(enrolment__learner=user).update(repository_url="", commit="", report="")
    Review.objects.filter(version__enrolment__learner=user).update(comment="")
    Score.objects.filter(review__version__enrolment__learner=user).update(comment="")
    return names


def owned(user: User) -> list[QuerySet[Any]]:
    return [
        Version.objects.filter(enrolment__learner=user),
        Attachment.objects.filter(version__enrolment__learner=user),
        Review.objects.filter(version__enrolment__learner=user),
        Score.objects.filter(review__version__enrolment__learner=user),
    ]
