"""The phase review's lifecycle, in one table: where a learner's phase stands with their mentor, the
decisions allowed from each state, and why the others are refused. `services.phase_review_create` asks
it under a lock on the enrolment, from every path (the mentor's page, the API); admin cannot record a
review (`lms.record_admin`).

    waiting ──sign off──▶ signed off          (guard: weeks complete, quizzes passed, project accepted;
       │                    ▲                   issues the certificate, tells the learner)
       └──return──▶ returned ┤                (guard: comments; tells the learner)
                     │  ▲    │
                     └──┘ return again / sign off

A signed-off phase is final: its certificate stands, so returning it is refused with the reason. A
certificate issued in error is revoked by staff (credentials), which tells the learner and links the
replacement; the sign-off itself stays on record.
"""

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from curriculum.models import Phase
from mentoring.models import PhaseReview
from progress.models import Enrolment


class PhaseState(StrEnum):
    WAITING = "waiting"
    RETURNED = "returned"
    SIGNED_OFF = "signed_off"


Decision = PhaseReview.Decision

ALLOWED: dict[PhaseState, set[str]] = {
    PhaseState.WAITING: {Decision.SIGNED_OFF, Decision.RETURNED},
    PhaseState.RETURNED: {Decision.SIGNED_OFF, Decision.RETURNED},
    PhaseState.SIGNED_OFF: set(),
}
"""From each state, the decisions a mentor (or staff) may record."""

REFUSED: dict[tuple[PhaseState, str], str | Promise] = {
    (PhaseState.SIGNED_OFF, Decision.SIGNED_OFF): _("Phase %(number)s is already signed off."),
    (PhaseState.SIGNED_OFF, Decision.RETURNED): _(
        "Phase %(number)s is signed off and its certificate issued: a signed-off phase cannot be "
        "returned. If the certificate was issued in error, staff can revoke it."
    ),
}
"""Why each move not in ALLOWED is refused, in words the mentor reads (in their language: lazy)."""


def state_after(decisions: list[str]) -> PhaseState:
    """The state a phase is in after these decisions (oldest first): the last one's, once signed off
    for good."""
    if Decision.SIGNED_OFF in decisions:
        return PhaseState.SIGNED_OFF
    return PhaseState.RETURNED if decisions else PhaseState.WAITING


def phase_state_of(*, enrolment: Enrolment, phase: Phase) -> PhaseState:
    decisions = list(
        PhaseReview.objects.filter(enrolment=enrolment, phase=phase)
        .order_by("created_at", "id")
        .values_list("decision", flat=True)
    )
    return state_after(decisions)


def decision_refusal(*, state: PhaseState, decision: str, phase_number: int) -> str | None:
    """Why `decision` may not be recorded on a phase in `state`, or None when it may."""
    if decision in ALLOWED[state]:
        return None
    return str(REFUSED[(state, decision)]) % {"number": phase_number}


def transition_table() -> str:
    """The lifecycle as a Markdown table, for mentoring/README.md (a test keeps the two the same)."""
    lines = [
        "| from \\ decision | " + " | ".join(Decision.values) + " |",
        "| --- |" + " --- |" * len(Decision),
    ]
    for state in PhaseState:
        cells = [
            "allowed"
            if decision in ALLOWED[state]
            else "refused: " + str(REFUSED[(state, decision)]) % {"number": "N"}
            for decision in Decision.values
        ]
        lines.append(f"| {state.value} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
