"""Exercise ``text_encoding``: a text as tensors, character by character and word by word.

From the course notes 002, "text" (Pride and Prejudice): each character of a line becomes
a one-hot row of 128 ASCII codes; each word, once the text is cleaned, becomes a one-hot
row over the sorted vocabulary. The grader's own text (``grader/shared/data/text.py``) has what
a novel has: capitals, punctuation, curly quotes “ ” ’, and letters such as é.

Check your work with ``grader check text_encoding``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from torch import Tensor

#: The notes' punctuation: strip these from both ends of every word (not from inside it).
PUNCTUATION = '.,;:"!?”“_-'


def clean_words(text: str) -> list[str]:
    """The words of a text: lowercased, split on whitespace, punctuation stripped from their ends.

    In:  any string (a line, or a whole book with newlines).
    Out: a list of str, in the text's order, duplicates kept. Each word is a piece of
         ``text.lower().split()`` with the characters of ``PUNCTUATION`` removed from its
         start and its end (``word.strip(PUNCTUATION)``); punctuation inside a word stays
         ("well-known", "family’s", "him--no"). Pieces that were only punctuation
         (a lone "--" or "“") would become "": leave them out.

    Example (notes 002):
        clean_words('“Impossible, Mr. Bennet, impossible, when I am not acquainted with him')
        -> ['impossible', 'mr', 'bennet', 'impossible', 'when', 'i', 'am', 'not',
            'acquainted', 'with', 'him']

    Pitfalls: ``split(' ')`` keeps newlines inside words (``split()`` splits on any
    whitespace); ``string.punctuation`` is ASCII only, so it misses “ and ”; ``rstrip``
    alone leaves the opening quote; removing every punctuation character joins
    "well-known" into "wellknown"; the notes keep the empty word '' (index 0 of their
    dictionary) — here it is dropped.
    """
    raise NotImplementedError("clean_words: not implemented yet")


def char_one_hot(line: str) -> Tensor:
    """One-hot encode each character of a line over the 128 ASCII codes.

    In:  a string of L characters (possibly empty).
    Out: float32 [L, 128] (on the CPU); row i has a single 1.0, in column ``ord(c)`` of
         the character c = line[i] lowercased when it is ASCII (``ord(c) < 128``), and in
         column 0 when it is not (“, ”, ’, é ...). No character is skipped and the line is
         not stripped: row i is always line[i].

    Example (notes 002): the line above has 70 characters -> [70, 128]; its first row
    (“) has its 1.0 in column 0, its second (I, read as i) in column 105.

    Pitfalls: ``ord('“')`` is 8220, out of range for 128 columns: send it to column 0
    (the notes' ``ord(letter) if ord(letter) < 128 else 0``); the notes size the tensor
    with ``len(line)`` but loop over ``line.lower().strip()``, which shifts rows when the
    line starts with spaces; encoding ``line.encode()`` counts bytes, not characters.
    """
    raise NotImplementedError("char_one_hot: not implemented yet")


def word_index(words: Sequence[str]) -> dict[str, int]:
    """Number the distinct words in alphabetical order.

    In:  a sequence of words (e.g. ``clean_words(text)``), duplicates allowed. Do not
         change it.
    Out: a dict mapping each distinct word to its position in ``sorted(set(words))``:
         0, 1, ..., len(distinct words) - 1.

    Example (notes 002): ``{word: i for (i, word) in enumerate(sorted(set(words)))}``;
    word_index(['b', 'a', 'b']) -> {'a': 0, 'b': 1}.

    Pitfalls: numbering words in the order they first appear; ``enumerate(words)`` without
    removing duplicates (a repeated word gets its last position, and numbers are skipped);
    ``words.sort()`` sorts the caller's list in place.
    """
    raise NotImplementedError("word_index: not implemented yet")


def words_one_hot(words: Sequence[str], index: Mapping[str, int]) -> Tensor:
    """One-hot encode words over a vocabulary.

    In:  ``words``, a sequence of W words; ``index``, a dict from word to column, as
         ``word_index`` makes it (columns 0 .. len(index) - 1). Do not change either.
    Out: float32 [W, len(index)]; row i has a single 1.0, in column ``index[words[i]]``.
         No words give an empty [0, len(index)].

    Errors: a word that is not in ``index`` -> KeyError whose message contains that word
    (``index[word]`` raises exactly that).

    Example (notes 002): ``word_t = torch.zeros(len(words_in_line), len(word2index_dict))``
    then ``word_t[i][word2index_dict[word]] = 1`` for each word.

    Pitfalls: ``index.get(word, 0)`` silently turns an unknown word into word 0; a
    try/except that skips unknown words leaves a row of zeros; ``index.setdefault`` adds
    words to the caller's index; the tensor's width is the vocabulary's size, not W.
    """
    raise NotImplementedError("words_one_hot: not implemented yet")
