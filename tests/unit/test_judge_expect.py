"""grader.judge.expect on values as they come off the wire: what passes, and the sentence each failure says."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from grader.judge import expect, static
from grader.judge.core import Verdict
from grader.shared import wire
from grader.shared.outcome import Outcome


def returned(value):
    """``value`` as a check receives it from a worker: encoded and decoded by the wire."""
    tree, buffers = wire.encode(value)
    return wire.decode(tree, buffers)


def verdict_of(function, *args, **kwargs) -> Verdict:
    with pytest.raises(Verdict) as raised:
        function(*args, **kwargs)
    return raised.value


# ----------------------------------------------------------------------------- tensor


def test_a_tensor_within_tolerance_passes_and_its_values_come_back_on_the_cpu():
    expected = torch.linspace(0, 1, 6).reshape(2, 3)
    sent_back = expected + 1e-7
    got = expect.tensor(returned(sent_back), expected, what="forward()")
    assert isinstance(got, torch.Tensor) and got.device.type == "cpu"
    assert torch.equal(got, sent_back)


def test_a_plain_tensor_the_check_unpacked_itself_is_judged_alike():
    expected = torch.ones(3)
    assert torch.equal(expect.tensor(torch.ones(3), expected, what="cost()"), expected)
    assert "differs from the expected values" in verdict_of(expect.tensor, torch.zeros(3), expected, what="cost()").message


def test_the_wrong_shape_is_said_first_with_both_shapes():
    verdict = verdict_of(expect.tensor, returned(torch.zeros(3)), torch.zeros(3, 1), what="forward()")
    assert verdict.outcome == Outcome.FAILED
    assert verdict.message == "forward() has shape [3]; expected [3, 1]"
    assert verdict.details == {"got_shape": [3], "expected_shape": [3, 1]}


def test_a_shape_that_a_known_mistake_gives_is_named():
    mistakes = {"summing over the wrong dimension": torch.zeros(4)}
    verdict = verdict_of(expect.tensor, returned(torch.zeros(4)), torch.zeros(2, 2), what="one_hot()", mistakes=mistakes)
    assert verdict.message.endswith(". That is the shape summing over the wrong dimension gives")


def test_an_accepted_other_shape_is_compared_after_a_reshape():
    expected = torch.arange(6.0).reshape(2, 3)
    got = expect.tensor(returned(torch.arange(6.0)), expected, what="forward()", shapes=[(6,)])
    assert got.shape == (2, 3) and torch.equal(got, expected)


def test_the_wrong_dtype_is_said_before_any_value():
    verdict = verdict_of(expect.tensor, returned(torch.full((2,), 9.0, dtype=torch.float64)), torch.zeros(2),
                         what="cost()")
    assert verdict.message == "cost() has dtype torch.float64; expected torch.float32"


@pytest.mark.parametrize(("value", "described"), [
    (np.zeros(3, dtype=np.float32), "a NumPy array of shape [3] and dtype torch.float32"),
    (None, "None"),
    ([1.0, 2.0, 3.0], "a list of 3 items"),
    (3.0, "the float 3.0"),
])
def test_what_is_not_a_tensor_is_described_in_the_failure(value, described):
    verdict = verdict_of(expect.tensor, returned(value), torch.zeros(3), what="forward()")
    assert verdict.message == f"forward() returned {described}; expected a torch.Tensor of shape [3]"


def test_a_tensor_subclass_is_refused_saying_to_return_a_plain_tensor():
    class Sneaky(torch.Tensor):
        pass

    verdict = verdict_of(expect.tensor, returned(torch.zeros(3).as_subclass(Sneaky)), torch.zeros(3), what="forward()")
    assert "Sneaky" in verdict.message and wire.TENSOR_SUBCLASS in verdict.message


def test_wrong_values_name_the_largest_error_where_it_is_and_the_tolerance():
    expected = torch.zeros(2, 3)
    value = expected.clone()
    value[1, 2] = 0.5
    verdict = verdict_of(expect.tensor, returned(value), expected, what="forward()")
    assert "largest absolute error 0.5 at index [1, 2] (got 0.5, expected 0)" in verdict.message
    assert "tolerance rtol=0.0001, atol=1e-05" in verdict.message
    assert verdict.details["at"] == [1, 2] and verdict.details["max_abs_error"] == 0.5
    assert "summary" not in verdict.details


def test_wrong_values_that_a_known_mistake_gives_name_that_mistake():
    expected = torch.tensor([1.0, 2.0, 3.0])
    mistakes = {"forgetting the bias": expected - 1, "squaring twice": expected ** 4}
    verdict = verdict_of(expect.tensor, returned(expected - 1), expected, what="forward()", mistakes=mistakes)
    assert verdict.message.endswith(". It matches what forgetting the bias gives")


def test_wrong_values_that_match_no_known_mistake_name_none():
    expected = torch.tensor([1.0, 2.0, 3.0])
    verdict = verdict_of(expect.tensor, returned(expected * 7), expected, what="forward()",
                         mistakes={"forgetting the bias": expected - 1})
    assert "It matches" not in verdict.message


def test_nan_where_a_number_was_expected_says_where():
    verdict = verdict_of(expect.tensor, returned(torch.tensor([1.0, float("nan"), 3.0])), torch.tensor([1.0, 2.0, 3.0]),
                         what="cost()")
    assert verdict.message == "cost() contains NaN (first at index [1]) where a number was expected"


def test_nan_where_nan_was_expected_passes():
    expected = torch.tensor([1.0, float("nan")])
    expect.tensor(returned(expected.clone()), expected, what="cost()")


def test_integer_tensors_must_be_exact_and_the_count_of_differences_is_given():
    verdict = verdict_of(expect.tensor, returned(torch.tensor([0, 5, 2, 7])), torch.tensor([0, 2, 2, 3]),
                         what="one_hot()")
    assert "differs at 2 of 4 positions" in verdict.message and "got 5, expected 2" in verdict.message
    assert verdict.details["mismatches"] == 2 and verdict.details["at"] == [1]


def test_a_tensor_on_another_device_than_its_inputs_is_refused():
    on_gpu = wire.RemoteTensor(torch.zeros(2), "cuda:0", False, None)
    verdict = verdict_of(expect.tensor, on_gpu, torch.zeros(2), what="forward()", device="cpu")
    assert verdict.message == "forward() is on device cuda:0; expected it on cpu (where its inputs were)"
    assert torch.equal(expect.tensor(on_gpu, torch.zeros(2), what="forward()", device="cuda"), torch.zeros(2))


def test_a_check_can_widen_the_tolerance():
    expected = torch.ones(3)
    with pytest.raises(Verdict):
        expect.tensor(returned(expected * 1.001), expected, what="forward()")
    expect.tensor(returned(expected * 1.001), expected, what="forward()", rtol=1e-2)


def test_float64_is_held_to_a_tighter_tolerance_than_float32():
    for dtype, passes in ((torch.float32, True), (torch.float64, False)):
        expected = torch.ones(3, dtype=dtype)
        close, _ = expect.compare(expected * (1 + 1e-6), expected)
        assert close is passes, dtype


def test_empty_tensors_of_the_right_shape_are_equal():
    expect.tensor(returned(torch.zeros(0, 3)), torch.zeros(0, 3), what="one_hot()")


# ----------------------------------------------------------------------------- numbers


def test_a_number_close_to_the_expected_one_comes_back_as_a_float():
    assert expect.number(returned(2.0000001), 2.0, what="cost()") == pytest.approx(2.0)
    assert expect.number(returned(torch.tensor(2.0)), 2.0, what="cost()") == 2.0
    assert isinstance(expect.number(returned(2), 2.0, what="cost()"), float)


def test_a_number_far_from_the_expected_one_fails_with_both():
    verdict = verdict_of(expect.number, returned(2.5), 2.0, what="cost()")
    assert verdict.message == "cost() is 2.5; expected 2" and verdict.details == {"got": 2.5, "expected": 2.0}


def test_nan_is_never_close_to_a_number():
    assert verdict_of(expect.number, returned(float("nan")), 2.0, what="cost()").message.startswith("cost() is nan")


@pytest.mark.parametrize(("value", "described"), [
    (True, "the bool True"),
    ("2.0", "a string"),
    (torch.tensor([1.0, 2.0]), "a tensor of shape [2] and dtype torch.float32"),
    (torch.tensor(2), "a tensor of shape [] and dtype torch.int64"),
    ({"loss": 2.0}, "a dict with keys ['loss']"),
])
def test_what_is_not_a_real_number_fails_saying_what_it_is(value, described):
    verdict = verdict_of(expect.number, returned(value), 2.0, what="cost()")
    assert verdict.message == f"cost() returned {described}; expected a number"


# ----------------------------------------------------------------------------- arguments left as they were


def test_arguments_given_back_as_sent_are_unchanged():
    w, x = torch.ones(3), torch.arange(3.0)
    expect.unchanged([w, x, 0.1], returned([w.clone(), x.clone(), 0.1]), names=["w", "x", "lr"], what="sgd()")


def test_an_argument_modified_in_place_is_named_with_the_fix():
    w = torch.ones(3)
    verdict = verdict_of(expect.unchanged, [w, 0.1], returned([w - 1, 0.1]), names=["w", "lr"], what="sgd()")
    assert verdict.outcome == Outcome.FAILED
    assert verdict.message.startswith("sgd() modified its argument 'w' in place")


def test_an_argument_reshaped_in_place_is_named_with_both_shapes():
    x = torch.ones(3)
    verdict = verdict_of(expect.unchanged, [x], returned([x.unsqueeze(0)]), names=["x"], what="forward()")
    assert "changed the shape of its argument 'x' in place (from [3] to [1, 3])" in verdict.message


@pytest.mark.parametrize("after", [None, [], "forged"])
def test_a_reply_without_every_argument_is_a_worker_tampered_with(after):
    verdict = verdict_of(expect.unchanged, [torch.ones(2)], after, names=["w"], what="sgd()")
    assert verdict.outcome == Outcome.FORBIDDEN and "tampered with the grader's worker" in verdict.message


def test_code_that_can_reach_the_graders_objects_fails_before_the_arguments_are_compared(tmp_path: Path):
    (tmp_path / "linear_model.py").write_text("import sys\ndef sgd(w):\n    return sys.modules['grader']\n")
    read = static.reach(tmp_path, "linear_model", ["sgd"])
    w = torch.ones(2)
    verdict = verdict_of(expect.unchanged, [w], returned([w.clone()]), names=["w"], what="sgd()", read=read)
    assert verdict.outcome == Outcome.FORBIDDEN and verdict.message.startswith("decided by reading the code")
    assert verdict.details["file"] == "linear_model.py" and verdict.details["line"] == 3


def test_data_given_back_unchanged_passes_and_changed_data_are_named():
    sent = {"xs": torch.ones(3), "ys": torch.zeros(3)}
    expect.data_unchanged(sent, returned({"xs": torch.ones(3), "ys": torch.zeros(3)}), what="train()")
    verdict = verdict_of(expect.data_unchanged, sent, returned({"xs": torch.ones(3) * 2, "ys": torch.ones(3)}),
                         what="train()")
    assert verdict.message == "train() modified xs and ys in place; the data must stay as given"


def test_data_that_could_not_be_run_or_do_not_come_back_cannot_be_judged():
    sent = {"xs": torch.ones(3)}
    assert verdict_of(expect.data_unchanged, sent, None, what="train()").outcome == Outcome.FAILED
    assert verdict_of(expect.data_unchanged, sent, returned({"other": torch.ones(3)}), what="train()").outcome \
        == Outcome.FORBIDDEN


# ----------------------------------------------------------------------------- raising, calling


def test_an_error_raised_as_asked_passes_also_as_a_subclass():
    expect.raised({"raised": "ValueError", "bases": ["ValueError", "Exception"], "message": "bad"}, "ValueError",
                  what="one_hot()")
    expect.raised({"raised": "MyError", "bases": ["MyError", "ValueError"], "message": "bad"}, "ValueError",
                  what="one_hot()")


def test_no_error_where_one_was_asked_says_what_came_back_and_why():
    verdict = verdict_of(expect.raised, {"returned": 3}, "ValueError", what="one_hot(-1)",
                         why=" for a negative label")
    assert verdict.message == "one_hot(-1) returned the int 3; expected ValueError for a negative label"


def test_another_error_or_a_message_without_the_asked_words_fails():
    outcome = {"raised": "TypeError", "bases": ["TypeError"], "message": "nope"}
    assert verdict_of(expect.raised, outcome, "ValueError", what="f()").message == \
        "f() raised TypeError('nope'); expected ValueError"
    outcome = {"raised": "ValueError", "bases": ["ValueError"], "message": "bad input"}
    verdict = verdict_of(expect.raised, outcome, "ValueError", what="f()", mentions="channel 2", should="name channel 2")
    assert verdict.message == "f() raised ValueError('bad input'); the message should name channel 2"


def test_a_forbidden_call_seen_while_running_is_a_forbidden_verdict():
    apis = {"torch.nn.functional.one_hot": "write it with scatter_"}
    expect.not_called([{"api": "torch.zeros"}], apis, what="one_hot()")
    verdict = verdict_of(expect.not_called, [{"api": "torch.zeros"}, {"api": "torch.nn.functional.one_hot"}], apis,
                         what="one_hot()")
    assert verdict.outcome == Outcome.FORBIDDEN
    assert verdict.message == "observed while running: one_hot() called torch.nn.functional.one_hot: write it with scatter_"
    assert verdict.details == {"api": "torch.nn.functional.one_hot", "decided": "observed while running"}


def test_a_forbidden_api_the_code_reaches_is_decided_by_reading_before_any_call_is_seen(tmp_path: Path):
    (tmp_path / "encoding.py").write_text("from torch.nn.functional import one_hot as oh\n"
                                          "def one_hot(t, n):\n    return oh(t, n)\n")
    read = static.reach(tmp_path, "encoding", ["one_hot"])
    verdict = verdict_of(expect.not_called, [], {"torch.nn.functional.one_hot": "use scatter_"}, what="one_hot()",
                         read=read)
    assert verdict.message.startswith("decided by reading the code: one_hot() reaches torch.nn.functional.one_hot at "
                                      "encoding.py line 3 (as `oh`)")


def test_code_that_never_turns_autograd_off_fails_and_code_that_does_passes(tmp_path: Path):
    (tmp_path / "evaluation.py").write_text("import torch\ndef validate(model, x):\n    return model(x)\n")
    verdict = verdict_of(expect.grad_turned_off, static.reach(tmp_path, "evaluation", ["validate"]),
                         what="validate()", advice="wrap it in torch.no_grad()")
    assert verdict.message.endswith("torch.set_grad_enabled(False)): wrap it in torch.no_grad()")
    (tmp_path / "evaluation.py").write_text("import torch\ndef validate(model, x):\n"
                                            "    with torch.inference_mode():\n        return model(x)\n")
    expect.grad_turned_off(static.reach(tmp_path, "evaluation", ["validate"]), what="validate()", advice="")
