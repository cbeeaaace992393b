"""Mistake: makes the tensor len(words) wide instead of one column per vocabulary word.

Fails: words_one_hot_matches_reference (failed): a width of len(words)
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
    word_t = torch.zeros(len(words), len(words))
    for i, word in enumerate(words):
        word_t[i][index[word] % len(words)] = 1
    return word_t
