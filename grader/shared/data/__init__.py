"""Offline data sets the grader ships: seeded stand-ins with the shapes the notes use."""
