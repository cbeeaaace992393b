"""Checks of ``text_encoding``: characters and words one-hot (notes 002, text)."""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from typing import Any

import torch

from grader.judge import expect
from grader.judge.core import Student, Verdict, check, explaining, fail
from grader.judge.reference import reference_of
from grader.shared.data.text import lines, passage
from grader.shared.outcome import Outcome

reference = reference_of("text_encoding")


#: The line of Pride and Prejudice the notes encode, and the words the notes print for it.
NOTES_LINE = "“Impossible, Mr. Bennet, impossible, when I am not acquainted with him"
NOTES_WORDS = ["impossible", "mr", "bennet", "impossible", "when", "i", "am", "not", "acquainted", "with", "him"]
P = reference.PUNCTUATION
NON_ASCII = ("a character whose code is 128 or more (“, ”, ’, é) must go to column 0, as the notes' "
             "`ord(letter) if ord(letter) < 128 else 0` does")


def _kept(words: list[str]) -> list[str]:
    return [w for w in words if w]


#: Plausible wrong versions of clean_words, by the mistake they make.
CLEAN_WORDS_MISTAKES: dict[str, Callable[[str], list[str]]] = {
    "keeping the words' case: lowercase the text first (text.lower())":
        lambda t: _kept([w.strip(P) for w in t.split()]),
    "keeping the empty words left by pieces made only of punctuation (like '--'): leave them out":
        lambda t: [w.strip(P) for w in t.lower().split()],
    "stripping only the end of each word (rstrip): strip both ends":
        lambda t: _kept([w.rstrip(P) for w in t.lower().split()]),
    "stripping only the start of each word (lstrip): strip both ends":
        lambda t: _kept([w.lstrip(P) for w in t.lower().split()]),
    "splitting on single spaces (split(' ')), which keeps newlines inside words: split() splits on any whitespace":
        lambda t: _kept([w.strip(P) for w in t.lower().split(" ")]),
    "removing punctuation inside words too ('well-known' became 'wellknown'): strip only the ends":
        lambda t: _kept(["".join(c for c in w if c not in P) for w in t.lower().split()]),
    "stripping string.punctuation, which is ASCII only (it misses “ and ”) and strips other characters too":
        lambda t: _kept([w.strip(string.punctuation) for w in t.lower().split()]),
    "splitting with a regular expression such as \\w+, which cuts words at apostrophes and hyphens":
        lambda t: re.findall(r"\w+", t.lower()),
}


def _describe_words(value: Any) -> str:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return f"a list of {len(value)} words"
    return expect.describe(value)


def _expect_words(value: Any, text: str, what: str) -> None:
    expected = reference.clean_words(text)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(f"{what} returned {_describe_words(value)}; expected a list of str")
    if value == expected:
        return
    matches = [mistake for mistake, wrong in CLEAN_WORDS_MISTAKES.items() if value == wrong(text)]
    if matches:
        raise fail(f"{what} differs from the expected words. It matches what " + ", or what ".join(matches) + " gives")
    first = next((i for i, (g, e) in enumerate(zip(value, expected)) if g != e), min(len(value), len(expected)))
    got = repr(value[first]) if first < len(value) else "nothing"
    want = repr(expected[first]) if first < len(expected) else "nothing"
    raise fail(f"{what} returned {len(value)} words; expected {len(expected)}. The first difference is word {first}: "
               f"got {got}, expected {want}", at=first)


@check(points=1, kind="correctness", hint="Lowercase, split() on whitespace, strip the notes' punctuation from both ends of each word.")
def test_clean_words_of_the_notes_line(student: Student) -> None:
    """clean_words gives the notes' eleven words for the notes' line"""
    value = student.call("clean_words", NOTES_LINE, what="clean_words(the notes' line)").result
    _expect_words(value, NOTES_LINE, "clean_words('“Impossible, Mr. Bennet, ...')")


@check(points=2, kind="correctness",
       hint="[w.strip(PUNCTUATION) for w in text.lower().split()], then keep the non-empty words; punctuation inside words stays.")
def test_clean_words_of_a_whole_text(student: Student) -> None:
    """clean_words on a text of several paragraphs, with quotes, dashes, italics and accents"""
    text = passage()
    value = student.call("clean_words", text, what="clean_words(text)").result
    _expect_words(value, text, "clean_words(the grader's text)")


