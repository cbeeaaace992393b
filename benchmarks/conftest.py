"""Benchmarks of the grader itself. Run with: pytest benchmarks --benchmark-json=benchmarks/results.json

Each figure that matters is a ratio measured within one run (this machine is noisy), stored in
the benchmark's ``extra_info``.
"""
