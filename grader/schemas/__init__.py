"""JSON Schemas (draft 2020-12) of the JSON files the grader writes, shipped with the package.

``results`` is ``results.json`` (one run, :mod:`grader.results`), ``gradebook`` is a batch's
``gradebook.json`` (:func:`grader.grade.export.gradebook_json`) and ``gradescope`` is
Gradescope's ``results.json`` (:func:`grader.grade.export.gradescope_results`). A tool that
reads these files can validate them against ``grader/schemas/<name>.schema.json``.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match
from referencing import Registry, Resource

#: The schemas, by the name :func:`load` and :func:`validate` take.
NAMES = ("results", "gradebook", "gradescope")


def load(name: str) -> dict[str, Any]:
    """The schema called ``name`` (one of :data:`NAMES`), as a dict."""
    if name not in NAMES:
        raise ValueError(f"No schema named {name!r}; the schemas are {', '.join(NAMES)}")
    return json.loads(resources.files(__package__).joinpath(f"{name}.schema.json").read_text(encoding="utf-8"))


def validate(name: str, document: Any) -> None:
    """Raise :class:`jsonschema.ValidationError`, the most telling error, unless ``document`` follows ``name``."""
    error = best_match(_validator(name).iter_errors(document))
    if error is not None:
        raise error


@functools.cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    schemas = {other: load(other) for other in NAMES}
    # One schema may refer to another by its $id (gradebook's results); nothing is fetched.
    registry = Registry().with_resources((schema["$id"], Resource.from_contents(schema)) for schema in schemas.values())
    return jsonschema.Draft202012Validator(schemas[name], registry=registry)
