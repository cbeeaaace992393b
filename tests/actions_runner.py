"""How the GitHub Actions runner reads workflow commands from a step's log, for tests.

The rules of the runner's command parser (``ActionCommand.TryParseV2`` and ``TryParse``,
``ActionCommandManager.TryProcessCommand``): the log is read line by line (``\\n``, ``\\r\\n``
and a lone ``\\r`` all end a line); a line is a command if, after leading whitespace, it
starts with ``::NAME`` up to the next ``::``, or else if ``##[NAME`` appears anywhere in it
up to the next ``]``, where NAME (up to a space) is a registered command. After
``stop-commands`` with data TOKEN, every command is ignored until one named TOKEN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

REGISTERED = frozenset({"error", "warning", "notice", "debug", "group", "endgroup", "add-mask", "set-output",
                        "save-state", "set-env", "add-path", "add-matcher", "remove-matcher", "echo", "stop-commands"})


@dataclass
class Command:
    """One workflow command the runner acted on."""

    name: str
    properties: dict[str, str] = field(default_factory=dict)
    data: str = ""


def _unescape(text: str, mapping: dict[str, str]) -> str:
    for escaped, plain in mapping.items():
        text = text.replace(escaped, plain)
    return text


_DATA = {"%0D": "\r", "%0A": "\n", "%25": "%"}
_PROPERTY = {"%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ",", "%25": "%"}
_V1 = {"%3B": ";", "%0D": "\r", "%0A": "\n", "%5D": "]", "%25": "%"}


def _v2(line: str, registered: set[str]) -> Command | None:
    line = line.lstrip()
    if not line.startswith("::"):
        return None
    end = line.find("::", 2)
    if end < 0:
        return None
    info = line[2:end]
    name, _, properties = info.partition(" ")
    if name.lower() not in registered:
        return None
    command = Command(name)
    for pair in filter(None, properties.strip().split(",")):
        key, sep, value = pair.partition("=")
        if sep and key and value:
            command.properties[key] = _unescape(value, _PROPERTY)
    command.data = _unescape(line[end + 2:], _DATA)
    return command


def _v1(line: str, registered: set[str]) -> Command | None:
    start = line.find("##[")
    if start < 0:
        return None
    close = line.find("]", start)
    if close < 0:
        return None
    name, _, properties = line[start + 3:close].partition(" ")
    if name.lower() not in registered:
        return None
    command = Command(name)
    for pair in filter(None, properties.split(";")):
        key, sep, value = pair.partition("=")
        if sep and key and value:
            command.properties[key] = _unescape(value, _V1)
    command.data = _unescape(line[close + 1:], _V1)
    return command


def commands_in(log: str) -> list[Command]:
    """The commands the runner would act on in ``log``, ``stop-commands`` and its resume token included."""
    registered = set(REGISTERED)
    stopped: str | None = None
    acted = []
    for line in re.split(r"\r\n|\r|\n", log):
        command = _v2(line, registered) or _v1(line, registered)
        if command is None:
            continue
        if stopped is not None:
            if command.name.lower() == stopped.lower():
                registered.discard(stopped.lower())
                stopped = None
                acted.append(command)
            continue
        if command.name.lower() == "stop-commands":
            stopped = command.data
            registered.add(stopped.lower())
        acted.append(command)
    return acted
