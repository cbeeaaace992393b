"""Who copied: identical submissions, and per exercise the pairs of students whose modules are alike.

Identical submissions are those with one content hash (:func:`identical_to`); a batch grades
them once. Similar ones are found by fingerprinting each student's ``<exercise>.py``: the
module is read as bytes through the same intake as grading (:func:`~grader.grade.archive.stage`,
never imported), normalised with :mod:`tokenize` (names the student chose become one
placeholder, comments, docstrings and layout are dropped; keywords, builtins, attribute and
keyword-argument names, numbers and operators stay, since an independent solution differs in
them), and fingerprinted with ``copydetect`` (the k-gram fingerprints of winnowing, the technique
MOSS uses; every k-gram is kept, see :func:`_fingerprint`). The handed-out stub (``exercises/<exercise>.py``) is boilerplate: what a student shares with it
counts for nothing. A pair's score is the larger of the two shares, the part of one module's
own code found in the other.
"""

from __future__ import annotations

import builtins
import functools
import io
import itertools
import keyword
import logging
import shutil
import tempfile
import tokenize
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import catalog
from grader.check.run import UsageError
from grader.grade.archive import Rejected, stage
from grader.grade.gradebook import Run
from grader.references import PROJECT_DIR
from grader.shared.limits import Limits
from grader.visible import visible_name

log = logging.getLogger(__name__)

#: Where the stubs students start from are: the boilerplate of each exercise.
STUBS_DIR = PROJECT_DIR / "exercises"
#: Length of a fingerprinted k-gram, in tokens: a match shorter than this is noise.
NOISE_TOKENS = 14
#: A pair is flagged when one module has at least this share of its own code in the other.
#: Measured on tests/submissions (tests/test_similarity.py): the 66 pairs among the independent
#: correct variants of the 18 exercises (solutions/ and the correct_*.py files) score 0.32 in the
#: median and 0.68 at most (linear_model's correct_dot_product and correct_notes_loops); their 58
#: copies with every name renamed, the functions and classes in reverse order, the code laid out
#: anew and a comment every third line score 0.98 in the median and 0.84 at least (classifier's
#: solution). 0.75 lies between. Of the k-gram lengths tried (10 to 18 tokens), 12 and 14 kept the
#: two apart the widest (0.16); 14 scores the independent pairs lower.
THRESHOLD = 0.75
#: Nor is a pair flagged that shares fewer tokens than this: two partial submissions that each
#: filled in the same one-line function, as the notes write it, are alike in all they hold and
#: still no sign of copying. Such a line matches 44 tokens: its 18 and the 13 of the stub on each
#: side that its k-grams reach. The smallest of the 58 copies above matches 70.
MIN_MATCHED_TOKENS = 60
#: Pairs listed for each exercise below the threshold, the closest first, to show how near they came.
CONTEXT_PAIRS = 3
#: Pairs a report page shows side by side for each exercise (similarity.csv lists them all), and
#: characters of each module it shows.
SHOWN_PAIRS, SHOWN_CHARS = 20, 20_000
#: A module larger than this is not compared (a reference module is a few kilobytes).
MAX_MODULE_BYTES = 256 * 1024

_BUILTINS = frozenset(dir(builtins))
_SKIPPED_TOKENS = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER})
_STATEMENT_ENDS = frozenset({tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT})
# Python 3.12 reads an f-string as parts, from FSTRING_START to FSTRING_END; earlier ones as one STRING.
_FSTRING_START, _FSTRING_END = getattr(tokenize, "FSTRING_START", -1), getattr(tokenize, "FSTRING_END", -1)
_STRING_START = frozenset({tokenize.STRING, _FSTRING_START})
_PLACEHOLDER = "V"


@dataclass(frozen=True)
class Module:
    """One student's module of one exercise, as its text."""

    student: str
    exercise: str
    text: str


@dataclass(frozen=True)
class Pair:
    """Two students' modules of one exercise and how alike they are."""

    exercise: str
    students: tuple[str, str]
    #: For each module, the part of its own code (not the stub's) found in the other.
    shares: tuple[float, float]
    #: Tokens of the smaller side covered by the matches.
    matched_tokens: int
    #: For each module, the ``(start, end)`` character ranges of its text that match the other.
    spans: tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]

    @property
    def score(self) -> float:
        return max(self.shares)

    @property
    def flagged(self) -> bool:
        return _flags(self.score, self.matched_tokens)


