"""portalgen's benchmark, against Hugo in the same run.

    python bench/run.py                       # 10,000 feedback items
    python bench/run.py --feedback 1000 10000 50000
    python bench/run.py --feedback 10000 --no-serve --no-hugo

For each size it generates a synthetic portal deterministically (bench/generate.py), then
measures, each as a separate `portalgen build` process:
  cold build          empty cache, no previous site
  no-change rebuild   nothing edited since the last build
  one-edit rebuild    one feedback file edited (CLI), after one warm-up edit as in an editing session
  save-to-page        under `portalgen serve`: from saving a file to the page serving the change
  peak memory         largest resident set of the cold build (main process; workers are forks)
and builds the same Markdown with Hugo (Debian package `hugo`) using a minimal equivalent
layout (bench/hugo_site.py), cold and after the same edit. Results go to a table on stdout and
to bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from generate import generate  # noqa: E402
from hugo_site import make_hugo_project  # noqa: E402


def run(cmd: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one command."""
    started = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{stderr}")
    return seconds, usage.ru_maxrss


def edit(path: Path, n: int) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\nBenchmark edit {n}.\n", encoding="utf-8")


def portalgen_cmd(project: Path) -> list[str]:
    return [sys.executable, "-m", "portalgen", "build", str(project)]


def bench_size(n: int, work: Path, repeat: int, serve: bool, hugo: bool) -> dict[str, float]:
    project = work / f"portal-{n}"
    if project.exists():
        shutil.rmtree(project)
    generate(project, n)
    target = sorted((project / "content" / "feedback").rglob("*.md"))[n // 2]
    results: dict[str, float] = {}

    colds, mems = [], []
    for _ in range(repeat):
        shutil.rmtree(project / "site", ignore_errors=True)
        shutil.rmtree(project / ".portalgen-cache", ignore_errors=True)
        seconds, rss = run(portalgen_cmd(project))
        colds.append(seconds)
        mems.append(rss)
    results["cold build"] = statistics.median(colds)
    results["peak memory MB"] = max(mems) / 1024
    results["no-change rebuild"] = statistics.median(run(portalgen_cmd(project))[0] for _ in range(repeat))
    edit(target, 99)  # warm-up: the second build after a cold one keeps the old site as the back buffer
    run(portalgen_cmd(project))
    edits = []
    for i in range(repeat):
        edit(target, i)
        edits.append(run(portalgen_cmd(project))[0])
    results["one-edit rebuild"] = statistics.median(edits)

    if serve:
        from serve_latency import measure  # the dev server's own latency benchmark

        slug = target.stem
        timing = measure(f"serve, {n} items", project, target, f"/feedback/{slug}/", edits=max(3, repeat * 2))
        results["save-to-page (median)"] = timing["median save→page"]

    if hugo and shutil.which("hugo"):
        site = make_hugo_project(project, work / f"hugo-{n}")
        cmd = ["hugo", "--quiet", "-d", str(site / "public")]
        hugo_colds = []
        for _ in range(repeat):
            shutil.rmtree(site / "public", ignore_errors=True)
            shutil.rmtree(site / "resources", ignore_errors=True)
            hugo_colds.append(run(cmd, cwd=site)[0])
        results["hugo cold build"] = statistics.median(hugo_colds)
        hugo_target = site / "content" / target.relative_to(project / "content")
        hugo_edits = []
        for i in range(repeat):
            edit(hugo_target, i)
            hugo_edits.append(run(cmd, cwd=site)[0])
        results["hugo one-edit rebuild"] = statistics.median(hugo_edits)
    return results


TARGETS = {  # what: (measure, ratio of Hugo's cold build, or absolute limit)
    "cold build": 1.5, "no-change rebuild": 0.3, "one-edit rebuild": 0.5,
}


def table(all_results: dict[int, dict[str, float]]) -> str:
    """Each target is a ratio of Hugo's cold build in the same run (Hugo's CLI has no cache);
    Hugo's own rebuild after the same edit is shown for reference."""
    lines = ["| feedback items | what | portalgen | Hugo | ratio to Hugo's build | target |",
             "|---|---|---|---|---|---|"]
    for n, r in all_results.items():
        hugo = r.get("hugo cold build")
        for what in ("cold build", "no-change rebuild", "one-edit rebuild"):
            reference = r.get("hugo one-edit rebuild") if what == "one-edit rebuild" else hugo
            if hugo:
                ok = "✓" if r[what] <= TARGETS[what] * hugo else "✗"
                lines.append(f"| {n:,} | {what} | {r[what]:.2f} s | {reference:.2f} s | "
                             f"{r[what] / hugo:.2f} | ≤ {TARGETS[what]} {ok} |")
            else:
                lines.append(f"| {n:,} | {what} | {r[what]:.2f} s | – | – | ≤ {TARGETS[what]} × Hugo |")
        if "save-to-page (median)" in r:
            v = r["save-to-page (median)"] * 1000
            lines.append(f"| {n:,} | save-to-page under serve (median) | {v:.0f} ms | – | – | "
                         f"≤ 250 ms {'✓' if v <= 250 else '✗'} |")
        mem = r["peak memory MB"]
        lines.append(f"| {n:,} | peak memory (cold build) | {mem:.0f} MB | – | – | ≤ 600 MB {'✓' if mem <= 600 else '✗'} |")
    sizes = sorted(all_results)
    if len(sizes) > 1:
        base = 10_000 if 10_000 in all_results and 50_000 in all_results else sizes[0]
        top = 50_000 if base == 10_000 else sizes[-1]
        growth = all_results[top]["cold build"] / all_results[base]["cold build"]
        limit = 5.5 * (top / base) / 5
        lines.append(f"| {top:,} vs {base:,} | cold build growth | {growth:.2f} × for {top / base:.0f} × the items "
                     f"| – | – | ≤ {limit:.1f} × {'✓' if growth <= limit else '✗'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feedback", type=int, nargs="+", default=[10_000], help="portal sizes")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure (median)")
    parser.add_argument("--no-serve", action="store_true", help="skip the save-to-page measure")
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo")
    parser.add_argument("--workdir", type=Path, help="keep generated portals here (default: a temp folder)")
    parser.add_argument("--json", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    if not args.no_hugo and not shutil.which("hugo"):
        print("hugo is not installed (apt-get install hugo): Hugo columns are skipped", file=sys.stderr)
    results: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="portalgen-bench-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for n in args.feedback:
            print(f"== {n:,} feedback items", file=sys.stderr, flush=True)
            results[n] = bench_size(n, work, args.repeat, not args.no_serve, not args.no_hugo)
            print(json.dumps(results[n], indent=1), file=sys.stderr, flush=True)
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    hugo_version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.strip() \
        if shutil.which("hugo") else "none"
    print(f"\nMachine: {machine}; {hugo_version}\n")
    print(table(results))
    args.json.write_text(json.dumps({"machine": machine, "hugo": hugo_version,
                                     "results": {str(k): v for k, v in results.items()}}, indent=1) + "\n",
                         encoding="utf-8")
    print(f"\n(written to {args.json})")


if __name__ == "__main__":
    main()
