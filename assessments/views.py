"""Quiz pages. Each view loads through a selector (`submissions_visible_to`), calls a service, renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from assessments import services
from assessments.attempts import counting_enrolment_id, counts_for
from assessments.forms import QuizForm, ReviewForm
from assessments.models import Question, Submission
from assessments.review import attempts_state, review_for
from assessments.selectors import (
    attempts_used,
    can_review,
    quiz_for_week,
    submission_with_answers,
    submissions_visible_to,
)
from lms.forms import add_validation_error, posted_data

SUBMISSIONS_PER_PAGE = 50


@login_required
def quiz_take(request: HttpRequest, number: int) -> HttpResponse:
    quiz = quiz_for_week(week_number=number)
    if quiz is None:
        raise Http404(gettext("This week has no quiz yet."))
    used = attempts_used(learner=request.user, quiz=quiz)  # type: ignore[arg-type]
    form = QuizForm(posted_data(request), quiz=quiz)
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.submission_create(
                learner=request.user,  # type: ignore[arg-type]
                quiz=quiz,
                answers=form.answers(),
                request_key=form.request_key(),
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            # The result page says how the grading stands (grading, waiting for review, the result): a
            # message saying "being graded" would stand above a result already graded.
            messages.success(request, gettext("Your answers are submitted."))
            return redirect(submission)
    context = {"quiz": quiz, "form": form, "attempts_left": max(0, quiz.max_attempts - used)}
    return render(request, "assessments/quiz_take.html", context, status=400 if form.errors else 200)


@login_required
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        submission = submission_with_answers(user=request.user, submission_id=pk)  # type: ignore[arg-type]
    except Submission.DoesNotExist as error:
        raise Http404(gettext("No such submission.")) from error
    # Another attempt is the learner's own business, and only under the enrolment whose attempts count
    # (an earlier enrolment's submission is history: assessments.attempts).
    is_own = submission.learner_id == request.user.pk
    counting = is_own and counts_for(
        submission.enrolment_id, counting_enrolment_id(learner_id=submission.learner_id)
    )
    used, passed = attempts_state(
        learner_id=submission.learner_id, enrolment_id=submission.enrolment_id, quiz=submission.quiz
    )
    context = {
        "submission": submission,
        "answers": submission.answers.all(),
        "review": review_for(viewer=request.user, submission=submission),  # type: ignore[arg-type]
        "is_own": is_own,
        # Another attempt is offered only while one is left and the quiz is not passed yet.
        "can_try_again": counting and not passed and used < submission.quiz.max_attempts,
        "out_of_attempts": counting and not passed and used >= submission.quiz.max_attempts,
        "can_review": submission.status == Submission.Status.NEEDS_REVIEW
        and can_review(user=request.user, submission=submission),  # type: ignore[arg-type]
    }
    return render(request, "assessments/submission_detail.html", context)


@login_required
def submission_list(request: HttpRequest) -> HttpResponse:
    submissions = submissions_visible_to(user=request.user).order_by("-submitted_at", "-id")  # type: ignore[arg-type]
    page = Paginator(submissions, SUBMISSIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "assessments/submission_list.html", {"page": page})


@login_required
def submission_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A mentor (or staff) grades the free-text answers of a submission, one small form per answer."""
    try:
        submission = submission_with_answers(user=request.user, submission_id=pk)  # type: ignore[arg-type]
    except Submission.DoesNotExist as error:
        raise Http404(gettext("No such submission.")) from error
    if not can_review(user=request.user, submission=submission):  # type: ignore[arg-type]
        raise Http404(gettext("No such submission."))
    free_text = [a for a in submission.answers.all() if a.question.kind == Question.Kind.FREE_TEXT]
    forms = {answer.pk: ReviewForm(answer=answer) for answer in free_text}
    status = 200
    if request.method == "POST":
        answer_id = request.POST.get("answer_id", "")
        answer = next((a for a in free_text if str(a.pk) == answer_id), None)
        if answer is None:
            raise Http404(gettext("No such answer in this submission."))
        form = forms[answer.pk] = ReviewForm(request.POST, answer=answer)
        if form.is_valid():
            try:
                services.answer_review(
                    reviewer=request.user,  # type: ignore[arg-type]
                    answer=answer,
                    points=form.cleaned_data["points"],
                    feedback=form.cleaned_data["feedback"],
                )
            except PermissionDenied as error:
                raise Http404(gettext("No such submission.")) from error
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, gettext("Review saved."))
                answer.submission.refresh_from_db()
                if answer.submission.is_graded:
                    return redirect(answer.submission)
                return redirect("assessments:submission-review", pk=submission.pk)
        status = 400
    context = {"submission": submission, "reviews": [(a, forms[a.pk]) for a in free_text]}
    return render(request, "assessments/submission_review.html", context, status=status)
