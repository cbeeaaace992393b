"""Reference for ``text_encoding``: characters and words of a text as one-hot tensors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
from torch import Tensor

#: The notes' punctuation, stripped from both ends of every word.
PUNCTUATION = '.,;:"!?”“_-'


def clean_words(text: str) -> list[str]:
    """The words of ``text``: lowercased, split on whitespace, punctuation stripped from their ends, none empty."""
    words = (word.strip(PUNCTUATION) for word in text.lower().split())
    return [word for word in words if word]


def char_one_hot(line: str) -> Tensor:
    """Float32 [len(line), 128]: row i one-hot at the lowercased ASCII code of line[i], column 0 if not ASCII."""
    codes = torch.tensor([ord(char.lower()) if ord(char) < 128 else 0 for char in line], dtype=torch.long)
    return torch.zeros(len(line), 128).scatter_(1, codes.unsqueeze(1), 1.0)


def word_index(words: Sequence[str]) -> dict[str, int]:
    """Each distinct word mapped to its position in alphabetical order: 0, 1, ..."""
    return {word: i for i, word in enumerate(sorted(set(words)))}


def words_one_hot(words: Sequence[str], index: Mapping[str, int]) -> Tensor:
    """Float32 [len(words), len(index)]: row i one-hot at ``index[words[i]]``; an unknown word raises KeyError."""
    for word in words:
        if word not in index:
            raise KeyError(f"the word {word!r} is not in the index")
    columns = torch.tensor([index[word] for word in words], dtype=torch.long)
    return torch.zeros(len(words), len(index)).scatter_(1, columns.unsqueeze(1), 1.0)
