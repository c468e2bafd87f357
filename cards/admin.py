from django.contrib import admin

from cards.models import Card, Review, ReviewProfile
from lms.record_admin import ServiceWrittenAdmin


class ReviewInline(admin.TabularInline):
    model = Review
    extra = 0
    can_delete = False
    fields = ["reviewed_at", "rating", "suggested_rating", "answer_correct", "duration_ms", "due_after"]
    readonly_fields = [
        "reviewed_at",
        "rating",
        "suggested_rating",
        "answer_correct",
        "duration_ms",
        "due_after",
    ]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Card)
class CardAdmin(ServiceWrittenAdmin):
    """A card changes only through its lifecycle's moves (cards.lifecycle): a rating, a retirement, a
    restoration, each by its learner (with the retention estimate refreshed)."""

    written_through = "learners rate, retire and add back their cards on their review pages."
    list_display = [
        "learner", "question", "exercise", "origin", "state", "due", "reviews_count", "retired_at",
    ]  # fmt: skip
    list_filter = ["origin", "state"]
    search_fields = ["learner__email", "question__prompt"]
    raw_id_fields = ["learner", "question", "exercise"]
    inlines = [ReviewInline]


@admin.register(ReviewProfile)
class ReviewProfileAdmin(admin.ModelAdmin):
    list_display = ["learner", "desired_retention", "retention_estimate", "estimated_at"]
    raw_id_fields = ["learner"]
    readonly_fields = ["retention_estimate", "retention_by_phase", "estimated_at"]
