"""Compiled templates kept in the build cache folder, so that a fresh process (the CLI after an
edit) runs the theme's templates without parsing and compiling them again (some 0.2 s a build).

Jinja's own FileSystemBytecodeCache would do, but for two things:
- its files are Python code objects, read with marshal and run: a cache folder sits in the
  project, where a pull request could plant one. Each file here is signed like the rest of the
  cache (pipeline/signing.py), and one whose signature does not verify is never unmarshalled.
- what a template compiles to depends on more than its source: portalgen's code (the
  environment's settings, render/baked_words.py puts the catalogs' words into the tree), the
  words themselves and Jinja's version. They name the folder (`salt`), so code compiled under
  others is never found; Jinja checks the template's source itself (the bucket's checksum).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from portalgen.model.versions import installed_version
from portalgen.pipeline import signing
from portalgen.pipeline.cache import BuildCache, code_digest
from portalgen.render.tracking import TrackingEnvironment

PREFIX = "templates-"


class SignedBytecodeCache(jinja2.BytecodeCache):
    def __init__(self, cache_folder: Path, salt: str):
        self.cache_folder = cache_folder
        name = hashlib.blake2b(salt.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
        self.folder = cache_folder / f"{PREFIX}{name}"
        self._swept = False

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.bin"  # the key: a digest of the template's name and file

    def load_bytecode(self, bucket: Bucket) -> None:
        body = signing.read_signed(self._path(bucket))
        if body is not None:
            bucket.bytecode_from_string(bytes(body))  # checks Python's version and the source's checksum

    def dump_bytecode(self, bucket: Bucket) -> None:
        key = signing.signing_key()
        if key is None:
            return
        try:
            signing.make_folder(self.cache_folder)
            self._sweep()
            self.folder.mkdir(exist_ok=True)
            signing.write_signed(self._path(bucket), key, bucket.bytecode_to_string())
        except OSError:
            pass  # not kept: the next build compiles again

    def _sweep(self) -> None:
        """Templates compiled under other code or words are never read again: they go, once a process."""
        if self._swept:
            return
        self._swept = True
        for old in self.cache_folder.glob(f"{PREFIX}*"):
            if old != self.folder and old.is_dir() and not old.is_symlink():
                shutil.rmtree(old, ignore_errors=True)



def kept(env: TrackingEnvironment, cache: BuildCache | None) -> TrackingEnvironment:
    """`env` taking the templates compiled by an earlier process from `cache`'s folder, and
    leaving there those it compiles (none without a cache)."""
    if cache is not None and cache.folder is not None:
        env.bytecode_cache = SignedBytecodeCache(cache.folder, salt(env.words.digest))
    return env


def salt(words_digest: str) -> str:
    """What a template compiles to besides its source: portalgen's code, the libraries that compile
    it and make its words, and the words (render/i18n.py Words.digest)."""
    return f"{code_digest()}|jinja2 {installed_version('jinja2')}|babel {installed_version('babel')}|{words_digest}"
