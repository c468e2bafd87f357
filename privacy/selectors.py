"""Reads of a user's exports and deletion requests: always the requesting user's own (nobody else,
staff included, sees another person's export or its link)."""

from django.db.models import QuerySet

from accounts.models import User
from privacy.models import DataExport, DeletionRequest


def exports_of(*, user: User) -> QuerySet[DataExport]:
    return DataExport.objects.filter(user=user)


def latest_export_of(*, user: User) -> DataExport | None:
    return exports_of(user=user).first()


def pending_deletion_of(*, user: User) -> DeletionRequest | None:
    return DeletionRequest.objects.filter(user=user, status=DeletionRequest.Status.PENDING).first()
