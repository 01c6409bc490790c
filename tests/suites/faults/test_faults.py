"""Faults: a build killed at any moment, or an output location that cannot be written, never
leaves a broken site. site/ is always the complete old site or the complete new one.

The kill loop is fault injection, not timing: each build is killed with SIGKILL after a delay
drawn from a seeded random generator, spread over the whole build, and whatever moment that
turns out to be, the invariant must hold.
"""

from __future__ import annotations

import hashlib
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import portalgen
from portalgen.output.writing import MARKER, WriteError

RECORDS = 400  # about 1,200 pages: a build of a second or two, so kills land in every phase
PORTAL = "title: Faults portal\nbase_url: https://portal.example.org/\n"


def big_project(root: Path, records: int, version: str) -> Path:
    """A portal slow enough to build that a kill lands in every phase; `version` changes every page."""
    content = root / "content"
    for folder in ("customers", "feedback", "decisions"):  # both versions have the same files
        (content / folder).mkdir(parents=True, exist_ok=True)
    (content / "portal.yaml").write_text(PORTAL + f"description: Version {version}\n", encoding="utf-8")
    for n in range(20):
        (content / "customers" / f"c-{n}.yaml").write_text(
            f"name: Customer {n}\nsegment: Segment {n % 4}\ncredit: {'named' if n % 2 else 'anonymous'}\n",
            encoding="utf-8")
    for n in range(records):
        (content / "feedback" / f"f-{n}.md").write_text(
            f"---\ntitle: Request {n} ({version})\ndate: 2026-01-{1 + n % 28:02d}\nfrom: [c-{n % 20}]\n"
            f"tags: [t{n % 50}]\n---\nBody of request {n}, version {version}.\n", encoding="utf-8")
        if n % 2:
            (content / "decisions" / f"d-{n}.md").write_text(
                f"---\ntitle: Decision {n}\ndate: 2026-02-{1 + n % 28:02d}\nfeedback: [f-{n}]\n"
                f"outcome: planned\n---\nWe will do {n} ({version}).\n", encoding="utf-8")
    return root


def manifest(site: Path) -> str:
    """Hash of every path and every byte under site/ (hidden files included).

    The marker's content is left out (it must be there, though): it records a digest of
    portalgen's own source code, which may change between builds while someone edits it.
    """
    digest = hashlib.sha256()
    if not (site / MARKER).is_file():
        return "no marker: not a complete site"
    for path in sorted(site.rglob("*")):
        if path.name == MARKER:
            continue
        digest.update(path.relative_to(site).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"/")
    return digest.hexdigest()


ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1795996800"}  # one "today" (2026-11-30), after the content


def file_hashes(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()[:12]
            for p in sorted(site.rglob("*")) if p.is_file()}


def explain(site: Path, references: dict[str, dict[str, str]]) -> str:
    """Which files differ from each complete site (for a failure message)."""
    now = file_hashes(site) if site.is_dir() else {}
    lines = []
    for name, ref in references.items():
        differ = sorted(k for k in {*now, *ref} if now.get(k) != ref.get(k))
        lines.append(f"  vs {name}: {len(differ)} files differ, e.g. {differ[:6]}")
    return "\n".join(lines)


def cli(*args: str | Path, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "portalgen", *map(str, args)], env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kwargs)


def build_ok(root: Path, *extra: str) -> None:
    proc = cli("build", root, *extra)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err


# Each kill waits up to a build and a half: three in the default run, forty under -m slow.
@pytest.mark.parametrize("kills", [3, pytest.param(40, marks=pytest.mark.slow)])
def test_sigkill_at_random_moments_leaves_old_or_new_site(tmp_path: Path, kills: int) -> None:
    root = tmp_path / "portal"
    known: dict[str, str] = {}
    references: dict[str, dict[str, str]] = {}
    for version in ("a", "b"):  # the two complete sites a build can leave
        big_project(root, RECORDS, version)
        build_ok(root)
        known[manifest(root / "site")] = version
        references[version] = file_hashes(root / "site")
        shutil.rmtree(root / "site")
    assert len(known) == 2
    big_project(root, RECORDS, "a")
    started = time.perf_counter()
    build_ok(root)
    duration = time.perf_counter() - started
    rng = random.Random(20260311)
    outcomes: dict[str, int] = {"old": 0, "new": 0}
    version = "a"
    for _ in range(kills):
        old = version
        version = "b" if version == "a" else "a"
        big_project(root, RECORDS, version)
        proc = subprocess.Popen([sys.executable, "-m", "portalgen", "build", str(root)], start_new_session=True,
                                env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, duration * 1.6))  # the fault: SIGKILL at a random moment
        # The whole build, worker processes included, as an out-of-memory kill or a cancelled CI job does.
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        state = known.get(manifest(root / "site"))
        assert state in (old, version), "site/ is neither the complete old nor the complete new site:\n" + \
            explain(root / "site", references)
        outcomes["old" if state == old else "new"] += 1
        if state != version:  # the content on disk must describe the site now in place
            version = state
            big_project(root, RECORDS, version)
    # Most kills land mid-build (old site); on a loaded machine the late ones may all be early too.
    assert outcomes["old"] + outcomes["new"] == kills and outcomes["old"], outcomes
    # A complete build afterwards leaves no stray temporary folder behind.
    big_project(root, RECORDS, "b" if version == "a" else "a")
    build_ok(root)
    assert known.get(manifest(root / "site"))
    strays = [p.name for p in root.iterdir() if p.name.startswith(".site.")]
    assert strays == [], strays


