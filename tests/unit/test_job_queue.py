"""The job queue both grading pools hand work out from: each job taken when asked, a lost one retried once."""

from __future__ import annotations

from pathlib import Path

from grader.grade.pool import Job, JobQueue
from grader.shared.limits import Limits


def _job(key: str) -> Job:
    return Job(key, Path("/nowhere"), ["linear_model"], False, 1, Limits(), 10.0)


def test_jobs_are_taken_one_at_a_time_and_only_when_asked() -> None:
    taken = []

    def jobs():
        for key in "ab":
            taken.append(key)
            yield _job(key)

    queue = JobQueue(jobs())
    assert taken == [] and not queue.done
    assert queue.next().key == "a" and taken == ["a"]
    assert queue.next().key == "b" and queue.next() is None and queue.done


def test_a_lost_job_is_tried_again_once_before_the_next_one() -> None:
    queue = JobQueue([_job("a"), _job("b")])
    first = queue.next()
    assert queue.retry(first) and not queue.done
    assert queue.next().key == "a"  # the retry comes first
    assert not queue.retry(first)  # its second attempt was its last
    assert queue.next().key == "b" and queue.next() is None and queue.done
