"""Mistake: raises ValueError for an unknown word where a dict lookup's KeyError is expected.

Fails: unknown_word_raises_key_error (failed): expected KeyError
"""
import torch

PUNCTUATION = '.,;:"!?”“_-'

def clean_words(text):
    words = [word.strip(PUNCTUATION) for word in text.lower().split()]
    return [word for word in words if word]

def char_one_hot(line):
    letter_t = torch.zeros(len(line), 128)
    for i, letter in enumerate(line):
        letter_index = ord(letter.lower()) if ord(letter) < 128 else 0
        letter_t[i][letter_index] = 1
    return letter_t

def word_index(words):
    return {word: i for (i, word) in enumerate(sorted(set(words)))}

def words_one_hot(words, index):
    word_t = torch.zeros(len(words), len(index))
    for i, word in enumerate(words):
        if word not in index:
            raise ValueError(f"unknown word {word}")
        word_t[i][index[word]] = 1
    return word_t
