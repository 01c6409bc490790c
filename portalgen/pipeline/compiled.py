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
A template loaded compiled is not parsed, and what the build learns parsing one (render/imported.py
Parsed: the names its module looks up, the templates it names) would be lost. So each file holds
those facts too, as one line before the code, under the same signature: a warm cache reuses a
module imported with context and preloads what a template names as a cold one does.
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
from portalgen.render import imported
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

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> Bucket:
        # BytecodeCache.get_bucket, with the template's name kept on the bucket: the facts in the
        # file are the named template's.
        bucket = _NamedBucket(environment, self.get_cache_key(name, filename),
                              self.get_source_checksum(source), name)
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        body = signing.read_signed(self._path(bucket))  # verified before anything in it is read
        env = bucket.environment
        if body is None or not isinstance(bucket, _NamedBucket) or not isinstance(env, TrackingEnvironment):
            return
        split = bytes(body[:_FACTS_MAX]).find(b"\n")
        facts = imported.loads(body[:split]) if split >= 0 else None
        if facts is None:
            return  # compiled again, and parsed: its facts are learnt again
        bucket.bytecode_from_string(bytes(body[split + 1:]))  # checks Python's version and the source's checksum
        if bucket.code is not None:
            env.give_parsed(bucket.name, facts)  # taken by the Template made of this code next

    def dump_bytecode(self, bucket: Bucket) -> None:
        key = signing.signing_key()
        env = bucket.environment
        if key is None or not isinstance(bucket, _NamedBucket) or not isinstance(env, TrackingEnvironment):
            return
        facts = env.parsed_now(bucket.name)  # the parse this code was just compiled from
        if facts is None:
            return  # not kept without its facts: the next build compiles (and parses) again
        try:
            signing.make_folder(self.cache_folder)
            self._sweep()
            self.folder.mkdir(exist_ok=True)
            signing.write_signed(self._path(bucket), key, imported.dumps(facts) + b"\n" + bucket.bytecode_to_string())
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


class _NamedBucket(Bucket):
    def __init__(self, environment: jinja2.Environment, key: str, checksum: str, name: str):
        super().__init__(environment, key, checksum)
        self.name = name


# The facts line is short (some names); a file whose first newline is further on is not one of ours.
_FACTS_MAX = 1 << 16


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