@dataclass
class SimilarityReport:
    """Per exercise, the flagged pairs and the closest others; the texts they need; what was not compared."""

    exercises: list[str]
    pairs: list[Pair] = field(default_factory=list)
    #: Modules compared per exercise.
    compared: dict[str, int] = field(default_factory=dict)
    #: The text of each module a listed pair names, by ``(exercise, student)``.
    texts: dict[tuple[str, str], str] = field(default_factory=dict)
    #: Why a module was not compared, for the instructor (names already made visible).
    notes: list[str] = field(default_factory=list)
    threshold: float = THRESHOLD
    min_matched_tokens: int = MIN_MATCHED_TOKENS
    shown_pairs: int = SHOWN_PAIRS

    def pairs_of(self, exercise: str) -> list[Pair]:
        return [p for p in self.pairs if p.exercise == exercise]

    @property
    def flagged(self) -> list[Pair]:
        return [p for p in self.pairs if p.flagged]

    def segments(self, pair: Pair, side: int) -> list[tuple[str, bool]]:
        """One side's module (its first :data:`SHOWN_CHARS`) as ``(text, matches the other)`` runs, to show."""
        text = self.texts[(pair.exercise, pair.students[side])][:SHOWN_CHARS]
        runs, at = [], 0
        for start, end in pair.spans[side]:
            if start > at:
                runs.append((text[at:start], False))
            runs.append((text[max(start, at):end], True))
            at = max(at, end)
        if at < len(text):
            runs.append((text[at:], False))
        return [(part, matched) for part, matched in runs if part]

    def cut(self, pair: Pair, side: int) -> int:
        """Characters of one side's module that :meth:`segments` leaves out."""
        return max(0, len(self.texts[(pair.exercise, pair.students[side])]) - SHOWN_CHARS)


def identical_to(runs: list[Run]) -> dict[str, list[str]]:
    """Each graded student whose submission has the content hash of others', with those others' names."""
    by_hash: dict[str, list[str]] = {}
    for run in runs:
        if run.status == "graded":
            by_hash.setdefault(run.content_hash, []).append(run.student)
    return {student: [other for other in group if other != student]
            for group in by_hash.values() if len(group) > 1 for student in group}


def find_similar(root: Path, exercises: list[str], limits: Limits) -> tuple[SimilarityReport, list[str]]:
    """The similarity report of every submission under ``root``, and a note for each entry there that is none.

    Every exercise is compared when ``exercises`` is empty.
    """
    from grader.grade.batch import discover  # the batch imports this module to report on each batch

    if not Path(root).is_dir():
        raise UsageError(f"No submissions folder at '{root}'. Pass the folder holding one folder or .zip per student.")
    try:
        names = [e.name for e in catalog.select(exercises)]
    except catalog.UnknownExercise as exc:
        raise UsageError(str(exc)) from None
    submissions, skipped = discover(Path(root), limits)
    return similarity_report(((s.student, s.path) for s in submissions), names, limits), skipped


def similarity_report(submissions: Iterable[tuple[str, Path]], exercises: list[str],
                      limits: Limits) -> SimilarityReport:
    """Compare the modules of ``exercises`` across ``submissions``, each a student and a folder or ``.zip``."""
    modules, notes = read_modules(submissions, exercises, limits)
    report = compare(modules, exercises)
    report.notes[:0] = notes
    return report


def read_modules(submissions: Iterable[tuple[str, Path]], exercises: list[str],
                 limits: Limits) -> tuple[list[Module], list[str]]:
    """Each student's ``<exercise>.py`` as text, taken in as grading takes it in; a note for each one left out."""
    modules, notes = [], []
    with tempfile.TemporaryDirectory(prefix="grader-similarity-") as scratch:
        for number, (student, path) in enumerate(submissions):
            try:
                folder = stage(path, Path(scratch) / str(number), limits)
            except Rejected as rejected:
                notes.append(f"{visible_name(student)}: not compared, the submission was rejected: {rejected.reason}")
                continue
            except Exception as exc:  # one submission that cannot be read stops nobody else's comparison
                log.warning("could not take in %r to compare it", path, exc_info=True)
                notes.append(f"{visible_name(student)}: not compared, the grader could not take the submission in "
                             f"({visible_name(type(exc).__name__)})")
                continue
            for exercise in exercises:
                shown = f"{visible_name(student)}'s {exercise}.py"
                try:
                    text = _read_module(folder / f"{exercise}.py", shown, notes)
                except OSError as exc:
                    notes.append(f"{shown}: not compared, it could not be read ({visible_name(exc.strerror or '')})")
                    continue
                if text is not None:
                    modules.append(Module(student, exercise, text))
            shutil.rmtree(folder, ignore_errors=True)
    return modules, notes


