"""The checks: one pytest module per exercise, ``test_<exercise>.py``, run by the grader."""
