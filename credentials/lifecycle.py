"""The certificate's lifecycle, in one table (`lms.lifecycle`'s shape): `Certificate.state` and the
moves between its values. `credentials.services` asks `CERTIFICATE.check(...)` before every write of
the state and of the columns that go with it (`issued_at`, `recipient_name`, `revoked_at`, `revoked_by`,
`revocation_reason`), from every path: the sign-off (mentoring), the learner's and staff's pages, the
API, admin's actions, management commands, the erasure of an account.

**"Awaiting name" is a row state**, not "no certificate yet": the sign-off inserts the certificate in
its own transaction whatever the learner's name — the uniqueness constraints that make issuing exactly
once, and the "is every phase done?" question of the curriculum certificate, keep working on the row —
but a certificate awaiting its name is not issued: nobody but its learner (and their mentor and staff,
as "awaiting the learner's name") sees it; it has no verification page, PDF or signed credential, and
the learner is told to confirm the name to print. When the learner gave a name before the sign-off
(their display name, else their full name) that name is the one to print, and the system issues the
certificate at once, in the same transaction.

The name on a certificate is the learner's name, never "A learner" nor an e-mail address; the signer
line is the mentor's name, or the organisation (`SITE_NAME`) when the mentor gave none.
"""

from collections.abc import Callable
from typing import cast

from django.utils.translation import gettext_lazy

from lms.lifecycle import LEARNER, STAFF, SYSTEM, Lifecycle, Move

_ = cast("Callable[[str], str]", gettext_lazy)
"""The refusals are read by the person refused: lazy, in their language when a move is refused
(`lms.lifecycle` formats them then, and a lazy string is a str to it at that moment)."""

AWAITING_NAME = "awaiting_name"
ISSUED = "issued"
REVOKED = "revoked"

REISSUED_REASON = "reissued"
"""The revocation reason of a certificate that a new one replaces (a changed name, staff's choice)."""

CERTIFICATE = Lifecycle(
    name="certificate",
    states=(AWAITING_NAME, ISSUED, REVOKED),
    labels={AWAITING_NAME: "awaiting the learner's name", ISSUED: "issued", REVOKED: "revoked"},
    moves=(
        Move(
            "issue",
            (AWAITING_NAME,),
            ISSUED,
            (SYSTEM,),
            "at the sign-off, when the learner has given a name: printed on it; tells the learner "
            "(notice + e-mail, once) and renders the PDF",
        ),
        Move(
            "confirm_name",
            (AWAITING_NAME,),
            ISSUED,
            (LEARNER,),
            "the learner confirms the name to print (also saved as their display name when they had "
            "none); tells them (notice + e-mail, once) and renders the PDF",
        ),
        Move(
            "revoke",
            (AWAITING_NAME, ISSUED),
            REVOKED,
            (STAFF, SYSTEM),
            "staff, with a reason everyone who checks it sees: tells the learner (notice + e-mail, "
            "once per certificate) and renders the PDF again; the system when the account is erased "
            "(nobody is told)",
        ),
        Move(
            "reissue",
            (ISSUED,),
            REVOKED,
            (LEARNER, STAFF),
            'the learner after changing their name, or staff: revoked with the reason "reissued" and a '
            "new certificate (today's date, the current name) `replaces` it; its verification page "
            "links to the new one",
        ),
        Move(
            "issue_again",
            (REVOKED,),
            REVOKED,
            (STAFF,),
            "staff, once per revoked certificate: a new certificate `replaces` it; its verification page "
            "links to the new one",
        ),
    ),
    refusals={
        (AWAITING_NAME, "reissue"): _("This certificate is not issued yet: confirm the name to print first."),
        (AWAITING_NAME, "issue_again"): _("Only a revoked certificate can be issued again."),
        (ISSUED, "issue"): _("This certificate is issued already."),
        (ISSUED, "confirm_name"): _("This certificate is issued already: to change its name, reissue it."),
        (ISSUED, "issue_again"): _("Only a revoked certificate can be issued again."),
        (REVOKED, "issue"): _("This certificate was revoked."),
        (REVOKED, "confirm_name"): _("This certificate was revoked."),
        (REVOKED, "revoke"): _("This certificate is revoked already."),
        (REVOKED, "reissue"): _("This certificate was revoked: only staff can issue it again."),
    },
)
"""The certificate's lifecycle (credentials/README.md carries its `readme_block()`)."""
