"""Correct: the notes' loops, with their two slips fixed (no empty words, the line not stripped), and a check before each lookup."""
import torch


def clean_words(input_str):
    punctuation = '.,;:"!?”“_-'
    word_list = input_str.lower().split()
    word_list = [word.strip(punctuation) for word in word_list]
    return [word for word in word_list if word != ""]


def char_one_hot(line):
    letter_t = torch.zeros(len(line), 128)
    for i, letter in enumerate(line):
        letter_index = ord(letter) if ord(letter) < 128 else 0
        if 65 <= letter_index <= 90:
            letter_index += 32
        letter_t[i][letter_index] = 1
    return letter_t


def word_index(words):
    word_list = sorted(set(words))
    word2index_dict = {word: i for (i, word) in enumerate(word_list)}
    return word2index_dict


def words_one_hot(words, index):
    word_t = torch.zeros(len(words), len(index))
    for i, word in enumerate(words):
        if word not in index:
            raise KeyError(f"{word} is not a known word")
        word_index = index[word]
        word_t[i][word_index] = 1
    return word_t