# --- read-only and full output locations -----------------------------------------------------------


def small_project(root: Path, text: str = "Dark mode") -> Path:
    (root / "content" / "customers").mkdir(parents=True, exist_ok=True)
    (root / "content" / "feedback").mkdir(parents=True, exist_ok=True)
    (root / "content" / "portal.yaml").write_text(PORTAL, encoding="utf-8")
    (root / "content" / "customers" / "acme.yaml").write_text("name: Acme\ncredit: named\n", encoding="utf-8")
    (root / "content" / "feedback" / "fb.md").write_text(
        f"---\ntitle: {text}\ndate: 2026-01-10\nfrom: [acme]\n---\n{text} " * 1 + "x" * 200_000 + "\n",
        encoding="utf-8")
    return root


def _chattr(flag: str, path: Path) -> bool:
    if not shutil.which("chattr"):
        return False
    return subprocess.run(["chattr", flag, str(path)], capture_output=True, check=False).returncode == 0


def test_read_only_output_location_is_a_clear_error(tmp_path: Path) -> None:
    """chattr +i makes a folder immutable even for root (on ext4, xfs, btrfs, tmpfs)."""
    root = small_project(tmp_path / "portal")
    parent = tmp_path / "public"
    parent.mkdir()
    build_ok(root, "--output", parent / "site")
    before = manifest(parent / "site")
    small_project(root, "Light mode")
    if not _chattr("+i", parent):
        pytest.skip("cannot make a folder immutable here (chattr +i unsupported or not permitted)")
    try:
        proc = cli("build", root, "--output", parent / "site")
        _, err = proc.communicate(timeout=120)
        with pytest.raises(WriteError, match="previous site is unchanged"):
            portalgen.build(root, output=parent / "site")
    finally:
        _chattr("-i", parent)
    assert proc.returncode == 1, err
    assert "cannot write the site" in err and "Traceback" not in err, err
    assert manifest(parent / "site") == before, "the old site changed"
    assert sorted(p.name for p in parent.iterdir()) == ["site"]


def _limit_file_size() -> None:
    # Any write past 64 KiB fails with EFBIG (Python ignores SIGXFSZ): a disk that fills up
    # half-way through the build, without needing a small file system.
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_output_that_fills_up_is_a_clear_error(tmp_path: Path) -> None:
    root = small_project(tmp_path / "portal")
    build_ok(root, "--output", tmp_path / "site")
    before = manifest(tmp_path / "site")
    small_project(root, "Light mode")
    proc = cli("build", root, "--output", tmp_path / "site", preexec_fn=_limit_file_size)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert "cannot write the site" in err and "previous site is unchanged" in err and "Traceback" not in err
    assert manifest(tmp_path / "site") == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")] == [], "temporary folder left"


def test_a_full_file_system_is_a_clear_error(tmp_path: Path) -> None:
    """ENOSPC for real: a 1 MiB tmpfs in a private mount namespace (skipped where unshare is not allowed)."""
    if not shutil.which("unshare"):
        pytest.skip("unshare is not installed")
    root = small_project(tmp_path / "portal")
    disk = tmp_path / "disk"
    disk.mkdir()
    script = f"""
set -e
mount -t tmpfs -o size=1m tmpfs {disk}
{sys.executable} -m portalgen build {root} --output {disk}/site
find {disk}/site -type f | sort | xargs sha256sum > {tmp_path}/before.txt
for n in $(seq 1 60); do
  printf -- '---\\ntitle: Big %s\\ndate: 2026-01-10\\nfrom: [acme]\\n---\\n' $n > {root}/content/feedback/big-$n.md
  for line in $(seq 1 300); do
    echo "Plain words that fill the disk, line $line of item $n." >> {root}/content/feedback/big-$n.md
  done
done
set +e
{sys.executable} -m portalgen build {root} --output {disk}/site 2> {tmp_path}/err.txt
echo $? > {tmp_path}/rc.txt
set -e
find {disk}/site -type f | sort | xargs sha256sum > {tmp_path}/after.txt
ls -a {disk} > {tmp_path}/ls.txt
"""
    result = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                            capture_output=True, text=True, timeout=180, check=False)
    if result.returncode != 0 and not (tmp_path / "rc.txt").exists():
        pytest.skip(f"cannot mount a small file system here: {result.stderr.strip()[:200]}")
    err = (tmp_path / "err.txt").read_text()
    assert (tmp_path / "rc.txt").read_text().strip() == "1", err
    assert "No space left on device" in err and "previous site is unchanged" in err and "Traceback" not in err
    assert (tmp_path / "before.txt").read_text() == (tmp_path / "after.txt").read_text()
    assert (tmp_path / "ls.txt").read_text().split() == [".", "..", "site"], "temporary folder left"


@pytest.mark.parametrize("where", ["file-parent", "proc"])
def test_an_impossible_output_location_is_a_clear_error(tmp_path: Path, where: str) -> None:
    root = small_project(tmp_path / "portal")
    if where == "file-parent":
        (tmp_path / "a-file").write_text("x", encoding="utf-8")
        output = tmp_path / "a-file" / "site"
    else:
        output = Path("/proc/portalgen-site")
    proc = cli("build", root, "--output", output)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in (1, 2), err
    assert "error:" in err and "Traceback" not in err and "internal error" not in err, err
