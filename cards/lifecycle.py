"""A review card's lifecycle (lms.lifecycle's shape), as the learner meets it: a card is due (it falls
due before the end of the learner's day: `Card.is_due`), scheduled (due later) or retired. Due and
scheduled are not a column: they follow from `Card.due` and the clock, so the system's "falls due"
is time passing, not a write. `cards.services` asks the table before every rating, retirement and
restoration, from the review page and the API.

A rating is recorded only while the card is due and once per showing (the page's signed token and
the API carry the showing: the card's review count when its answer was shown).
"""

from datetime import datetime
from typing import cast

from django.utils.translation import gettext_lazy as _

from cards.models import Card
from lms.lifecycle import LEARNER, SYSTEM, Lifecycle, Move

DUE = "due"
SCHEDULED = "scheduled"
RETIRED = "retired"

CARD = Lifecycle(
    name="review card",
    states=(DUE, SCHEDULED, RETIRED),
    moves=(
        Move(
            "review",
            (DUE,),
            SCHEDULED,
            (LEARNER,),
            "once per showing; the scheduler sets the next due time; the retention estimate is refreshed",
        ),
        Move(
            "fall_due", (SCHEDULED,), DUE, (SYSTEM,), "time passing: the due time comes in the learner's day"
        ),
        Move("retire", (DUE, SCHEDULED), RETIRED, (LEARNER,), "never due again; the estimate leaves it out"),
        Move("restore", (RETIRED,), SCHEDULED, (LEARNER,), "adding its question again brings it back"),
    ),
    refusals={
        # Lazy: worded in the language of whoever is refused (the table is built at import).
        (SCHEDULED, "review"): cast(str, _("This card is not due yet: rate it when it comes back.")),
        (RETIRED, "review"): cast(str, _("This card is retired: add its question again to review it.")),
        (RETIRED, "retire"): cast(str, _("This card is retired already.")),
    },
    default_refusal="This card is {state}: it cannot {move}.",
)


def card_state(card: Card, *, day_end: datetime) -> str:
    """The card's state at the end of the learner's day (`Card.is_due`'s rule)."""
    if card.retired_at is not None:
        return RETIRED
    return DUE if card.is_due(before=day_end) else SCHEDULED