def _read_module(path: Path, shown: str, notes: list[str]) -> str | None:
    """The module's text, or ``None`` (with a note unless it is absent) when it is no text to compare."""
    if not path.is_file() or path.is_symlink():
        return None
    with open(path, "rb") as handle:
        data = handle.read(MAX_MODULE_BYTES + 1)
    if len(data) > MAX_MODULE_BYTES:
        notes.append(f"{shown}: not compared, larger than {MAX_MODULE_BYTES // 1024} KB")
        return None
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        notes.append(f"{shown}: not compared, its bytes are not text in the encoding it declares (UTF-8 by default)")
        return None


def compare(modules: list[Module], exercises: list[str]) -> SimilarityReport:
    """Every pair of students' modules of each exercise, scored; the report keeps the flagged and the closest."""
    report = SimilarityReport(list(exercises))
    for exercise in exercises:
        mine = sorted((m for m in modules if m.exercise == exercise), key=lambda m: m.student)
        try:
            pairs = _closest_pairs(exercise, mine)
        except Exception:  # the grades and every other exercise's comparison still stand
            log.exception("could not compare the modules of %s", exercise)
            report.notes.append(f"{exercise}: not compared, the grader failed comparing its modules (see its log)")
            continue
        report.compared[exercise] = len(mine)
        report.pairs.extend(pairs)
        texts = {m.student: m.text for m in mine}
        for pair in pairs:
            for student in pair.students:
                report.texts[(exercise, student)] = texts[student]
    return report


def _closest_pairs(exercise: str, modules: list[Module]) -> list[Pair]:
    """The flagged pairs of ``modules`` and the :data:`CONTEXT_PAIRS` closest others, the most alike first."""
    boilerplate = _boilerplate(exercise)
    prints = [_fingerprinted(module.text, boilerplate) for module in modules]
    pairs, closest = [], 0
    for first, second, shares, matched, slices in sorted(_scores(prints), key=lambda s: (-max(s[2]), s[0], s[1])):
        if not _flags(max(shares), matched):
            if closest == CONTEXT_PAIRS:
                continue
            closest += 1
        spans = (_char_spans(slices[0], prints[first][0]), _char_spans(slices[1], prints[second][0]))
        pairs.append(Pair(exercise, (modules[first].student, modules[second].student), shares, matched, spans))
    return pairs


def _flags(score: float, matched_tokens: int) -> bool:
    return score >= THRESHOLD and matched_tokens >= MIN_MATCHED_TOKENS


def _fingerprinted(text: str, boilerplate: frozenset[int]) -> tuple[list[tuple[int, int]], Any]:
    """Each token's place in ``text``, and the fingerprints of the module."""
    tokens, spans = normalise(text)
    return spans, _fingerprint(tokens, boilerplate)


def _scores(prints: list[tuple[list[tuple[int, int]], Any]]) -> Iterator[tuple[int, int, tuple[float, float], int, Any]]:
    """``(first, second, shares, matched tokens, copydetect's slices)`` of each pair of modules that share code."""
    from copydetect import compare_files

    for (first, (_, first_print)), (second, (_, second_print)) in itertools.combinations(enumerate(prints), 2):
        if not first_print.hashes or not second_print.hashes:
            continue  # nothing of its own beyond the stub
        overlap, shares, slices = compare_files(first_print, second_print)
        if overlap:
            matched = min(int((side[1] - side[0]).sum()) for side in slices)
            yield first, second, (float(shares[0]), float(shares[1])), matched, slices


def _char_spans(slices: Any, token_spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Token ranges ``[start, end)`` of the normalised text as character ranges of the module, merged."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(zip(slices[0].tolist(), slices[1].tolist())):
        chars = (token_spans[start][0], token_spans[min(end, len(token_spans)) - 1][1])
        if merged and chars[0] <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], chars[1]))
        else:
            merged.append(chars)
    return tuple(merged)


def _fingerprint(tokens: str, boilerplate: frozenset[int] = frozenset()) -> Any:
    """The k-gram fingerprints of a normalised module, less those it shares with the stub.

    The stub's are removed here rather than by ``CodeFingerprint(boilerplate=...)``, which (in
    copydetect 0.5) also drops a module's own repeated k-grams, since it intersects fingerprints
    that are not unique as if they were.
    """
    from copydetect import CodeFingerprint  # imported when used: it imports matplotlib.pyplot
    from copydetect.utils import get_token_coverage

    # A window of 1 keeps every k-gram. copydetect hashes k-grams with Python's hash(), salted per
    # process, so with a wider window the fingerprints kept, and the scores, would change from one
    # run to the next (measured: the lowest copy's score went from 0.73 to 0.80 across seeds).
    fingerprint = CodeFingerprint("module.py", NOISE_TOKENS, 1, filter=False, fp=io.StringIO(tokens))
    if boilerplate:
        fingerprint.hash_idx = {h: at for h, at in fingerprint.hash_idx.items() if h not in boilerplate}
        fingerprint.hashes = set(fingerprint.hash_idx)
        fingerprint.token_coverage = get_token_coverage(fingerprint.hash_idx, NOISE_TOKENS, len(tokens))
    return fingerprint