def _char_mistakes(line: str) -> dict[str, torch.Tensor]:
    def encode(codes: list[int], rows: int | None = None) -> torch.Tensor:
        out = torch.zeros(len(codes) if rows is None else rows, 128)
        for i, code in enumerate(codes):
            if code is not None:
                out[i, code] = 1.0
        return out

    ascii_lower = [ord(c.lower()) if ord(c) < 128 else 0 for c in line]
    stripped = [ord(c) if ord(c) < 128 else 0 for c in line.lower().strip()]
    return {
        "keeping capitals: lowercase the line (capital I is column 73, i is 105)":
            encode([ord(c) if ord(c) < 128 else 0 for c in line]),
        "sending non-ASCII characters to column 127 instead of column 0": encode([min(ord(c.lower()), 127) for c in line]),
        "leaving the rows of non-ASCII characters empty: they belong in column 0":
            encode([code if ord(c) < 128 else None for c, code in zip(line, ascii_lower)]),
        "the notes' loop over line.lower().strip(), which shifts the rows when the line starts with spaces":
            encode(stripped, len(line)),
        "encoding the stripped line (line.strip()): every character of the line gets its row": encode(stripped),
        "encoding the UTF-8 bytes of the line (line.encode()) instead of its characters":
            encode([b if b < 128 else 0 for b in line.lower().encode()]),
    }


def _expect_char_one_hot(student: Student, line: str, what: str) -> None:
    with explaining("out of bounds", NON_ASCII):
        value = student.call("char_one_hot", line, what=what).result
    expect.tensor(value, reference.char_one_hot(line), what=what, mistakes=_char_mistakes(line))


@check(points=2, kind="correctness",
       hint="zeros(len(line), 128); row i gets a 1.0 at ord(c) of line[i] lowercased, or at 0 when ord(c) >= 128.")
def test_char_one_hot_matches_reference(student: Student) -> None:
    """char_one_hot gives [L, 128] rows, capitals lowercased and non-ASCII characters in column 0"""
    _expect_char_one_hot(student, NOTES_LINE, "char_one_hot(the notes' line of 70 characters)")
    for line in ("  “Lucky?” said he.  ", "", "Mrs. Hale’s café -- naïve!"):
        _expect_char_one_hot(student, line, f"char_one_hot({line!r})")
    for number, line in enumerate(lines()):
        if any(ord(c) >= 128 for c in line):
            _expect_char_one_hot(student, line, f"char_one_hot(line {number} of the grader's text)")


def _expect_index(value: Any, words: list[str], what: str) -> None:
    expected = reference.word_index(words)
    if not isinstance(value, dict) or not all(isinstance(k, str) and type(v) is int for k, v in value.items()):
        raise fail(f"{what} returned {expect.describe(value)}; expected a dict from each word (str) to its index (int)")
    if value == expected:
        return
    mistakes = {
        "numbering the words in the order they first appear instead of alphabetical order":
            {w: i for i, w in enumerate(dict.fromkeys(words))},
        "enumerate(words) without removing duplicates (a repeated word keeps its last position)":
            {w: i for i, w in enumerate(words)},
        "numbering from 1 instead of 0": {w: i + 1 for w, i in expected.items()},
    }
    named = next((f". It matches what {m} gives" for m, v in mistakes.items() if value == v), "")
    missing = sorted(set(expected) - set(value))
    extra = sorted(set(value) - set(expected))
    if missing or extra:
        raise fail(f"{what} has {len(value)} words; expected the {len(expected)} distinct ones"
                   + (f"; missing {missing[:5]}" if missing else "") + (f"; unexpected {extra[:5]}" if extra else "") + named)
    wrong = next(w for w in sorted(expected) if value[w] != expected[w])
    raise fail(f"{what} gives {wrong!r} the index {value[wrong]}; expected {expected[wrong]} "
               f"(its place in sorted(set(words))){named}")


@check(points=2, kind="correctness", hint="{word: i for i, word in enumerate(sorted(set(words)))}")
def test_word_index_numbers_distinct_words_alphabetically(student: Student) -> None:
    """word_index numbers each distinct word by its place in alphabetical order"""
    for words, what in ((NOTES_WORDS, "word_index(the notes' words)"),
                        (reference.clean_words(passage()), "word_index(the words of the grader's text)")):
        _expect_index(student.call("word_index", list(words), what=what).result, list(words), what)


def _expect_words_one_hot(student: Student, words: list[str], index: dict[str, int], what: str) -> None:
    value = student.call("words_one_hot", words, index, what=what).result
    expected = reference.words_one_hot(words, index)
    square = torch.zeros(len(words), len(words))
    expect.tensor(value, expected, what=what, mistakes={
        "a width of len(words) instead of the vocabulary's size len(index)": square,
        "rows and columns swapped ([len(index), len(words)])": expected.T,
    })


