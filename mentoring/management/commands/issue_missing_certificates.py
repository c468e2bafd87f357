from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from credentials.services import certificates_issue_for_sign_off
from mentoring.models import PhaseReview


class Command(BaseCommand):
    help = (
        "Issue the certificates of phases signed off before certificates existed (each sign-off's, and the "
        "curriculum's where every phase is). Safe to run again: a phase that has one gets no other."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sign_offs = (
            PhaseReview.objects.filter(decision=PhaseReview.Decision.SIGNED_OFF)
            .select_related("enrolment__learner", "phase", "reviewer")
            .order_by("created_at", "pk")
        )
        issued = 0
        for review in sign_offs.iterator(chunk_size=500):
            with transaction.atomic():
                issued += len(
                    certificates_issue_for_sign_off(
                        enrolment=review.enrolment, phase=review.phase, signed_by=review.reviewer
                    )
                )
        self.stdout.write(f"{issued} certificate{'s' if issued != 1 else ''} issued.")
