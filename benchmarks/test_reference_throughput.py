"""Throughput of the reference solutions themselves, so a regression in a reference shows up.

Every object ``grader bench`` measures, run in this process on the CPU (one thread) and on the
GPU where there is one. Stored as pytest-benchmark JSON:
    pytest benchmarks/test_reference_throughput.py --benchmark-json benchmarks/reference-throughput.json
"""

from __future__ import annotations

import importlib

import pytest
import torch

from grader.shared.speed import subjects

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", sorted(subjects()))
def test_reference_throughput(benchmark, name, device):
    torch.set_num_threads(1)
    subject = subjects()[name]
    target = subject.setup(importlib.import_module(f"solutions.{subject.exercise}"), device)
    inputs = subject.make_inputs(0, device)

    def one_call():
        subject.call(target, inputs)
        if device == "cuda":
            torch.cuda.synchronize()

    benchmark.extra_info["items_per_call"] = subject.items
    benchmark.pedantic(one_call, rounds=10, warmup_rounds=1, iterations=1)
