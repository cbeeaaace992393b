"""A worker started as a fresh process, where fork is not available (macOS, Windows).

Slower (each worker imports torch itself) and with weaker isolation than a worker
forked from the zygote; the grader says so once in its report.
"""

from __future__ import annotations

import json
import sys

from grader.shared.procs import set_parent_death_signal
from grader.worker.zygote import warm_up


def main() -> None:
    set_parent_death_signal()
    channel_fd, request = int(sys.argv[1]), json.loads(sys.argv[2])
    warm_up()
    from grader.worker.serve import child_main

    child_main(channel_fd, 1, request)


if __name__ == "__main__":
    main()
