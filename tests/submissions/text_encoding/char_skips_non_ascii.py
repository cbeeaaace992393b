"""Mistake: leaves the row of a non-ASCII character empty instead of putting its 1.0 in column 0.

Fails: char_one_hot_matches_reference (failed): leaving the rows of non-ASCII characters empty
"""
import torch

PUNCTUATION = '.,;:"!?”“_-'

def clean_words(text):
    words = [word.strip(PUNCTUATION) for word in text.lower().split()]
    return [word for word in words if word]

def char_one_hot(line):
    letter_t = torch.zeros(len(line), 128)
    for i, letter in enumerate(line.lower()):
        if ord(letter) < 128:
            letter_t[i][ord(letter)] = 1
    return letter_t

def word_index(words):
    return {word: i for (i, word) in enumerate(sorted(set(words)))}

def words_one_hot(words, index):
    word_t = torch.zeros(len(words), len(index))
    for i, word in enumerate(words):
        word_t[i][index[word]] = 1
    return word_t
