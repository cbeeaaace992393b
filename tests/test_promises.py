"""Every promise a stub makes is held by a check, and a wrong submission proves it.

A promise is anything a stub's docstring tells the student they may rely on or must give:
a type (a Python float, not a tensor), a shape (0-dim, not [1]), a dtype, the sizes and
dtypes of the inputs it accepts (odd widths, int64 batches, a torch.device), the errors it
names. Each row of :data:`PROMISES` names the check that holds one promise and the wrong
submission, in ``tests/submissions/<exercise>/``, that breaks exactly that promise and must
fail that check (``tests/test_checks.py`` grades it). A new exercise starts by adding its rows.
"""

from __future__ import annotations

import ast
import re
from typing import NamedTuple

import pytest
from conftest import SUBMISSIONS

from grader import catalog
from grader.inventory import checks_of

FAILS = re.compile(r"^Fails(?: with CUDA)?: (\w+) \((\w+)\): (.+)$", re.MULTILINE)


class Promise(NamedTuple):
    """One promise of a stub, the check that holds it and the submission that breaks it."""

    exercise: str
    obj: str
    promise: str
    check: str
    submission: str


PROMISES: tuple[Promise, ...] = (
    Promise("metrics", "Mean.result", "returns a Python float, not a tensor", "accuracy_streaming_equals_one_shot",
            "result_returns_tensor"),
    Promise("metrics", "Mean.update_state", "takes a Python number, an int as well as a float",
            "mean_streaming_equals_one_shot", "mean_refuses_python_ints"),
    Promise("metrics", "Mean.update_state", "each element of a tensor counts once", "mean_streaming_equals_one_shot",
            "mean_of_update_means"),
    Promise("metrics", "Mean.update_state", "keeps no autograd graph", "mean_keeps_no_autograd_graph",
            "mean_keeps_the_graph"),
    Promise("metrics", "Mean.result", "0.0 before any value", "result_before_any_update_is_zero",
            "result_divides_by_zero"),
    Promise("metrics", "Mean.reset_state", "forgets both total and count", "mean_reset_state_forgets_everything",
            "reset_forgets_only_the_total"),
    Promise("metrics", "SparseCategoricalAccuracy.update_state", "labels [N, 1] count like labels [N]",
            "accuracy_accepts_labels_of_shape_n_by_1", "accuracy_broadcasts_column_labels"),
    Promise("metrics", "SparseCategoricalAccuracy.update_state", "its inputs are not changed",
            "accuracy_accepts_labels_of_shape_n_by_1", "accuracy_squeezes_in_place"),
    Promise("metrics", "SparseCategoricalAccuracy.result", "a fraction in [0, 1]", "accuracy_streaming_equals_one_shot",
            "accuracy_percentage"),
    Promise("metrics", "Mean.__init__", "the name is kept as self.name", "metrics_have_keras_names", "no_names"),
    Promise("mlp", "make_mlp", "a new network with new weights at every call", "make_mlp_builds_the_notes_network",
            "model_built_at_import"),
    Promise("mlp", "make_mlp", "1 -> 32 -> 32 -> 1, tanh, no tanh on the output",
            "network_matches_the_notes_with_the_same_weights", "tanh_on_output"),
    Promise("mlp", "fit", "the loss recorded before each update", "fit_follows_the_reference_on_sin",
            "loss_after_update"),
    Promise("mlp", "fit", "no torch.optim", "fit_writes_the_update_by_hand", "uses_sgd"),
    Promise("classifier", "make_fc_classifier", "state_dict keys 0.* and 2.*", "make_fc_classifier_has_the_notes_layers",
            "named_layers"),
    Promise("classifier", "make_fc_classifier", "log-probabilities over dim 1",
            "make_fc_classifier_outputs_log_probabilities", "log_softmax_dim0"),
    Promise("classifier", "train_epoch", "images of any shape [B, ...] are flattened", "train_epoch_steps_once_per_batch",
            "flatten_3072"),
    Promise("classifier", "train_epoch", "returns a Python float, the mean loss per sample",
            "train_epoch_returns_the_mean_loss_per_sample", "returns_tensor"),
    Promise("classifier", "train_epoch", "ValueError for a loader with no samples",
            "train_epoch_with_an_empty_loader_raises_value_error", "empty_loader_divides_by_zero"),
    Promise("classifier", "train_epoch", "the model in training mode", "train_epoch_trains_in_training_mode",
            "no_train_mode"),
    Promise("regularization", "l2_penalty", "a 0-dim tensor for a model without parameters",
            "l2_penalty_keeps_the_parameters_dtype_and_shape", "l2_empty_model_gives_int"),
    Promise("regularization", "l2_penalty", "the parameters' dtype", "l2_penalty_keeps_the_parameters_dtype_and_shape",
            "l2_float32_accumulator"),
    Promise("regularization", "l2_penalty", "still attached to the autograd graph",
            "l2_penalty_sends_a_gradient_to_every_parameter", "l2_item"),
    Promise("regularization", "l2_penalty", "parameters only, not buffers", "l2_penalty_is_the_sum_of_squared_parameters",
            "l2_over_state_dict"),
    Promise("regularization", "NetDropout.__init__", "fc1 is Linear(8 * 8 * (n_chans1 // 2), 32), odd widths too",
            "netdropout_has_the_notes_layers", "odd_width_unparenthesised"),
    Promise("regularization", "NetDropout.forward", "works for an odd n_chans1", "netdropout_has_the_notes_layers",
            "odd_width_flatten"),
    Promise("regularization", "NetDropout.__init__", "every layer sized from n_chans1", "netdropout_has_the_notes_layers",
            "hard_coded_width"),
    Promise("regularization", "NetDropout.forward", "no dropout in eval mode", "netdropout_in_eval_mode_has_no_dropout",
            "dropout_without_training_flag"),
    Promise("regularization", "NetBatchNorm.forward", "running statistics in eval mode",
            "netbatchnorm_in_eval_mode_uses_running_statistics", "batchnorm_always_batch_statistics"),
    Promise("checkpoint", "save", "the file at exactly path", "save_writes_the_state_dict", "save_adds_an_extension"),
    Promise("checkpoint", "save", "the state_dict itself, buffers included", "save_writes_the_state_dict",
            "save_named_parameters"),
    Promise("checkpoint", "save", "the model's mode left as it was", "save_leaves_the_model_as_it_was",
            "save_switches_to_eval"),
    Promise("checkpoint", "load", "kwargs passed on to the constructor", "round_trip_is_exact", "load_ignores_kwargs"),
    Promise("checkpoint", "load", "returns the model", "round_trip_is_exact", "load_returns_load_state_dict"),
    Promise("checkpoint", "load", "load_state_dict strict", "load_refuses_a_checkpoint_that_does_not_fit",
            "load_not_strict"),
    Promise("device", "pick_device", "a torch.device, not a string", "pick_device_prefers_cuda_when_available",
            "pick_device_returns_a_string"),
    Promise("device", "training_loop", "device may be a torch.device as well as a string", "training_loop_returns_floats",
            "device_string_only"),
    Promise("device", "training_loop", "a list of Python floats", "training_loop_returns_floats",
            "loss_tensor_accumulated"),
    Promise("device", "training_loop", "the device it is given, not its own", "every_batch_is_moved_to_the_given_device",
            "ignores_the_device_argument"),
    Promise("images", "to_chw_batch", "uint8 pixels unchanged", "to_chw_batch_puts_channels_first", "converts_to_float"),
    Promise("images", "to_chw_batch", "the alpha channel, the last one, dropped", "alpha_channel_is_dropped",
            "keeps_last_three_channels"),
    Promise("images", "to_chw_batch", "ValueError naming the image", "bad_images_raise_value_error", "no_shape_checks"),
    Promise("images", "normalize_per_channel", "float32 for any integer batch, not only uint8",
            "normalize_per_channel_of_a_uint8_batch", "only_uint8_converted"),
    Promise("images", "normalize_per_channel", "ValueError for a batch that is not 4-D",
            "constant_channel_raises_value_error", "no_4d_check"),
    Promise("images", "normalize_per_channel", "ValueError naming a constant channel",
            "constant_channel_raises_value_error", "no_constant_channel_check"),
    Promise("images", "normalize_per_channel", "any number of channels",
            "normalize_per_channel_with_any_number_of_channels", "three_channels_hard_coded"),
    Promise("images", "normalize_per_channel", "the batch is not modified", "batch_is_not_modified",
            "notes_loop_in_place"),
    Promise("text_encoding", "clean_words", "pieces made only of punctuation left out", "clean_words_of_a_whole_text",
            "keeps_empty_words"),
    Promise("text_encoding", "char_one_hot", "non-ASCII characters in column 0", "char_one_hot_matches_reference",
            "char_skips_non_ascii"),
    Promise("text_encoding", "char_one_hot", "row i is line[i], no strip", "char_one_hot_matches_reference",
            "char_notes_strip"),
    Promise("text_encoding", "word_index", "the words are not changed", "arguments_are_not_modified",
            "index_sorts_in_place"),
    Promise("text_encoding", "words_one_hot", "KeyError naming an unknown word", "unknown_word_raises_key_error",
            "unknown_word_is_word_zero"),
    Promise("text_encoding", "words_one_hot", "[W, len(index)]", "words_one_hot_matches_reference",
            "width_is_number_of_words"),
    Promise("linear_regression", "LinearModel", "one nn.Linear(1, 1) with a bias", "model_is_one_linear_unit", "no_bias"),
    Promise("linear_regression", "train", "a list of Python floats", "train_follows_the_reference_on_the_notes_data",
            "losses_as_tensors"),
    Promise("linear_regression", "train", "the lr it is given", "train_uses_sgd_and_mse_loss", "lr_hard_coded"),
    Promise("logistic_regression", "LogisticRegressionModel", "probabilities in (0, 1)", "forward_is_a_probability",
            "no_sigmoid"),
    Promise("logistic_regression", "fit", "the lr it is given", "fit_uses_bce_and_sgd", "lr_hard_coded"),
    Promise("thermometer", "model", "w and b may be Python floats", "model_is_w_times_t_u_plus_b",
            "model_needs_tensor_w"),
    Promise("thermometer", "loss_fn", "the mean, a 0-dim tensor", "loss_fn_is_mean_squared_error", "loss_sum"),
    Promise("thermometer", "grad_fn", "[dloss/dw, dloss/db] in that order", "grad_fn_matches_autograd",
            "grad_order_swapped"),
    Promise("thermometer", "training_loop", "ValueError naming the epoch, counted from 1",
            "divergence_raises_value_error_naming_the_epoch", "epochs_from_zero"),
    Promise("thermometer", "training_loop", "the caller's params left as they were", "inputs_are_not_modified",
            "params_in_place"),
    Promise("autograd_training", "split_train_val", "the generator alone decides the shuffle",
            "split_is_shuffled_by_the_generator", "split_global_rng"),
    Promise("autograd_training", "split_train_val", "n_val = int(val_fraction * n)", "split_is_disjoint_and_complete",
            "split_round"),
    Promise("autograd_training", "split_train_val", "ValueError when no validation sample would remain",
            "split_rejects_impossible_fractions", "split_notes_slicing_unchecked"),
    Promise("autograd_training", "training_loop", "history of Python floats", "training_loop_follows_the_notes_run",
            "history_of_tensors"),
    Promise("autograd_training", "training_loop", "the optimizer it is given", "training_loop_uses_the_optimizer_it_is_given",
            "update_by_hand"),
    Promise("train_step", "train_step", "logs of Python floats", "logs_hold_python_floats", "loss_tensor_in_the_logs"),
    Promise("train_step", "train_step", "a frozen parameter stays frozen", "a_frozen_parameter_stays_frozen",
            "unfreezes_parameters"),
    Promise("train_step", "train_step", "metrics updated with (targets, predictions)", "train_step_updates_every_metric",
            "metric_arguments_swapped"),
    Promise("train_step", "test_step", "keys prefixed val_", "test_step_evaluates_without_changing_the_model",
            "test_step_without_prefix"),
    Promise("convnet", "Net.forward", "raw scores, not probabilities", "forward_matches_reference", "softmax_output"),
    Promise("convnet", "Net.forward", "[N, 2] for every N, N = 1 included", "forward_matches_reference",
            "squeeze_output"),
    Promise("linear_model", "forward", "same dtype as the inputs, float64 included", "forward_matches_reference",
            "forward_casts_to_float32"),
    Promise("linear_model", "forward", "x of any shape, shaped like x * w", "forward_matches_reference",
            "forward_flattens"),
    Promise("linear_model", "cost", "a 0-dim tensor for a one-element w too, not [1]", "cost_is_mean_squared_error",
            "cost_shaped_like_w"),
    Promise("linear_model", "cost", "a 0-dim tensor, not a Python float", "cost_is_mean_squared_error",
            "cost_returns_item"),
    Promise("linear_model", "cost", "float64 for float64 inputs", "cost_is_mean_squared_error",
            "cost_float32_accumulator"),
    Promise("linear_model", "cost", "mean, not sum", "cost_is_mean_squared_error", "cost_returns_sum"),
    Promise("linear_model", "gradient", "exactly w's shape, [1] for a [1] w", "gradient_matches_autograd",
            "gradient_always_0_dim"),
    Promise("linear_model", "gradient", "no autograd", "gradient_does_not_use_autograd", "gradient_uses_autograd"),
    Promise("linear_model", "gradient_descent", "no autograd in this file", "gradient_does_not_use_autograd",
            "descent_uses_autograd"),
    Promise("linear_model", "gradient_descent", "the final w shaped like w0", "gradient_descent_converges_on_the_notes_data",
            "descent_on_python_floats"),
    Promise("linear_model", "gradient_descent", "a list of Python floats", "gradient_descent_converges_on_the_notes_data",
            "costs_as_tensors"),
    Promise("linear_model", "gradient_descent", "epochs >= 0: 0 epochs gives w0 and no costs",
            "gradient_descent_converges_on_the_notes_data", "descent_needs_an_epoch"),
    Promise("linear_model", "gradient_descent", "the cost BEFORE each update", "gradient_descent_converges_on_the_notes_data",
            "costs_recorded_after_update"),
    Promise("linear_model", "gradient_descent", "w0 not changed in place", "inputs_are_not_modified",
            "w0_modified_in_place"),
    Promise("linear_model", "sgd", "a list of Python floats", "sgd_matches_reference_on_the_notes_data",
            "sgd_losses_as_tensors"),
    Promise("linear_model", "sgd", "one update per sample, in order", "sgd_matches_reference_on_the_notes_data",
            "sgd_full_batch"),
    Promise("encoding", "one_hot", "labels of any integer dtype, uint8 and int32 included", "one_hot_matches_reference",
            "index_not_long"),
    Promise("encoding", "one_hot", "uint8 labels are integer labels", "one_hot_matches_reference", "uint8_refused"),
    Promise("encoding", "one_hot", "float32 out", "one_hot_matches_reference", "returns_int_dtype"),
    Promise("encoding", "one_hot", "label k in column k", "one_hot_matches_reference", "off_by_one"),
    Promise("encoding", "one_hot", "an empty target gives an empty float32 [0, C]", "empty_input_gives_an_empty_result",
            "empty_target_max_crash"),
    Promise("encoding", "one_hot", "TypeError for bool labels", "bad_labels_get_a_clear_error", "only_checks_float"),
    Promise("encoding", "one_hot", "the dtype checked before the range", "bad_labels_get_a_clear_error",
            "range_checked_before_dtype"),
    Promise("encoding", "one_hot", "ValueError naming an out-of-range label", "bad_labels_get_a_clear_error",
            "no_range_check"),
    Promise("encoding", "one_hot", "the input is not modified", "input_is_not_modified", "unsqueeze_in_place"),
    Promise("encoding", "one_hot", "no Python loop over the labels", "one_hot_throughput", "python_loop"),
    Promise("encoding", "one_hot", "sized from num_classes", "one_hot_on_fresh_labels_and_classes",
            "ten_classes_of_the_notes"),
    Promise("encoding", "one_hot_along", "the class axis at dim", "one_hot_along_inserts_the_class_axis_at_dim",
            "along_ignores_dim"),
    Promise("encoding", "one_hot_along", "a negative dim counts from the end, as unsqueeze's",
            "one_hot_along_inserts_the_class_axis_at_dim", "negative_dim_insert"),
    Promise("resnet", "ResBlock.__init__", "conv without a bias", "resblock_has_the_notes_layers", "conv_bias"),
    Promise("resnet", "ResBlock.__init__", "Kaiming normal, not uniform", "resblock_initialisation", "kaiming_uniform"),
    Promise("resnet", "ResBlock.__init__", "Kaiming in fan_in mode", "resblock_initialisation", "kaiming_fan_out"),
    Promise("resnet", "ResBlock.__init__", "batch_norm.weight 0.5", "resblock_initialisation", "bn_weight_one"),
    Promise("resnet", "ResBlock.forward", "out the shape of x (padding 1)", "resblock_forward_matches_reference",
            "padding_zero"),
    Promise("resnet", "ResBlock.forward", "relu(batch_norm(conv(x))) + x, the skip outside the ReLU",
            "resblock_forward_matches_reference", "skip_inside_relu"),
    Promise("resnet", "NetResDeep.__init__", "the attribute self.n_chans1", "netresdeep_has_the_notes_layers",
            "no_n_chans1_attribute"),
    Promise("resnet", "NetResDeep.__init__", "blocks of n_chans1 channels, odd widths too",
            "netresdeep_has_the_notes_layers", "blocks_sized_for_eight_channels"),
    Promise("resnet", "NetResDeep.__init__", "resblocks an nn.Sequential", "netresdeep_has_the_notes_layers",
            "blocks_in_python_list"),
    Promise("resnet", "NetResDeep.__init__", "n_blocks DISTINCT blocks", "blocks_do_not_share_weights", "shared_blocks"),
    Promise("resnet", "NetResDeep.__init__", "fc1 is Linear(8 * 8 * n_chans1, 32) for any width",
            "netresdeep_on_a_fresh_width_and_depth", "fc1_sized_for_eight_channels"),
    Promise("resnet", "NetResDeep.forward", "float32 [N, 2] logits, N = 1 included", "netresdeep_forward_matches_reference",
            "squeeze_output"),
    Promise("resnet", "NetResDeep.forward", "the second max-pool", "netresdeep_forward_matches_reference",
            "no_final_pool"),
    Promise("evaluation", "validate", "each accuracy a Python float", "accuracy_is_counted_over_samples",
            "accuracy_as_tensor"),
    Promise("evaluation", "validate", "a loader is anything that yields (imgs, labels) batches",
            "accuracy_is_counted_over_samples", "total_from_the_dataset"),
    Promise("evaluation", "validate", "correct / total over samples, not the mean of batch accuracies",
            "accuracy_is_counted_over_samples", "mean_of_batch_accuracies"),
    Promise("evaluation", "validate", "a fraction in [0, 1]", "accuracy_is_counted_over_samples", "percentage"),
    Promise("evaluation", "validate", "argmax over dim 1", "accuracy_is_counted_over_samples", "argmax_dim0"),
    Promise("evaluation", "validate", "one accuracy for every loader, whatever its name", "accuracy_on_fresh_loaders",
            "names_the_notes_loaders"),
    Promise("evaluation", "validate", "the model in eval mode while evaluating", "model_is_in_eval_mode_while_evaluating",
            "no_eval"),
    Promise("evaluation", "validate", "no autograd graph", "no_autograd_graph_is_built", "no_no_grad"),
    Promise("evaluation", "validate", "the model's mode restored", "model_mode_is_restored", "leaves_eval_mode"),
    Promise("evaluation", "validate", "restored even if an error occurred", "model_mode_is_restored",
            "restore_not_in_finally"),
    Promise("evaluation", "validate", "ValueError naming an empty loader", "empty_loader_raises_value_error",
            "empty_loader_returns_zero"),
    Promise("evaluation", "validate", "imgs AND labels moved to device", "accuracy_is_counted_over_samples",
            "labels_not_moved"),
)

