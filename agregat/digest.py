"""The edition digest that the approvals sign.

sha256 of the lines `<sha256>  <path>\\n` for every file under the edition folder, paths relative
without `./`, sorted bytewise — the same value as
`cd data/P && find . -type f | sed 's|^\\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum`.
"""

from __future__ import annotations

import hashlib
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
    paths = sorted((p.relative_to(edition_dir).as_posix().encode("utf-8"), p)
                   for p in edition_dir.rglob("*") if p.is_file() and not p.is_symlink())
    return b"".join(file_sha256(p).encode() + b"  " + rel + b"\n" for rel, p in paths)


def edition_digest(edition_dir: Path) -> str:
    return hashlib.sha256(listing(edition_dir)).hexdigest()
