"""The trails an erased account leaves outside its apps' rows, scrubbed: the audit trail (django-auditlog),
Django admin's history, and the account's sessions.

Audit entries are kept — who changed what, when — without personal data: an entry about one of the
user's rows gets a neutral label ("enrolment #12") and its changes lose their free text (notes,
comments, names, file names) and anything naming the user; entries the user made keep the user's id
(an anonymous account now) but lose the e-mail address and network address auditlog stored with them.
"""

from collections import defaultdict
from collections.abc import Iterable
from importlib import import_module
from types import ModuleType
from typing import Any

from auditlog.models import LogEntry as AuditEntry
from django.conf import settings
from django.contrib.admin.models import LogEntry as AdminEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import F, Value
from django.db.models.functions import Concat

from accounts.models import User
from lms.personal_data import ERASED, Identity

OwnedKeys = dict[int, set[str]]
"""Content type id → the primary keys (as text) of the user's rows of that model."""

FREE_TEXT_FIELDS = frozenset(
    {"notes", "value", "feedback", "comment", "comments", "report", "repository_url", "commit", "name",
     "slug", "headline", "summary", "body", "text", "recipient_name", "revocation_reason", "email"}
)  # fmt: skip
"""Fields whose audited values are someone's words: erased from an entry whatever they say."""


def owned_keys_of(user: User, sources: Iterable[ModuleType]) -> OwnedKeys:
    """The user's rows, by model, as each app names them (`personal_data.owned`); read before erasing."""
    keys: OwnedKeys = defaultdict(set)
    for source in sources:
        for queryset in source.owned(user):
            content_type = ContentType.objects.get_for_model(queryset.model)
            keys[content_type.pk].update(str(pk) for pk in queryset.values_list("pk", flat=True))
    return keys


def _scrubbed(value: Any, identity: Identity, *, erase: bool) -> Any:
    if isinstance(value, str):
        return ERASED if erase and value not in ("", "None") else identity.scrub(value)
    if isinstance(value, list):
        return [_scrubbed(item, identity, erase=erase) for item in value]
    if isinstance(value, dict):
        return {key: _scrubbed(item, identity, erase=erase) for key, item in value.items()}
    return value


def changes_scrubbed(changes: Any, identity: Identity) -> Any:
    if not isinstance(changes, dict):
        return _scrubbed(changes, identity, erase=False)
    return {
        field: _scrubbed(values, identity, erase=field in FREE_TEXT_FIELDS)
        for field, values in changes.items()
    }


def trails_scrub(*, user_id: int, owned: OwnedKeys, identity: Identity) -> None:
    for content_type_id, pks in owned.items():
        model_name = ContentType.objects.get_for_id(content_type_id).name
        entries = AuditEntry.objects.filter(content_type_id=content_type_id, object_pk__in=pks)
        for entry in entries.only("pk", "object_pk", "changes"):
            AuditEntry.objects.filter(pk=entry.pk).update(
                object_repr=f"{model_name} #{entry.object_pk}",
                changes=changes_scrubbed(entry.changes, identity),
                changes_text="",
                serialized_data=None,
                additional_data=None,
            )
        AdminEntry.objects.filter(content_type_id=content_type_id, object_id__in=pks).update(
            object_repr=Concat(Value(f"{model_name} #"), F("object_id"))
        )
    AuditEntry.objects.filter(actor_id=user_id).update(actor_email=None, remote_addr=None, remote_port=None)
    sessions_end(user_id=user_id)


def sessions_end(*, user_id: int) -> int:
    """Delete the user's sessions (the database's and the cache's), found by decoding each one."""
    engine: ModuleType = import_module(settings.SESSION_ENGINE)
    ended = 0
    for session in Session.objects.all().iterator(chunk_size=2000):
        try:
            data = session.get_decoded()
        except Exception:  # a session that does not decode is nobody's
            continue
        if str(data.get("_auth_user_id")) == str(user_id):
            engine.SessionStore(session_key=session.session_key).delete()
            ended += 1
    return ended
