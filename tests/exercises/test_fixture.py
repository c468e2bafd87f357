"""The shipped exercises (fixtures/exercises.json), on the real sandbox: for every one, the reference
solution passes every hidden and example test, the starter fails at least one hidden test, and so does a
plausible wrong answer; the fixture loads with the curriculum (idempotent) and a broken one is refused."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from exercises import sandbox
from exercises.execution import limits_of
from exercises.models import Exercise
from tests.conftest import REPO

FIXTURE = REPO / "fixtures" / "exercises.json"
WEEKS = {1, 2, 3, 4, 5, 7, 8, 12, 16, 17}

# A mistake a learner could plausibly make, per exercise (by primary key): the hidden tests catch it.
PLAUSIBLY_WRONG = {
    1: "def cosine_similarity(u, v):\n    return sum(a * b for a, b in zip(u, v))\n",
    2: "def numerical_gradient(f, x, h=1e-5):\n    out = []\n    for i in range(len(x)):\n"
    "        y = list(x)\n        y[i] += h\n        out.append((f(y) - f(x)) / h)\n    return out\n",
    3: "def k_fold_indices(n, k):\n    size = n // k\n"
    "    return [([i for i in range(n) if not f * size <= i < (f + 1) * size],"
    " list(range(f * size, (f + 1) * size)))"
    " for f in range(k)]\n",
    # No 1/n of the mean:
    4: "import numpy as np\ndef mlp_gradients(x, y, W1, b1, W2, b2):\n    z1 = x @ W1 + b1\n"
    "    a1 = np.maximum(z1, 0)\n    d = 2 * (a1 @ W2 + b2 - y)\n    d_z1 = (d @ W2.T) * (z1 > 0)\n"
    "    return {'W1': x.T @ d_z1, 'b1': d_z1.sum(0), 'W2': a1.T @ d, 'b2': d.sum(0)}\n",
    5: "def pair_counts(words):\n    return {p: 1 for w in words for p in zip(w, w[1:])}\n",
    6: "def merge_pair(words, pair):\n    out = {}\n    for word, count in words.items():\n"
    "        for i in range(len(word) - 1):\n            if (word[i], word[i + 1]) == pair:\n"
    "                word = word[:i] + (word[i] + word[i + 1],) + word[i + 2:]\n                break\n"
    "        out[word] = count\n    return out\n",  # the first occurrence only
    7: "import numpy as np\ndef attention(Q, K, V, mask=None):\n    s = Q @ K.T\n"
    "    if mask is not None:\n        s = np.where(mask, s, -np.inf)\n    s = s - s.max(-1, keepdims=True)\n"
    "    w = np.exp(s) / np.exp(s).sum(-1, keepdims=True)\n    return w @ V, w\n",  # not scaled by sqrt(d_k)
    8: "def split_heads(x, h):\n    b, s, d = x.shape\n    if d % h:\n        raise ValueError(d)\n"
    "    return x.reshape(b, h, s, d // h)\n"
    "def combine_heads(x):\n    b, h, s, d = x.shape\n    return x.reshape(b, s, h * d)\n",
    9: "import numpy as np\ndef adam_step(p, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):\n"
    "    m = beta1 * m + (1 - beta1) * g\n    v = beta2 * v + (1 - beta2) * g ** 2\n"
    "    return p - lr * m / (np.sqrt(v) + eps), m, v\n",  # no bias correction
    10: "import numpy as np\ndef quantize(x):\n    s = float(np.abs(x).max()) / 127 or 1.0\n"
    "    return (x / s).astype(np.int8), s\ndef dequantize(q, s):\n    return q * s\n",  # truncates
    11: "import numpy as np\ndef magnitude_prune(w, s):\n    if not 0 <= s <= 1:\n"
    "        raise ValueError(s)\n"
    "    p = w.copy()\n    p.flat[np.argsort(p, axis=None, kind='stable')[: int(s * p.size)]] = 0\n"
    "    return p\n",  # by value, not magnitude
}


def fixture_exercises() -> list[dict]:
    return [item for item in json.loads(FIXTURE.read_text()) if item["model"] == "exercises.exercise"]


def test_at_least_ten_published_exercises_for_the_implementation_weeks(db):
    exercises = Exercise.objects.filter(is_published=True)
    assert exercises.count() >= 10
    assert set(exercises.values_list("week__number", flat=True)) == WEEKS
    assert set(PLAUSIBLY_WRONG) == {item["pk"] for item in fixture_exercises()}
    for exercise in exercises:
        exercise.full_clean()


@pytest.mark.usefixtures("real_sandbox")
@pytest.mark.parametrize("pk", sorted(PLAUSIBLY_WRONG))
def test_the_reference_passes_and_the_starter_and_a_plausible_mistake_fail(db, pk):
    exercise = Exercise.objects.get(pk=pk)
    limits, packages = limits_of(exercise), list(exercise.packages)

    def run(code: str, tests: str) -> sandbox.RunResult:
        return sandbox.run(code=code, tests=tests, limits=limits, packages=packages)

    for tests in (exercise.hidden_tests, exercise.example_tests):
        reference = run(exercise.reference_solution, tests)
        failures = [(t.name, t.message) for t in reference.tests if not t.passed]
        assert (failures, reference.error, reference.limit) == ([], "", "")
        assert reference.tests
    for code in (exercise.starter_code, PLAUSIBLY_WRONG[pk]):
        wrong = run(code, exercise.hidden_tests)
        assert wrong.passed_count < len(wrong.tests), code
        assert wrong.limit == ""  # a failed test, not a crash of the sandbox
        messages = [t.message for t in wrong.tests if not t.passed]
        assert all(messages), "every failure says what went wrong"


def test_loading_twice_changes_nothing(db):
    before = list(Exercise.objects.values())
    call_command("load_curriculum", FIXTURE, verbosity=0)
    assert list(Exercise.objects.values()) == before


def test_an_exercise_without_hidden_tests_or_with_an_unknown_package_is_refused(db, tmp_path):
    objects = fixture_exercises()
    objects[0]["fields"]["hidden_tests"] = "def helper():\n    pass\n"
    broken = tmp_path / "exercises.json"
    broken.write_text(json.dumps(objects))
    with pytest.raises(CommandError, match="test_"):
        call_command("load_curriculum", broken, verbosity=0)
    objects = fixture_exercises()
    objects[3]["fields"]["packages"] = ["torch"]
    broken.write_text(json.dumps(objects))
    with pytest.raises(CommandError, match="numpy"):
        call_command("load_curriculum", broken, verbosity=0)
    assert Exercise.objects.get(pk=1).hidden_tests == objects[0]["fields"]["hidden_tests"]
