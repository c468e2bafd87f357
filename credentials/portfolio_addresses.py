"""Portfolio addresses: each slug a portfolio has had stays its own (credentials.models.PortfolioAddress).

A learner who changes their address keeps the old one: links they put on a CV redirect to the new
address, and nobody else can take it to pose as them. They may take an old address of theirs back.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from credentials.models import Portfolio, PortfolioAddress

TAKEN = _("This address is taken; choose another.")


def address_claim(*, portfolio: Portfolio, slug: str) -> None:
    """Make `slug` one of the portfolio's addresses (a no-op when it is already); refused when it is,
    or was, another portfolio's. Call it in the transaction that saves the portfolio's new slug."""
    try:
        with transaction.atomic():
            address, _created = PortfolioAddress.objects.get_or_create(
                slug=slug, defaults={"portfolio": portfolio}
            )
    except IntegrityError as error:  # claimed by a concurrent request between the lookup and the insert
        raise ValidationError({"slug": TAKEN}) from error
    if address.portfolio_id != portfolio.pk:
        raise ValidationError({"slug": TAKEN})


def address_held_by_another(*, portfolio: Portfolio, slug: str) -> bool:
    return PortfolioAddress.objects.filter(slug=slug).exclude(portfolio=portfolio).exists()


def portfolio_of_retired_address(*, slug: str) -> Portfolio | None:
    """The public portfolio that once had this address and has another now; None otherwise."""
    if not isinstance(slug, str) or len(slug) > 50:
        return None
    address = (
        PortfolioAddress.objects.select_related("portfolio")
        .filter(slug=slug, portfolio__is_public=True)
        .exclude(portfolio__slug=slug)
        .first()
    )
    return address.portfolio if address else None
