"""text_encoding: its entry in the course (title, objects, limits and the thresholds its checks use, with the figures they were measured from)."""

from __future__ import annotations

from grader.shared.exercise import Exercise

EXERCISE = Exercise(
    name="text_encoding",
    title="Text as tensors: characters and words one-hot",
    notes="notes 002: text",
    objects=('clean_words', 'char_one_hot', 'word_index', 'words_one_hot'),
    order=11,
)
