"""Removing from a folder (the back buffer: an older complete site) what the new site does not have."""

from __future__ import annotations

import os
from collections.abc import Collection
from contextlib import suppress

# What a folder holds, listed: (kind, path in it), kind "d" a folder, "k" a link to a folder, "f" anything else
Listed = list[tuple[str, str]]


def prune_listed(folder: str, listed: Listed, wanted: Collection[str]) -> None:
    """prune() of a folder whose entries were listed already: the same files and folders go."""
    left: dict[str, int] = {}  # folder -> its entries that stay
    folders = []
    for kind, rel in listed:
        if kind == "d":
            folders.append(rel)
        elif kind == "k" or rel in wanted:
            parent = rel.rpartition("/")[0]
            left[parent] = left.get(parent, 0) + 1
        else:
            with suppress(FileNotFoundError):  # gone since it was listed: the back buffer's marker
                os.unlink(folder + "/" + rel)
    for rel in sorted(folders, key=lambda rel: rel.count("/"), reverse=True):  # a folder's folders first
        if left.get(rel, 0) == 0:
            os.rmdir(folder + "/" + rel)
        else:
            parent = rel.rpartition("/")[0]
            left[parent] = left.get(parent, 0) + 1


def prune(folder: str, prefix: str, wanted: Collection[str]) -> bool:
    """Remove the files under `folder` (`prefix`: its path in the site) that are not `wanted`, and
    the folders left empty; True when `folder` is empty now. One scandir per folder and paths as
    strings: the back buffer holds a folder per page, and os.walk with pathlib cost a second
    listing and a Path per file (0.5-1 s at 10,000 items). Links are neither followed nor
    removed, as os.walk left them."""
    left = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if prune(entry.path, rel + "/", wanted):
                    os.rmdir(entry.path)
                else:
                    left += 1
            elif (entry.is_symlink() and entry.is_dir()) or rel in wanted:
                left += 1
            else:
                os.unlink(entry.path)
    return left == 0
