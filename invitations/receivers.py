from typing import Any

from invitations.services import invitations_accept_on_login


def accept_on_login(*, user: Any, **kwargs: Any) -> None:
    """However the invited person logs in (single sign-on included), their pending invitations are used."""
    invitations_accept_on_login(user=user)
