"""Mistake: numbers the words in the order they first appear, not alphabetically.

Fails: word_index_numbers_distinct_words_alphabetically (failed): the order they first appear
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
    index = {}
    for word in words:
        if word not in index:
            index[word] = len(index)
    return index

def words_one_hot(words, index):
    word_t = torch.zeros(len(words), len(index))
    for i, word in enumerate(words):
        word_t[i][index[word]] = 1
    return word_t