IDS = [f"{p.exercise}/{p.submission}" for p in PROMISES]
#: Exercises whose rows are still to be written: remove each name as its rows arrive.
NO_ROWS_YET: set[str] = set()


def _declared(promise: Promise) -> list[str]:
    """The checks the promise's submission declares it fails."""
    source = SUBMISSIONS / promise.exercise / f"{promise.submission}.py"
    docstring = ast.get_docstring(ast.parse(source.read_text())) or ""
    return [check for check, _outcome, _words in FAILS.findall(docstring)]


@pytest.mark.parametrize("promise", PROMISES, ids=IDS)
def test_the_check_holding_each_promise_exists(promise: Promise) -> None:
    checks = {c.name for c in checks_of(catalog.find(promise.exercise))}
    assert promise.check in checks, f"{promise.exercise} has no check '{promise.check}' (it has {sorted(checks)})"


@pytest.mark.parametrize("promise", PROMISES, ids=IDS)
def test_each_promise_has_a_wrong_submission_that_fails_its_check(promise: Promise) -> None:
    source = SUBMISSIONS / promise.exercise / f"{promise.submission}.py"
    assert source.is_file(), f"no wrong submission {source} breaking '{promise.promise}'"
    assert not promise.submission.startswith("correct_")
    assert promise.check in _declared(promise), (
        f"{source.name} must declare 'Fails: {promise.check} (<outcome>): <words>', the check holding "
        f"'{promise.promise}'; it declares {_declared(promise)}")


def test_every_exercise_has_its_promises_in_the_table() -> None:
    without = {e.name for e in catalog.available()} - {p.exercise for p in PROMISES} - NO_ROWS_YET
    assert not without, f"exercises with no row in PROMISES: {sorted(without)}; add a row per promise of their stubs"

