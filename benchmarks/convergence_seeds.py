"""Accuracy of the reference NetResDeep(8, 3) on the convergence check's budget, over 20 seeds.

The figures behind the catalog's resnet ``min_val_accuracy``. It runs the check's own training
probe on the reference, in this process: ``python benchmarks/convergence_seeds.py``.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import torch

from grader.catalog import find
from grader.shared.data.images import two_class_images
from grader.worker.context import ProbeContext, install_submission
from grader.worker.probes.resnet import predict, train

SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions"


def main(seeds: int = 20) -> None:
    torch.set_num_threads(1)
    install_submission(SOLUTIONS)
    context = ProbeContext(SOLUTIONS)
    budget = find("resnet").thresholds
    accuracies, seconds = [], []
    for seed in range(seeds):
        start = time.perf_counter()
        train(context, n_chans1=8, n_blocks=3, seed=seed, data_seed=1000 + seed,
              images=int(budget["train_images"]), epochs=int(budget["epochs"]), lr=1e-2)
        seconds.append(time.perf_counter() - start)
        images, labels = two_class_images(int(budget["val_images"]), 5000 + seed)
        accuracies.append(float((predict(context, images).argmax(1) == labels).float().mean()))
    print(f"accuracy min {min(accuracies):.3f} median {statistics.median(accuracies):.3f} max {max(accuracies):.3f}")
    print(f"seconds per run min {min(seconds):.2f} median {statistics.median(seconds):.2f} max {max(seconds):.2f}")


if __name__ == "__main__":
    main()
