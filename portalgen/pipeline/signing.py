"""The key that signs the files of PROJECT/.portalgen-cache/, and signed files.

The cache folder sits inside the project, where a pull request could plant one; a cache file
whose signature does not verify with this machine's key is ignored before it is parsed, so
planted parsed front matter (say, a private record marked public) never reaches a build.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from collections.abc import Sequence
from pathlib import Path


def signing_key() -> bytes | None:
    """A secret kept outside the project (in the user's cache folder), made on first use."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "portalgen"
    path = base / "cache-key"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        base.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
        return path.read_bytes()
    except FileExistsError:
        return path.read_bytes()
    except OSError:
        return None  # no writable home: build without a cache


def sign(key: bytes, body: bytes | memoryview) -> bytes:
    return hmac.new(key, body, hashlib.sha256).hexdigest().encode()


def verify(key: bytes, mac: bytes | memoryview, body: bytes | memoryview) -> bool:
    return hmac.compare_digest(mac, sign(key, body))


def read_signed(path: Path) -> memoryview | None:
    """The body of a file signed by this user on this machine, else None (a planted or copied one,
    an unreadable one, or none). A view into the file's bytes, not a copy: the cache's body can be
    tens of MB."""
    key = signing_key()
    try:
        data = path.read_bytes()
    except OSError:
        return None
    split = data.find(b"\n")
    if split < 0 or key is None:
        return None
    body = memoryview(data)[split + 1:]
    return body if verify(key, data[:split], body) else None


class ReadAhead:
    """Signed files read and verified in a thread, while this one goes on (importing the stages, say):
    reading a file and hashing it let go of the GIL, so the two overlap on a second core. The large
    cache file is ~45 MB at 10,000 items: ~0.05 s of a one-edit build, spent beside its imports."""

    def __init__(self, paths: Sequence[Path]):
        self._bodies: dict[Path, memoryview | None] = {}
        self._thread = threading.Thread(target=self._read, args=(paths,), name="portalgen-read-ahead", daemon=True)
        self._thread.start()

    def _read(self, paths: Sequence[Path]) -> None:
        for path in paths:
            self._bodies[path] = read_signed(path)

    def wait(self) -> None:
        """Until the thread is done: a process forked while it runs would copy a thread-less image of it."""
        self._thread.join()

    def body(self, path: Path) -> memoryview | None:
        """read_signed(path), by the thread when it read that path; else read now."""
        self.wait()
        return self._bodies[path] if path in self._bodies else read_signed(path)


def write_signed(path: Path, key: bytes, body: bytes) -> None:
    """Replace `path` at once: a reader sees the old file or the new one, never half of one."""
    tmp = path.with_name(f".{path.name}-{os.getpid()}.tmp")
    with tmp.open("wb") as f:  # signature, then body: not joined into a copy of the body
        f.write(sign(key, body) + b"\n")
        f.write(body)
    os.replace(tmp, path)


def make_folder(folder: Path) -> None:
    """The cache folder, which git is told to ignore."""
    folder.mkdir(exist_ok=True)
    (folder / ".gitignore").write_text("*\n", encoding="utf-8")
