"""Text a student controls, made safe to show a person: every invisible or acting character shown.

A folder or archive name, an exception message or what the code printed may carry terminal
escape sequences (clear the screen, retitle the window), bidi controls that make ``evil.zip``
read as something else, or zero-width characters that make two names look alike. Each such
character is shown as a visible escape (``\\x1b``, ``<U+202E>``): :func:`visible_name` on one
line, :func:`visible_text` keeping line breaks and tabs. The raw text stays in the gradebook as
data; it is neutralised where it is shown.
"""

from __future__ import annotations

import unicodedata

# Shown as \xNN: C0 and C1 controls, DEL.
_CONTROLS = frozenset(range(0x20)) | frozenset(range(0x7F, 0xA0))
# Not in category Cf, yet invisible or blank where a name is read.
_INVISIBLE = frozenset({0x115F, 0x1160, 0x180E, 0x3164, 0xFFA0})


def visible_name(text: str) -> str:
    """``text`` on one line, each control, bidi, zero-width or unpaired surrogate character escaped."""
    return "".join(_shown(char) for char in text)


def visible_text(text: str) -> str:
    """``text`` as :func:`visible_name` shows it, but keeping its line breaks and tabs (a message, an output)."""
    return "".join(char if char in "\n\t" else _shown(char) for char in text)


def _shown(char: str) -> str:
    code = ord(char)
    if code in _CONTROLS:
        return f"\\x{code:02x}"
    if 0xD800 <= code <= 0xDFFF:  # a byte os.fsdecode could not decode
        return f"\\x{code - 0xDC00:02x}" if code >= 0xDC80 else f"<U+{code:04X}>"
    if code in _INVISIBLE or unicodedata.category(char) in ("Cf", "Zl", "Zp", "Co", "Cn"):
        return f"<U+{code:04X}>"
    return char
