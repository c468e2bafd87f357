"""A small exercise whose hidden tests carry unique markers in their code (never to be shown), the real
sandbox (skipped outside CI when bubblewrap is missing, a failure in CI), and helpers."""

import shutil

import pytest
from django.conf import settings

from curriculum.models import Week
from exercises.models import Exercise
from tests.conftest import IN_CI

EXAMPLES = '''
from solution import add

def test_small_numbers():
    """adds small numbers"""
    assert add(1, 2) == 3, "add(1, 2) should be 3"
'''
HIDDEN = '''
from solution import add

def test_negative_numbers():
    """adds negative numbers"""
    SECRET_HIDDEN_TEST_CODE = add(-2, -3)
    assert SECRET_HIDDEN_TEST_CODE == -5, "adding two negative numbers goes wrong"

def test_large_numbers():
    """adds large numbers"""
    assert add(10**20, 1) == 10**20 + 1, "large numbers go wrong"
'''
REFERENCE = "def add(a, b):\n    return a + b\n"
STARTER = "def add(a, b):\n    # your code here\n    return 0\n"
HIDDEN_MARKER = "SECRET_HIDDEN_TEST_CODE"


def sandbox_or_skip() -> None:
    """The sandbox needs bubblewrap: the test command installs it; in CI its absence is a failure."""
    if not shutil.which(settings.SANDBOX_BWRAP):
        if IN_CI:
            pytest.fail("bubblewrap is missing: scripts/services.sh installs it")
        pytest.skip("bubblewrap is not installed")


@pytest.fixture
def real_sandbox() -> None:
    sandbox_or_skip()


def make_exercise(*, week: int = 5, published: bool = True, **fields: object) -> Exercise:
    values: dict[str, object] = {
        "title": f"Add two numbers (week {week})", "prompt": "Write `add(a, b)`.", "starter_code": STARTER,
        "example_tests": EXAMPLES, "hidden_tests": HIDDEN, "reference_solution": REFERENCE,
        "is_published": published, "max_attempts": 3, "time_limit_seconds": 2,
    }  # fmt: skip
    values.update(fields)
    return Exercise.objects.create(week=Week.objects.get(number=week), **values)
