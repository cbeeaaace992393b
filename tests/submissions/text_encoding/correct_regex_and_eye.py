"""Correct: words split with re.split on whitespace runs, rows picked from identity matrices, the index from dict.fromkeys of the sorted words."""
import re

import torch

PUNCTUATION = '.,;:"!?”“_-'


def clean_words(text):
    pieces = re.split(r"\s+", text.strip().lower())
    return list(filter(None, (piece.strip(PUNCTUATION) for piece in pieces)))


def char_one_hot(line):
    codes = torch.tensor(list(map(ord, line)), dtype=torch.long)
    codes = torch.where(codes < 128, codes, torch.zeros_like(codes))
    capitals = (codes >= ord("A")) & (codes <= ord("Z"))
    codes = codes + 32 * capitals.long()
    return torch.eye(128)[codes]


def word_index(words):
    return {word: position for position, word in enumerate(dict.fromkeys(sorted(words)))}


def words_one_hot(words, index):
    columns = torch.tensor([index[word] for word in words], dtype=torch.long)
    return torch.eye(len(index))[columns]
