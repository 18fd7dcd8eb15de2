"""The edition digest that the approvals sign.

sha256 of the lines `<sha256>  <path>\\n` for every file under the edition folder, paths relative
without `./`, sorted bytewise — the same value as
`cd data/P && find . -type f | sed 's|^\\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

_BLOCK = 1 << 20


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def listing(edition_dir: Path) -> bytes:
    """The `sha256sum`-style listing the digest is taken of."""
    edition_dir = Path(edition_dir)
    return listing_of({p.relative_to(edition_dir).as_posix(): file_sha256(p)
                       for p in edition_dir.rglob("*") if p.is_file() and not p.is_symlink()})


def listing_of(hashes: Mapping[str, str]) -> bytes:
    """The listing for {relative path: sha256 hex} (e.g. files read from git objects), sorted bytewise."""
    rows = sorted((name.encode("utf-8"), sha) for name, sha in hashes.items())
    return b"".join(sha.encode() + b"  " + name + b"\n" for name, sha in rows)


def edition_digest(edition_dir: Path) -> str:
    return hashlib.sha256(listing(edition_dir)).hexdigest()


def digest_of_contents(contents: Mapping[str, bytes]) -> str:
    """The edition digest of {relative path: file bytes} — what `edition_digest` gives for those files."""
    return hashlib.sha256(listing_of({name: hashlib.sha256(data).hexdigest()
                                      for name, data in contents.items()})).hexdigest()
