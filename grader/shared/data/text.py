"""An offline stand-in for the notes' novel (Pride and Prejudice): a short original English text.

The notes read Jane Austen's novel from Project Gutenberg; that file is not shipped here.
This passage was written for the grader, in the same manner, so that it holds what the
notes' text encoding meets in the novel: capitals, sentence punctuation, dialogue in curly
quotes (“ ” ’), Gutenberg's _underscored_ italics, hyphenated and apostrophised words,
"--" dashes, blank lines between paragraphs, and a few non-ASCII letters (é, ï).
"""

from __future__ import annotations

TITLE = "The Letter from Nethercote"

PASSAGE = """\
THE LETTER FROM NETHERCOTE

Chapter 1

It was a cold morning in early March when Miss Eleanor Hale received the letter
that was to unsettle the quiet order of her family’s days. She read it twice at the
breakfast-table, folded it with great care, and said nothing at all until her father
had finished his coffee.

“Papa,” said she at last, “Mrs. Ashby writes that her nephew is come into the county,
and that he means to call on us before the week is out.”

“Her nephew!” cried Mr. Hale. “And what, pray, is her nephew to us? I have never seen
the young man; I am not acquainted with him, and I do not mean to be.”

“He has been three years abroad, in Lyon and in Paris, and Mrs. Ashby says his manners
are _very_ much improved by it.”

“Improved by Paris! Then I am sure I shall not like him. A young man who comes home
talking of the café and the opéra, and of some naïve fiancée he left behind him--no,
Eleanor, I will not have it.”

Chapter 2

Mrs. Hale, who had heard the whole of this from the door, was of quite another opinion.
She had five daughters, a small fortune, and a well-known dislike of being contradicted.

“My dear Mr. Hale,” said she, “you talk as if a visit were a misfortune. Consider: he
has four thousand a year, a house near Bath, and no sisters at all! If he is half so
agreeable as his aunt declares, we ought to think ourselves very lucky.”

“Lucky?” said he. “It is the first time I have heard four thousand a year called luck;
in my day it was called _prudence_.”

Eleanor laughed -- though she would not have owned it -- and her younger sisters, who
understood nothing of the matter but that a stranger was coming, began at once to
quarrel about which of them should wear the blue ribbons.
"""


def passage() -> str:
    """The whole text, lines separated by ``\\n``, as ``open(path, encoding='utf8').read()`` gives."""
    return PASSAGE


def lines() -> list[str]:
    """The text's lines, as the notes' ``text.split('\\n')`` gives them (blank lines included)."""
    return PASSAGE.split("\n")
