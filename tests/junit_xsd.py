"""The Jenkins xUnit plugin's JUnit schema (``tests/data/junit-10.xsd``), for tests that validate JUnit XML."""

from __future__ import annotations

from pathlib import Path

import xmlschema

JUNIT_XSD = xmlschema.XMLSchema10(Path(__file__).parent / "data" / "junit-10.xsd")


def assert_valid_junit(document: str | Path) -> None:
    """Fail, with the schema's reason, unless ``document`` (XML text or a file) is valid under junit-10.xsd."""
    source = str(document) if isinstance(document, Path) else document
    JUNIT_XSD.validate(source)
