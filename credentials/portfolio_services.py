"""Writes of the learner's portfolio: created off, with an address that gives nothing away, changed
only by its learner (an old address stays theirs and redirects, `credentials.portfolio_addresses`); the
learner's choice of accepted projects; a mentor's endorsement of one."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext

from accounts.models import User
from credentials.models import Certificate, Endorsement, Portfolio, PortfolioProject
from credentials.portfolio_addresses import TAKEN, address_claim, address_held_by_another
from credentials.selectors import completed_phases_of, signer_name
from projects.selectors import accepted_versions_of, can_review


def _default_slug(learner: User) -> str:
    """From the name the learner gave (never their e-mail address), with a random suffix."""
    given = learner.name.strip() or learner.get_full_name()
    base = slugify(given)[:30].strip("-") or "learner"
    return f"{base}-{secrets.token_hex(3)}"


def portfolio_for(*, learner: User) -> Portfolio:
    """The learner's portfolio, created (off, nothing chosen) on first use."""
    portfolio = Portfolio.objects.filter(learner=learner).first()
    if portfolio is not None:
        return portfolio
    for _ in range(5):
        try:
            with transaction.atomic():
                portfolio = Portfolio.objects.create(learner=learner, slug=_default_slug(learner))
                address_claim(portfolio=portfolio, slug=portfolio.slug)
                return portfolio
        except (IntegrityError, ValidationError):  # the slug is, or was, another portfolio's
            existing = Portfolio.objects.filter(learner=learner).first()
            if existing is not None:  # created by a concurrent request
                return existing
    raise RuntimeError("no free portfolio slug after five tries")


def portfolio_update(
    *,
    portfolio: Portfolio,
    learner: User,
    is_public: bool | None = None,
    slug: str | None = None,
    headline: str | None = None,
    show_phases: list[int] | None = None,
    certificate_ids: list[str] | None = None,
) -> Portfolio:
    """Change what the portfolio shows (arguments left None stay as they are). `certificate_ids` are
    public ids of the learner's certificates to list; the others are unlisted."""
    if portfolio.learner_id != learner.pk:
        raise PermissionDenied(gettext("Only the learner changes their portfolio."))
    if is_public is not None:
        portfolio.is_public = is_public
    if slug is not None:
        portfolio.slug = slug.strip().lower()
        if address_held_by_another(portfolio=portfolio, slug=portfolio.slug):  # another's, now or before
            raise ValidationError({"slug": TAKEN})
    if headline is not None:
        portfolio.headline = headline.strip()
    if show_phases is not None:
        completed = {phase.number for phase in completed_phases_of(learner=learner)}
        unknown = sorted(set(show_phases) - completed)
        if unknown:
            raise ValidationError(
                {
                    "show_phases": ngettext(
                        "Not a phase you completed: %(phases)s.",
                        "Not phases you completed: %(phases)s.",
                        len(unknown),
                    )
                    % {"phases": ", ".join(map(str, unknown))}
                }
            )
        portfolio.show_phases = sorted(set(show_phases))
    own = Certificate.objects.filter(enrolment__learner=learner).exclude(
        state=Certificate.State.AWAITING_NAME
    )
    if certificate_ids is not None:
        wanted = set(certificate_ids)
        unknown_ids = wanted - set(own.filter(public_id__in=wanted).values_list("public_id", flat=True))
        if unknown_ids:
            raise ValidationError({"certificates": gettext("Not one of your certificates.")})
    portfolio.full_clean(exclude=["learner"])
    try:
        with transaction.atomic():
            portfolio.save()
            address_claim(portfolio=portfolio, slug=portfolio.slug)
            if certificate_ids is not None:
                own.filter(public_id__in=certificate_ids).update(in_portfolio=True)
                own.exclude(public_id__in=certificate_ids).update(in_portfolio=False)
    except IntegrityError as error:  # a concurrent request took the slug between the check and the save
        raise ValidationError({"slug": TAKEN}) from error
    return portfolio


def portfolio_projects_set(
    *, portfolio: Portfolio, learner: User, choices: dict[int, tuple[bool, str | None]]
) -> None:
    """The learner's choice for each of their accepted projects: {version id: (shown, summary)}; a summary
    of None stays as it was."""
    if portfolio.learner_id != learner.pk:
        raise PermissionDenied(gettext("Only the learner changes their portfolio."))
    accepted = set(accepted_versions_of(learner=learner).values_list("pk", flat=True))
    if set(choices) - accepted:
        raise ValidationError({"projects": gettext("Not one of your accepted projects.")})
    if any(summary and len(summary) > 2000 for _shown, summary in choices.values()):
        raise ValidationError({"projects": gettext("Keep each summary under 2,000 characters.")})
    with transaction.atomic():
        for version_id, (shown, summary) in choices.items():
            defaults: dict[str, object] = {"portfolio": portfolio, "is_public": shown}
            if summary is not None:
                defaults["summary"] = summary.strip()
            PortfolioProject.objects.update_or_create(version_id=version_id, defaults=defaults)


def endorsement_save(*, mentor: User, version_id: int, text: str) -> Endorsement:
    """A mentor's endorsement of an accepted project (their reviewer's rule: the enrolment's current
    mentor, or staff); written again, it replaces the words."""
    from projects.models import Version

    version = Version.objects.select_related("enrolment").filter(pk=version_id).first()
    if version is None or not can_review(user=mentor, version=version):
        raise PermissionDenied(gettext("Only the learner's mentor can endorse their project."))
    if version.status != Version.Status.ACCEPTED:
        raise ValidationError(gettext("Only an accepted project can be endorsed."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": gettext("Write what you would tell an employer about this work.")})
    if len(text) > 2000:
        raise ValidationError({"text": gettext("Keep it under 2,000 characters.")})
    endorsement, _ = Endorsement.objects.update_or_create(
        version_id=version.pk,
        defaults={"mentor": mentor, "mentor_name": signer_name(mentor), "text": text},
    )
    return endorsement
