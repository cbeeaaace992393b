"""The kit a check author uses: everything a ``grader/checks/test_<exercise>.py`` needs.

- :func:`check` marks a test as a graded check; :func:`fail` and :class:`Verdict` say why it
  did not pass; :func:`explaining` and :func:`hinting` word a failure better.
- :class:`Student` is the check's handle on the student's code, running in a worker.
- :mod:`expect` compares what came back with what is expected and names known mistakes.
- :func:`reference_of` is the one seam through which a check reaches a reference solution.
- :mod:`convergence` judges a trained model on held-out images; :mod:`training` judges a
  training run against the reference's; :mod:`throughput` times the student against the
  reference; :mod:`modules` builds and compares ``nn.Module`` states.
"""

from grader.judge import convergence, expect, modules, throughput, training
from grader.judge.core import Student, Verdict, check, explaining, fail, hinting
from grader.judge.reference import reference_of

__all__ = ["Student", "Verdict", "check", "convergence", "expect", "explaining", "fail", "hinting", "modules",
           "reference_of", "throughput", "training"]
