"""Atomic writes: readers see a file's old content or its new content, never half of it; a failed write
leaves the old file byte for byte. Folders too (`swap_folder`): an edition is replaced whole, and a run
killed in the middle is undone by the next write of that edition (`recover_interrupted`, write path only:
readers refuse while a leftover exists, `retired_leftovers`)."""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from agregat.core.errors import EditionError


@contextmanager
def atomic_file(path: Path, mode: int | None = None, tmp_dir: Path | None = None) -> Iterator:
    """A binary handle to a temporary file beside `path` (or in `tmp_dir`, on the same file system: used for a
    file inside an edition folder, which may hold no hidden leftover of a killed write); renamed over `path`
    when the block ends without an error (after fsync), removed otherwise. `mode`: permission bits for the
    new file (e.g. 0o644)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=tmp_dir or path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, text: str, tmp_dir: Path | None = None) -> None:
    """Write UTF-8 text with LF line ends atomically."""
    write_atomic_bytes(path, text.encode("utf-8"), tmp_dir)


def write_atomic_bytes(path: Path, data: bytes, tmp_dir: Path | None = None) -> None:
    with atomic_file(path, tmp_dir=tmp_dir) as handle:
        handle.write(data)


#: Name parts of the hidden folders beside a folder being replaced: `.P.baru.*` (the new content being
#: written) and `.P.lama.*` (the old folder, retired, in the fallback swap).
STAGING, RETIRED = ".baru.", ".lama."
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def swap_folder(staging: Path, target: Path) -> None:
    """Put the folder `staging` in place of `target`. Where Linux offers renameat2(RENAME_EXCHANGE) the two
    trade places in one atomic step, so `target` is never missing whenever the process dies; elsewhere two
    renames through a retired `.P.lama.*` folder, which `recover_interrupted` puts back after a kill between
    them. On an error the old folder is put back."""
    staging, target = Path(staging), Path(target)
    if not target.exists():
        os.replace(staging, target)
        return
    if exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)   # `staging` now holds the old folder
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}{RETIRED}", dir=target.parent))
    old = retired / target.name
    try:
        os.replace(target, old)
        os.replace(staging, target)
    except BaseException:
        if old.exists() and not target.exists():
            os.rename(old, target)
        raise
    finally:
        if not old.exists() or target.exists():
            shutil.rmtree(retired, ignore_errors=True)


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 with RENAME_EXCHANGE); False where the C library or the
    file system does not offer it, OSError for any other failure (nothing moved then)."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def recover_interrupted(parent: Path, only: tuple[str, ...] | None = None, tidy: bool = True) -> list[str]:
    """Undo what a killed `swap_folder` left in `parent`: a retired `.P.lama.*/P` is put back when `P` is
    missing (a kill between the two renames of the fallback), then (with `tidy`) every retired and staging
    folder (`.P.lama.*`, `.P.baru.*`) is removed. Only for the names in `only` when given. Returns the names
    put back. Called on the write path only (aggregate), never by a reader. A retired folder that git tracks
    is never put back (EditionError): it came from a commit, not from a killed run here."""
    parent = Path(parent)
    if not parent.is_dir():
        return []
    restored = []
    with os.scandir(parent) as scan:
        entries = sorted(scan, key=lambda entry: entry.name)
    for entry in entries:
        name = _leftover_of(entry.name)
        if name is None or (only is not None and name not in only) or entry.is_symlink() or not entry.is_dir():
            continue
        target, inside = parent / name, Path(entry.path) / name
        if RETIRED in entry.name and _tracked(Path(entry.path)):
            from agregat.core.digest import shown_name

            raise EditionError(f"Folder {parent}/{shown_name(entry.name)} ada di git (di-commit), jadi bukan sisa penggantian edisi "
                               "yang terputus di mesin ini dan tidak dipulihkan. Hapus folder itu dari git "
                               f"(git rm -r), lalu ulangi; edisi {name} hanya dibuat oleh 'python build.py "
                               "aggregate'.")
        if (RETIRED in entry.name and not os.path.lexists(target) and inside.is_dir()
                and not inside.is_symlink()):
            os.rename(inside, target)
            restored.append(name)
        if tidy:
            shutil.rmtree(entry.path, ignore_errors=True)
    return restored


def retired_leftovers(parent: Path) -> list[str]:
    """Names of the retired folders (`.P.lama.*`) in `parent`, sorted: what a killed `swap_folder` (or a
    commit) left there. Readers refuse to publish while one exists; only the write path recovers it."""
    try:
        with os.scandir(parent) as scan:
            return sorted(entry.name for entry in scan if RETIRED in entry.name and _leftover_of(entry.name)
                          and entry.is_dir(follow_symlinks=False))
    except (FileNotFoundError, NotADirectoryError):
        return []


def _tracked(path: Path) -> bool:
    """True when git tracks a file below `path` (False outside a repository or without git)."""
    try:
        done = subprocess.run(["git", "-C", str(path.parent), "ls-files", "-z", "--", path.name],
                              capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and bool(done.stdout)


def _leftover_of(entry: str) -> str | None:
    """`P` for a staging or retired folder `.P.baru.XXXX` / `.P.lama.XXXX` (mkdtemp's suffix has no dot),
    None for any other name."""
    for kind in (STAGING, RETIRED):
        head, found, tail = entry[1:].rpartition(kind)
        if entry.startswith(".") and found and head and not head.startswith(".") and "." not in tail:
            return head
    return None
