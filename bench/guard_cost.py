"""The output guard's cost in a cold build: the CPU it takes to read the built site once.

The guard reads each page where it is rendered, in the worker or the main process, inside the
render phase (pipeline/rendering.py), so `build -v` has no phase of its own to show for it. Its
cost is measured here instead: the project's records loaded and checked as a build does, the
guard made from them (pipeline/guarding.reader), and every file under site/ read by it once,
timed in CPU seconds. bench/run.py divides it by the cold build's CPU (the whole process tree).

    python bench/guard_cost.py PROJECT    # prints the seconds
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from portalgen.content import loading, validating  # noqa: E402
from portalgen.pipeline import guarding  # noqa: E402


def guard_seconds(project: Path) -> float:
    """CPU seconds for the guard to read every file of project/site (0 when no name is protected)."""
    records, _ = validating.validate(loading.load(project))
    keeper = guarding.reader(records)
    site = project / "site"
    files = [(path.relative_to(site).as_posix(), path.read_bytes()) for path in sorted(site.rglob("*"))
             if path.is_file()]
    if keeper is None:
        return 0.0
    started = time.process_time()
    for path, data in files:
        keeper.check_file(path, data)  # every file, whatever it finds (check_all stops at a cap)
    return time.process_time() - started


if __name__ == "__main__":
    print(f"{guard_seconds(Path(sys.argv[1])):.3f}")