@check(points=2, kind="correctness",
       hint="torch.zeros(len(words), len(index)); row i gets a 1.0 in column index[words[i]].")
def test_words_one_hot_matches_reference(student: Student) -> None:
    """words_one_hot gives one row per word, one column per vocabulary word"""
    text_words = reference.clean_words(passage())
    index = reference.word_index(text_words)
    line_words = reference.clean_words("“Lucky?” said he. “It is the first time I have heard four thousand a year called luck;")
    _expect_words_one_hot(student, line_words, index, "words_one_hot(the words of a line, the text's index)")
    _expect_words_one_hot(student, NOTES_WORDS, reference.word_index(NOTES_WORDS),
                          "words_one_hot(the notes' words, their own index)")
    _expect_words_one_hot(student, [], index, "words_one_hot([], index)")


@check(points=2, kind="property",
       hint="Look words up with index[word]: an unknown word then raises KeyError naming it. Never give it a made-up column.")
def test_unknown_word_raises_key_error(student: Student) -> None:
    """words_one_hot raises KeyError naming a word that is not in the index"""
    index = reference.word_index(NOTES_WORDS)
    what = "words_one_hot(['mr', 'darcy'], index of the notes' words)"
    outcome = student.probe("common.raises", what=what, name="words_one_hot",
                            args=[["mr", "darcy"], index])
    expect.raised(outcome, "KeyError", what=what, mentions="darcy", should="contain the word 'darcy'",
                  why=" naming 'darcy': an unknown word must not become a row of zeros, word 0, or a new entry of "
                      "the index")


@check(points=1, kind="property",
       hint="sorted(set(words)) makes a new list; words.sort() sorts the caller's list, and index.setdefault adds to their dict.")
def test_arguments_are_not_modified(student: Student) -> None:
    """word_index and words_one_hot leave their word lists and index as they were"""
    words = ["pray", "what", "is", "her", "nephew", "to", "us"]
    index = reference.word_index(words + ["mr"])
    for name, args in (("word_index", [list(words)]), ("words_one_hot", [list(words), dict(index)])):
        call = student.call(name, *args, return_args=True, what=f"{name}()")
        if not isinstance(call.args_after, list) or len(call.args_after) != len(args):
            raise Verdict(Outcome.FORBIDDEN, f"{name}(): the worker's reply does not give back the arguments the grader "
                          "sent, so whether they were changed cannot be judged; the code tampered with the grader's worker")
        for given, after, label in zip(args, call.args_after, ("words", "index")):
            if after != given:
                raise fail(f"{name}() changed its argument '{label}': work on a copy (sorted(...) returns a new list)")


def _random_text(rng: torch.Generator) -> str:
    """Words of the grader's text with random case, punctuation, accents and spacing."""
    vocabulary = reference.clean_words(passage())
    openers, closers = ["", "", "“", "_", '"', "-"], ["", "", ",", ".", "!", "?", "”", ";", ":", "_", "--", "’"]
    spaces = ["  ", " ", " ", "\n", "\t", " -- "]

    def pick(options: list[str]) -> str:
        return options[int(torch.randint(len(options), (1,), generator=rng))]

    pieces = []
    for _ in range(60):
        word = pick(vocabulary)
        if bool(torch.rand(1, generator=rng) < 0.3):
            word = word.capitalize()
        if bool(torch.rand(1, generator=rng) < 0.1):
            word = word.replace("e", "é")
        pieces += [pick(openers), word, pick(closers), pick(spaces)]
    return "".join(pieces)


@check(points=2, kind="correctness", hidden=True,
       hint="Strip only the notes' punctuation, from both ends; lowercase; non-ASCII to column 0; alphabetical index.")
def test_all_functions_on_random_text(student: Student, rng: torch.Generator) -> None:
    """clean_words, char_one_hot, word_index and words_one_hot on a random text"""
    text = _random_text(rng)
    words = student.call("clean_words", text, what="clean_words(random text)").result
    _expect_words(words, text, "clean_words(a random text)")
    line = text.split("\n")[0]
    _expect_char_one_hot(student, line, "char_one_hot(a random line)")
    expected_words = reference.clean_words(text)
    index = student.call("word_index", expected_words, what="word_index(random words)").result
    _expect_index(index, expected_words, "word_index(the words of a random text)")
    _expect_words_one_hot(student, expected_words[:20], reference.word_index(expected_words),
                          "words_one_hot(20 random words, their index)")
