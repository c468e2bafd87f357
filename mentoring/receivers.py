"""Mentoring's stored flags follow the writes of the apps below it: each receiver runs in the sender's
transaction (assessments.signals, projects.signals, progress.signals) and calls the one writer."""

from typing import Any

from mentoring.services import mentee_flags_refresh, mentee_flags_refresh_for_learners


def quiz_records_refreshed(*, quiz_flags: dict[int, tuple[bool, bool]], **kwargs: Any) -> None:
    mentee_flags_refresh_for_learners(quiz_flags=quiz_flags)


def versions_changed(*, enrolment_ids: list[int], **kwargs: Any) -> None:
    mentee_flags_refresh(enrolment_ids=enrolment_ids)


def enrolment_saved(*, enrolment_id: int, **kwargs: Any) -> None:
    mentee_flags_refresh(enrolment_ids=[enrolment_id])
