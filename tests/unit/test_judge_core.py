"""grader.judge.core: the @check metadata, verdicts and their sentences, and the Student handle on a worker."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from grader import catalog
from grader.check.launcher import OutputTap, Reply, WorkerDied
from grader.judge.core import KINDS, Call, Student, Verdict, check, explaining, fail, title_of, verdict_from_reply
from grader.shared.outcome import Outcome

LINEAR_MODEL = catalog.find("linear_model")


class FakeWorker:
    """A worker as a Student sees one: it answers each probe call with the next of ``replies``."""

    def __init__(self, *replies: Reply | WorkerDied) -> None:
        self.replies = list(replies)
        self.calls: list[tuple[str, float, dict[str, Any]]] = []
        reader, self.writer = os.pipe()
        self.tap = OutputTap(reader)
        self.output_start: int | None = None
        #: What the student's code prints while it runs each call.
        self.printed_by_calls = ""

    def prints(self, text: str) -> None:
        os.write(self.writer, text.encode())

    def call(self, probe: str, timeout_s: float, **args: Any) -> Reply:
        self.calls.append((probe, timeout_s, args))
        self.prints(self.printed_by_calls)
        reply = self.replies.pop(0)
        if isinstance(reply, WorkerDied):
            raise reply
        return reply

    def close(self) -> None:
        os.close(self.writer)
        self.tap.close()


@pytest.fixture
def fake_worker():
    started = FakeWorker()
    yield started
    started.close()


def student_on(worker: FakeWorker, folder: Path | None = None) -> Student:
    return Student(LINEAR_MODEL, lambda: worker, timeout_s=5.0, submission_dir=folder)


def returned(value: Any) -> Reply:
    return Reply(status="ok", value={"result": value, "calls": []})


# ----------------------------------------------------------------------------- @check and titles


def test_a_check_is_marked_with_its_grading_metadata():
    @check(points=2, kind="property", hint="leave w alone", hidden=True, after=("forward_matches_reference",))
    def test_leaves_w_alone():
        pass

    (mark,) = test_leaves_w_alone.pytestmark
    assert mark.name == "grader"
    assert mark.kwargs == {"points": 2.0, "kind": "property", "hint": "leave w alone", "hidden": True,
                           "after": ("forward_matches_reference",)}
    assert isinstance(mark.kwargs["points"], float)


def test_a_check_of_an_unknown_kind_is_refused_naming_the_kinds():
    with pytest.raises(ValueError, match="kind must be one of") as refused:
        check(points=1, kind="speed", hint="")
    assert all(kind in str(refused.value) for kind in KINDS) and "'speed'" in str(refused.value)


@pytest.mark.parametrize("points", [0, -1])
def test_a_check_worth_no_points_is_refused(points):
    with pytest.raises(ValueError, match="positive number of points"):
        check(points=points, kind="correctness", hint="")


def test_a_checks_title_is_its_docstrings_first_line_or_else_its_name_in_words():
    def test_cost_is_a_scalar():
        """The cost is a 0-dim tensor.

        More words for the reader of the source.
        """

    def test_gradient_matches_autograd():
        pass

    assert title_of(test_cost_is_a_scalar) == "The cost is a 0-dim tensor"
    assert title_of(test_gradient_matches_autograd) == "gradient matches autograd"


# ----------------------------------------------------------------------------- verdicts


def test_a_verdict_takes_an_outcome_word_and_refuses_a_word_that_is_none():
    verdict = Verdict("timeout", "ran past its time limit")
    assert verdict.outcome is Outcome.TIMEOUT and str(verdict) == "ran past its time limit"
    assert verdict.details == {} and verdict.hint is None
    with pytest.raises(ValueError):
        Verdict("slow", "not an outcome")


def test_fail_is_a_failed_verdict_carrying_details_and_its_own_hint():
    verdict = fail("cost() is 3; expected 2", hint="divide by the count", got=3.0, expected=2.0)
    assert (verdict.outcome, verdict.message, verdict.hint) == (Outcome.FAILED, "cost() is 3; expected 2",
                                                                 "divide by the count")
    assert verdict.details == {"got": 3.0, "expected": 2.0}


def test_explaining_adds_the_likely_mistake_to_an_error_showing_the_symptom():
    with pytest.raises(Verdict) as raised, explaining("size mismatch", "flatten the batch before the Linear layer"):
        raise Verdict(Outcome.ERROR, "forward() raised RuntimeError: size mismatch, m1: [2 x 3]")
    assert raised.value.message.endswith("size mismatch, m1: [2 x 3] — flatten the batch before the Linear layer")


@pytest.mark.parametrize("verdict", [
    Verdict(Outcome.ERROR, "forward() raised KeyError: 'w'"),
    Verdict(Outcome.FAILED, "forward() shows size mismatch in its output"),
])
def test_explaining_leaves_other_verdicts_as_they_are(verdict):
    message = verdict.message
    with pytest.raises(Verdict) as raised, explaining("size mismatch", "flatten the batch"):
        raise verdict
    assert raised.value.message == message


def test_explaining_lets_an_exception_of_the_grader_through_untouched():
    with pytest.raises(KeyError), explaining("size mismatch", "flatten the batch"):
        raise KeyError("size mismatch")


# ----------------------------------------------------------------------------- replies the student's code failed in


@pytest.mark.parametrize(("reply", "outcome", "message"), [
    (Reply("not_implemented", type="NotImplementedError"), Outcome.NOT_IMPLEMENTED, "cost(): not implemented yet"),
    (Reply("error", message="boom", type="ValueError", where="linear_model.py line 4"), Outcome.ERROR,
     "cost() raised ValueError (at linear_model.py line 4): boom"),
    (Reply("error", message="boom", type="ValueError"), Outcome.ERROR, "cost() raised ValueError: boom"),
    (Reply("error", message="linear_model.py does not import: SyntaxError at line 3", complete=True), Outcome.ERROR,
     "linear_model.py does not import: SyntaxError at line 3"),
    (Reply("failed", message="the module has no function named 'cost'", complete=True), Outcome.FAILED,
     "the module has no function named 'cost'"),
    (Reply("exited", message="the code called sys.exit(0)"), Outcome.EXITED,
     "cost(): the code called sys.exit(0); a function must return its result"),
    (Reply("memory", message="MemoryError"), Outcome.MEMORY, "cost() ran out of memory: MemoryError"),
    (Reply("bad_request", message="no probe named 'x'"), Outcome.GRADER_ERROR,
     "cost(): the worker answered 'bad_request': no probe named 'x'"),
    (Reply("passed", message="forged"), Outcome.GRADER_ERROR, "cost(): the worker answered 'passed': forged"),
])
def test_each_way_the_students_code_failed_becomes_its_verdict(reply, outcome, message):
    verdict = verdict_from_reply(reply, "cost()")
    assert (verdict.outcome, verdict.message) == (outcome, message)


def test_a_replys_traceback_goes_into_the_verdicts_details():
    verdict = verdict_from_reply(Reply("error", message="boom", type="ValueError", traceback="Traceback ..."), "cost()")
    assert verdict.details == {"traceback": "Traceback ..."}


def test_a_call_says_which_watched_apis_it_used():
    call = Call(result=None, calls=[{"api": "torch.Tensor.scatter_"}, {"api": "torch.zeros"}])
    assert call.used("torch.zeros") and not call.used("torch.nn.functional.one_hot")


# ----------------------------------------------------------------------------- the Student handle


def test_a_call_asks_the_worker_bound_to_the_exercise_for_its_function_with_its_arguments(fake_worker):
    fake_worker.replies.append(Reply("ok", value={"result": 4.0, "calls": [{"api": "torch.mean"}], "args_after": [1.0]}))
    call = student_on(fake_worker).call("cost", 1.0, 2.0, watch=("torch.mean",), return_args=True, scale=3)
    assert (call.result, call.args_after, call.used("torch.mean")) == (4.0, [1.0], True)
    ((probe, timeout_s, args),) = fake_worker.calls
    assert (probe, timeout_s) == ("common.call", 5.0)
    assert args == {"name": "cost", "args": [1.0, 2.0], "kwargs": {"scale": 3},
                    "watch": ["torch.mean"], "return_args": True}


def test_a_call_with_its_own_time_limit_passes_it_to_the_worker(fake_worker):
    fake_worker.replies.append(returned(1.0))
    student_on(fake_worker).call("sgd", timeout_s=30.0)
    assert fake_worker.calls[0][1] == 30.0


def test_a_failed_reply_raises_its_verdict_named_after_the_call(fake_worker):
    fake_worker.replies.append(Reply("not_implemented"))
    with pytest.raises(Verdict) as raised:
        student_on(fake_worker).call("gradient", what="gradient(xs, ys, w)")
    assert (raised.value.outcome, raised.value.message) == (Outcome.NOT_IMPLEMENTED,
                                                           "gradient(xs, ys, w): not implemented yet")


def test_a_worker_that_died_during_the_call_is_the_verdict(fake_worker):
    fake_worker.replies.append(WorkerDied(Outcome.TIMEOUT, "the code ran past its time limit and was stopped"))
    with pytest.raises(Verdict) as raised:
        student_on(fake_worker).call("sgd")
    assert raised.value.outcome == Outcome.TIMEOUT
    assert raised.value.message == "sgd(): the code ran past its time limit and was stopped"


@pytest.mark.parametrize("value", [4.0, {"calls": []}, {"result": 1.0, "calls": "none"}])
def test_a_reply_that_is_not_what_the_probe_sends_is_tampering(fake_worker, value):
    fake_worker.replies.append(Reply("ok", value=value))
    with pytest.raises(Verdict) as raised:
        student_on(fake_worker).call("cost")
    assert raised.value.outcome == Outcome.FORBIDDEN and "tampered with the grader's worker" in raised.value.message


def test_a_function_that_did_not_run_is_set_aside_and_one_that_ran_is_judged(fake_worker):
    fake_worker.replies += [Reply("error", message="boom", type="ValueError"), returned(2.0)]
    student = student_on(fake_worker)
    assert student.call_that_runs("cost") is None
    assert student.call_that_runs("forward").result == 2.0
    student.expect_one_ran()


def test_where_no_function_ran_the_first_failure_is_the_verdict(fake_worker):
    fake_worker.replies += [Reply("not_implemented"), WorkerDied(Outcome.CRASHED, "the worker died (signal SIGSEGV)")]
    student = student_on(fake_worker)
    assert student.call_that_runs("cost") is None and student.call_that_runs("forward") is None
    with pytest.raises(Verdict) as raised:
        student.expect_one_ran()
    assert raised.value.message == "cost(): not implemented yet"


def test_a_wrong_answer_is_not_set_aside_as_a_function_that_did_not_run(fake_worker):
    fake_worker.replies.append(Reply("failed", message="the module has no function named 'cost'", complete=True))
    with pytest.raises(Verdict) as raised:
        student_on(fake_worker).call_that_runs("cost")
    assert raised.value.outcome == Outcome.FAILED


def test_the_output_of_a_check_is_what_the_worker_printed_since_the_check_began(fake_worker):
    fake_worker.prints("printed by an earlier check\n")
    fake_worker.tap.drain()
    student = student_on(fake_worker)
    fake_worker.replies += [returned(1.0), returned(2.0)]
    fake_worker.printed_by_calls = "epoch\n"
    student.call("sgd")
    student.call("sgd")
    assert student.output() == "epoch\nepoch\n"


def test_the_first_check_on_a_fresh_worker_shows_what_the_module_printed_at_import(fake_worker):
    fake_worker.output_start = fake_worker.tap.mark()
    fake_worker.prints("hello from the module\n")
    fake_worker.replies.append(returned(1.0))
    student = student_on(fake_worker)
    student.call("cost")
    assert student.output() == "hello from the module\n" and fake_worker.output_start is None


def test_reading_without_a_folder_is_none_and_with_one_follows_the_functions(fake_worker, tmp_path: Path):
    assert student_on(fake_worker).reading("gradient") is None
    (tmp_path / "linear_model.py").write_text("import torch\ndef gradient(xs, ys, w):\n    return torch.autograd.grad\n")
    read = student_on(fake_worker, tmp_path).reading("gradient")
    assert [f.line for f in read.uses(["torch.autograd.grad"])] == [3]
