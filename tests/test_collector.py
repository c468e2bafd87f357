"""lms.collector.fewer_collections: the youngest generation's threshold raised for a bulk job, and
restored when the last overlapping job leaves, whatever happens inside."""

import gc
import threading

import pytest

from lms.collector import BULK_YOUNG_THRESHOLD, fewer_collections


@pytest.fixture(autouse=True)
def default_thresholds():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_the_block_runs_with_the_raised_threshold_and_leaves_the_others():
    with fewer_collections():
        assert gc.get_threshold() == (BULK_YOUNG_THRESHOLD, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_an_error_inside_restores_the_thresholds():
    with pytest.raises(ZeroDivisionError), fewer_collections():
        1 / 0  # noqa: B018
    assert gc.get_threshold() == (700, 10, 10)


def test_a_higher_threshold_set_by_the_process_is_kept():
    gc.set_threshold(50_000, 20, 20)
    with fewer_collections():
        assert gc.get_threshold() == (50_000, 20, 20)
    assert gc.get_threshold() == (50_000, 20, 20)


def test_nested_blocks_restore_once_the_outer_one_leaves():
    with fewer_collections():
        with fewer_collections():
            assert gc.get_threshold()[0] == BULK_YOUNG_THRESHOLD
        assert gc.get_threshold()[0] == BULK_YOUNG_THRESHOLD
    assert gc.get_threshold() == (700, 10, 10)


def test_overlapping_jobs_in_threads_leave_the_thresholds_as_they_found_them():
    # First in, first out: the first job leaves while the second still runs; the second restores.
    first_inside, first_may_leave, first_left = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, tuple[int, int, int]] = {}

    def first() -> None:
        with fewer_collections():
            first_inside.set()
            first_may_leave.wait(5)
        first_left.set()

    def second() -> None:
        first_inside.wait(5)
        with fewer_collections():
            first_may_leave.set()
            first_left.wait(5)
            seen["while the second still runs"] = gc.get_threshold()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen["while the second still runs"][0] == BULK_YOUNG_THRESHOLD
    assert gc.get_threshold() == (700, 10, 10)


def test_usable_as_a_decorator():
    @fewer_collections()
    def job() -> int:
        return gc.get_threshold()[0]

    assert job() == BULK_YOUNG_THRESHOLD
    assert job() == BULK_YOUNG_THRESHOLD  # (a fresh context each call)
    assert gc.get_threshold() == (700, 10, 10)
