"""Every check, tested both ways: the reference passes it, and a plausible wrong submission fails it
with a message that names the mistake; the stubs fail as "not implemented"; correct submissions
written differently from the reference get full marks.

The submissions live in ``tests/submissions/<exercise>/``: each file's docstring says what is wrong
with it ("Mistake: ...") or how it differs while being right ("Correct: ...").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, SUBMISSIONS, outcomes, submission_with
from grader import catalog
from grader.inventory import checks_of

EXERCISES = [e.name for e in catalog.EXERCISES]

#: (exercise, submission) -> (the check that must not pass, its outcome, words its message must contain)
MISTAKES: dict[tuple[str, str], tuple[str, str, str]] = {
    ("linear_model", "gradient_no_factor_2"): ("gradient_matches_autograd", "failed", "leaving out the factor 2"),
    ("linear_model", "gradient_sum_not_mean"): ("gradient_matches_autograd", "failed", "a sum instead of a mean"),
    ("linear_model", "gradient_sign_flipped"): ("gradient_matches_autograd", "failed", "flipping the sign"),
    ("linear_model", "gradient_uses_autograd"): ("gradient_does_not_use_autograd", "forbidden", "without autograd"),
    ("linear_model", "update_plus_equals"): ("gradient_descent_converges_on_the_notes_data", "failed", "must subtract"),
    ("linear_model", "sgd_full_batch"): ("sgd_matches_reference_on_the_notes_data", "failed", "full-batch step"),
    ("linear_model", "cost_returns_sum"): ("cost_is_mean_squared_error", "failed", "a sum instead of a mean"),
    ("linear_model", "costs_recorded_after_update"): ("gradient_descent_converges_on_the_notes_data", "failed", "before its update"),
    ("linear_model", "sgd_every_sample_loss"): ("sgd_matches_reference_on_the_notes_data", "failed", "one per epoch"),
    ("linear_model", "sgd_loss_before_update"): ("sgd_matches_reference_on_the_notes_data", "failed", "losses of sgd()"),
    ("linear_model", "w0_modified_in_place"): ("inputs_are_not_modified", "failed", "modified its argument 'w0' in place"),
    ("encoding", "off_by_one"): ("one_hot_matches_reference", "failed", "labels shifted by -1"),
    ("encoding", "scatter_wrong_dim"): ("one_hot_matches_reference", "failed", "scattering along dim 0"),
    ("encoding", "returns_int_dtype"): ("one_hot_matches_reference", "failed", "dtype torch.int64; expected torch.float32"),
    ("encoding", "unsqueeze_in_place"): ("input_is_not_modified", "failed", "unsqueeze_()"),
    ("encoding", "python_loop"): ("one_hot_throughput", "failed", "vectorise it"),
    ("encoding", "along_ignores_dim"): ("one_hot_along_inserts_the_class_axis_at_dim", "failed", "putting the class axis at dim"),
    ("encoding", "empty_target_max_crash"): ("empty_input_gives_an_empty_result", "error", "raised RuntimeError"),
    ("encoding", "negative_dim_insert"): ("one_hot_along_inserts_the_class_axis_at_dim", "error", "dim=-1"),
    ("encoding", "no_range_check"): ("bad_labels_get_a_clear_error", "failed", "expected ValueError"),
    ("encoding", "only_checks_float"): ("bad_labels_get_a_clear_error", "failed", "bool labels"),
    ("convnet", "relu_not_tanh"): ("forward_matches_reference", "failed", "ReLU instead of tanh"),
    ("convnet", "avg_pool"): ("forward_matches_reference", "failed", "average pooling"),
    ("convnet", "pool_missing"): ("forward_matches_reference", "failed", "max-pool left out"),
    ("convnet", "second_pool_missing"): ("forward_matches_reference", "failed", "max-pool left out"),
    ("convnet", "no_tanh_after_fc1"): ("forward_matches_reference", "failed", "no tanh after fc1"),
    ("convnet", "softmax_output"): ("forward_matches_reference", "failed", "softmax"),
    ("convnet", "flatten_other_order"): ("forward_matches_reference", "failed", "[N, H, W, C] order"),
    ("convnet", "flatten_whole_tensor"): ("forward_matches_reference", "error", "mat1 and mat2 shapes"),
    ("convnet", "one_pool_of_4"): ("forward_matches_reference", "failed", "differs from the expected values"),
    ("convnet", "squeeze_output"): ("forward_matches_reference", "failed", "has shape [2]; expected [1, 2]"),
    ("convnet", "tanh_on_logits"): ("forward_matches_reference", "failed", "differs from the expected values"),
    ("resnet", "shared_blocks"): ("blocks_do_not_share_weights", "failed", "share weights"),
    ("resnet", "conv_bias"): ("resblock_has_the_notes_layers", "failed", "bias=False"),
    ("resnet", "bn_weight_one"): ("resblock_initialisation", "failed", "batch_norm.weight should start at 0.5"),
    ("resnet", "skip_inside_relu"): ("resblock_forward_matches_reference", "failed", "the skip added inside the ReLU"),
    ("resnet", "no_skip"): ("resblock_forward_matches_reference", "failed", "no skip connection"),
    ("resnet", "kaiming_fan_out"): ("resblock_initialisation", "failed", "mode='fan_out'"),
    ("resnet", "padding_zero"): ("resblock_forward_matches_reference", "error", "needs padding 1"),
    ("resnet", "bn_before_conv"): ("resblock_forward_matches_reference", "failed", "differs from the expected values"),
    ("resnet", "no_final_pool"): ("netresdeep_forward_matches_reference", "failed", "has shape [24, 2]; expected [6, 2]"),
    ("resnet", "no_kaiming_init"): ("resblock_initialisation", "failed", "Kaiming normal for ReLU"),
    ("resnet", "relu_after_fc2"): ("netresdeep_forward_matches_reference", "failed", "differs from the expected values"),
    ("resnet", "blocks_in_python_list"): ("netresdeep_has_the_notes_layers", "failed", "lacks 'resblocks.0"),
    ("evaluation", "mean_of_batch_accuracies"): ("accuracy_is_counted_over_samples", "failed", "mean of per-batch accuracies"),
    ("evaluation", "no_eval"): ("model_is_in_eval_mode_while_evaluating", "failed", "call model.eval()"),
    ("evaluation", "no_no_grad"): ("no_autograd_graph_is_built", "failed", "torch.no_grad()"),
    ("evaluation", "argmax_dim0"): ("accuracy_is_counted_over_samples", "error", "argmax over dim 0"),
    ("evaluation", "counts_batches"): ("accuracy_is_counted_over_samples", "failed", "number of batches instead of samples"),
    ("evaluation", "percentage"): ("accuracy_is_counted_over_samples", "failed", "a percentage instead of a fraction"),
    ("evaluation", "counters_not_reset"): ("accuracy_is_counted_over_samples", "failed", "accuracy of"),
    ("evaluation", "empty_loader_returns_zero"): ("empty_loader_raises_value_error", "failed", "expected ValueError"),
    ("evaluation", "leaves_eval_mode"): ("model_mode_is_restored", "failed", "restore its mode"),
    ("evaluation", "restore_not_in_finally"): ("model_mode_is_restored", "failed", "finally:"),
}

#: Wrong submissions whose mistake only shows on a GPU (the checks that see it skip here).
GPU_ONLY = {("evaluation", "labels_not_moved")}


def _files(correct: bool) -> list[tuple[str, Path]]:
    return [(e, f) for e in EXERCISES for f in sorted((SUBMISSIONS / e).glob("*.py"))
            if f.stem.startswith("correct_") == correct]


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_reference_gets_full_marks(grade, exercise):
    result = grade(ROOT / "solutions", exercise)
    assert {c.name for c in result.checks} == {c.name for c in checks_of(catalog.find(exercise))}
    assert all(c.outcome in ("passed", "skipped") for c in result.checks), outcomes(result)
    assert result.points == result.max_points > 0


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_stubs_are_not_implemented_on_every_check(grade, exercise):
    result = grade(ROOT / "exercises", exercise)
    assert result.points == 0
    for check in result.checks:
        assert check.outcome in ("not_implemented", "skipped"), (check.name, check.outcome, check.message)
        assert check.outcome == "skipped" or "not implemented yet" in check.message
        assert "Traceback" not in check.message


@pytest.mark.parametrize(("exercise", "source"), _files(correct=True), ids=[f"{e}/{f.stem}" for e, f in _files(correct=True)])
def test_a_correct_submission_written_differently_gets_full_marks(grade, tmp_path, exercise, source):
    result = grade(submission_with(tmp_path, exercise, source), exercise)
    assert result.points == result.max_points, {c.name: c.message for c in result.checks if not c.passed}


@pytest.mark.parametrize(("exercise", "mistake"), sorted(MISTAKES), ids=[f"{e}/{m}" for e, m in sorted(MISTAKES)])
def test_a_wrong_submission_fails_with_a_message_naming_the_mistake(grade, tmp_path, exercise, mistake):
    check_name, outcome, words = MISTAKES[(exercise, mistake)]
    result = grade(submission_with(tmp_path, exercise, SUBMISSIONS / exercise / f"{mistake}.py"), exercise)
    found = {c.name: c for c in result.checks}[check_name]
    assert (found.outcome, words in found.message) == (outcome, True), found.message
    assert found.points == 0 and found.hint
    assert result.points < result.max_points


def test_every_wrong_submission_on_disk_is_in_the_table():
    on_disk = {(e, f.stem) for e, f in _files(correct=False)}
    assert on_disk - GPU_ONLY == set(MISTAKES)
