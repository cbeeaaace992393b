"""The GitHub Actions workflow the students' copy ships: it grades each push and pull request, and reports points.

It installs the CPU build of the torch that recorded the bundle's golden answers, grades with
``grader check --format classroom`` (annotations on the student's code, the job summary, and
the step output ``result`` that GitHub Classroom's reporter reads), hands that output to
``classroom-resources/autograding-grading-reporter`` (which posts the points as the
"Autograding complete" notice GitHub Classroom collects), and keeps the HTML report.

Hardened as zizmor and GitHub's guidance ask: the token may only read the repository (no step
needs more: the reporter writes its points as an annotation, not through the API), the
checkout keeps no credentials, and every action is pinned by the full SHA of its release
commit, the release named in a comment.
"""

from __future__ import annotations

from importlib import metadata

#: Actions by the commit of their release: (repository, SHA, release). Each SHA was read from
#: the release tag of the action's repository.
CHECKOUT = ("actions/checkout", "3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1")
SETUP_PYTHON = ("actions/setup-python", "5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0")
UPLOAD_ARTIFACT = ("actions/upload-artifact", "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0")
REPORTER = ("classroom-resources/autograding-grading-reporter", "d13b5912daf5042ac1b71bc38bdb4a6bcd61d8ca", "v1")
#: The id of the grading step: the reporter reads its result from ``<ID>_RESULTS`` and takes
#: only letters and digits in an id.
RUNNER_ID = "grader"
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"


def pinned(distribution: str) -> str:
    """The installed version of ``distribution`` without its build label (``2.14.1+cu130`` is ``2.14.1``)."""
    return metadata.version(distribution).split("+")[0]


def _uses(action: tuple[str, str, str]) -> str:
    repository, sha, release = action
    return f"{repository}@{sha} # {release}"


def render_workflow(torch_version: str, torchvision_version: str) -> str:
    """The workflow's YAML, installing these versions of torch and torchvision (CPU builds)."""
    return f"""# Grades ./exercises on every pull request and push: fails when a check fails, and reports
# the points to GitHub Classroom.
name: grader

on:
  pull_request:
  push:
    branches: [main]

permissions:
  contents: read

# A newer push to the same branch or pull request makes the run still grading the older one moot.
concurrency:
  group: ${{{{ github.workflow }}}}-${{{{ github.ref }}}}
  cancel-in-progress: true

jobs:
  check:
    # The name GitHub Classroom's own autograding job has.
    name: run-autograding-tests
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: {_uses(CHECKOUT)}
        with:
          persist-credentials: false
      - uses: {_uses(SETUP_PYTHON)}
        with:
          python-version: "3.11"
      - name: Install PyTorch (CPU build) and the grader
        run: |
          python -m pip install --upgrade pip
          pip install torch=={torch_version} torchvision=={torchvision_version} --index-url {TORCH_INDEX}
          pip install .
      - name: Grade the exercises
        id: {RUNNER_ID}
        run: grader check --format classroom --out reports --junit-xml reports/junit.xml
      - name: Report the points to GitHub Classroom
        if: always()
        uses: {_uses(REPORTER)}
        env:
          {RUNNER_ID.upper()}_RESULTS: ${{{{ steps.{RUNNER_ID}.outputs.result }}}}
        with:
          runners: {RUNNER_ID}
      - name: Keep the HTML report
        if: always()
        uses: {_uses(UPLOAD_ARTIFACT)}
        with:
          name: grader-report
          path: reports/
"""


WORKFLOW = render_workflow(pinned("torch"), pinned("torchvision"))