@functools.cache
def _boilerplate(exercise: str) -> frozenset[int]:
    """Every fingerprint of the exercise's stub (none when it has no stub)."""
    stub = STUBS_DIR / f"{exercise}.py"
    if not stub.is_file():
        return frozenset()
    return frozenset(_fingerprint(normalise(stub.read_text(encoding="utf-8"))[0]).hashes)


def normalise(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The module as one character per token, and each token's ``(start, end)`` in ``text``.

    Names the student chose read as one placeholder; comments, docstrings (any statement that is
    only a string), blank lines and spacing are dropped; other strings read as one placeholder.
    Code the tokenizer cannot read to its end is normalised up to there.
    """
    # Rows as the tokenizer counts them: split at "\n" alone (str.splitlines also splits at \r, \x0c...).
    starts = list(itertools.accumulate((len(line) + 1 for line in text.split("\n")), initial=0))

    def offset(position: tuple[int, int]) -> int:
        row, column = position
        return starts[min(row - 1, len(starts) - 1)] + column

    tokens = _tokens(text)
    words, spans = [], []
    statement_start, depth, previous = True, 0, ""
    signature: int | None = None  # the bracket depth of the def or lambda whose parameters are being read
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type in _SKIPPED_TOKENS:
            index += 1
            continue
        if token.type in _STRING_START:
            end = _string_end(tokens, index)
            following = tokens[end] if end < len(tokens) else None
            if statement_start and (following is None or following.type in (tokenize.NEWLINE, tokenize.ENDMARKER)):
                index = end + 1  # a statement that is only a string: a docstring, or a comment written as one
                continue
            words.append("S")
            spans.append((offset(token.start), offset(tokens[end - 1].end)))
            statement_start, previous, index = False, "S", end
            continue
        word = _word(token, tokens[index + 1] if index + 1 < len(tokens) else None, previous, depth,
                     signature is not None)
        if token.string in ("def", "lambda") and token.type == tokenize.NAME:
            signature = depth
        elif token.type == tokenize.OP:
            if token.string == ":" and depth == signature:
                signature = None
            depth = depth + 1 if token.string in "([{" else max(0, depth - 1) if token.string in ")]}" else depth
        words.append(word)
        spans.append((offset(token.start), offset(token.end)))
        statement_start = token.type in _STATEMENT_ENDS
        previous = token.string
        index += 1
    return "".join(map(_letter, words)), spans


def _tokens(text: str) -> list[tokenize.TokenInfo]:
    tokens = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            tokens.append(token)
    except (tokenize.TokenError, SyntaxError):
        pass  # unfinished code (an open bracket, a bad dedent) is compared as far as it reads
    return tokens


def _string_end(tokens: list[tokenize.TokenInfo], index: int) -> int:
    """The index just past the string starting at ``index``: adjacent strings and f-strings' parts taken together."""
    nesting = 0
    while index < len(tokens):
        kind = tokens[index].type
        if kind == _FSTRING_START:
            nesting += 1
        elif kind == _FSTRING_END:
            nesting -= 1
        elif nesting == 0 and kind not in (tokenize.STRING, tokenize.NL, tokenize.COMMENT):
            break
        index += 1
    return index


def _word(token: tokenize.TokenInfo, following: tokenize.TokenInfo | None, previous: str, depth: int,
          signature: bool) -> str:
    """What a token reads as: a name the student chose is the placeholder, the rest itself."""
    if token.type == tokenize.NEWLINE:
        return ";"
    if token.type == tokenize.INDENT:
        return "{"
    if token.type == tokenize.DEDENT:
        return "}"
    if token.type != tokenize.NAME:
        return token.string
    chosen_elsewhere = (keyword.iskeyword(token.string) or token.string in _BUILTINS or previous == "."
                        or (depth > 0 and not signature and following is not None and following.string == "="))
    return token.string if chosen_elsewhere else _PLACEHOLDER


@functools.lru_cache(maxsize=65536)
def _letter(word: str) -> str:
    """One character standing for ``word``: fingerprints count tokens, not the letters of names."""
    return chr(0x10000 + zlib.crc32(word.encode("utf-8", "surrogatepass")) % 0xE0000)
