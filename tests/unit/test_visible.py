"""grader/visible.py: every character that acts or hides in student text is shown, and nothing else changes."""

from __future__ import annotations

import os

import pytest

from grader.visible import visible_name, visible_text


@pytest.mark.parametrize(("text", "shown"), [
    ("\x1b[2Jclear", "\\x1b[2Jclear"),  # a terminal escape
    ("bell\x07", "bell\\x07"),
    ("nul\x00", "nul\\x00"),
    ("del\x7f", "del\\x7f"),
    ("next\x85line", "next\\x85line"),  # a C1 control
    ("evil\u202egpj.exe", "evil<U+202E>gpj.exe"),  # right-to-left override
    ("\u2066isolate\u2069", "<U+2066>isolate<U+2069>"),
    ("al\u200bice", "al<U+200B>ice"),  # zero-width space: two names that look alike
    ("\ufeffbom", "<U+FEFF>bom"),
    ("hangul\u3164filler", "hangul<U+3164>filler"),  # blank, yet not a format character
    ("line\u2028separator", "line<U+2028>separator"),
    ("private\ue000use", "private<U+E000>use"),
    ("unassigned\U000e0fff", "unassigned<U+E0FFF>"),
])
def test_acting_and_invisible_characters_are_shown_as_escapes(text, shown):
    assert visible_name(text) == shown and visible_text(text) == shown


@pytest.mark.parametrize("text", ["alice", "Zoë Müller", "张伟", "Ольга", "naïve café", "emoji 🎓", "a b"])
def test_names_people_write_are_left_as_they_are(text):
    assert visible_name(text) == text


def test_a_name_is_kept_on_one_line_and_a_message_keeps_its_lines_and_tabs():
    assert visible_name("a\nb\tc\r") == "a\\x0ab\\x09c\\x0d"
    assert visible_text("a\nb\tc\r") == "a\nb\tc\\x0d"


def test_bytes_a_file_name_could_not_decode_are_shown_as_those_bytes():
    name = os.fsdecode(b"caf\xe9-\xff.zip")
    assert visible_name(name) == "caf\\xe9-\\xff.zip"


def test_a_lone_surrogate_that_is_no_undecodable_byte_is_shown_by_its_code():
    assert visible_name("a\ud800b") == "a<U+D800>b"
