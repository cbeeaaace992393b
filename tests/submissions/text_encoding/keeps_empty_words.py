"""Mistake: the notes' clean_words as it is: pieces made only of punctuation (a lone '--') become the empty word ''.

Fails: clean_words_of_a_whole_text (failed): keeping the empty words
"""
import torch

PUNCTUATION = '.,;:"!?”“_-'

def clean_words(input_str):
    punctuation = '.,;:"!?”“_-'
    word_list = input_str.lower().split()
    word_list = [word.strip(punctuation) for word in word_list]
    return word_list

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
        word_t[i][index[word]] = 1
    return word_t
