"""The edition digest that the approvals sign, and the rule of what an edition folder may hold.

An edition folder holds only regular files whose names are safe (`is_safe_name`: lower-case ASCII letters,
digits, `_ . -`, not starting with a dot or a hyphen) — no symlink, folder, device or FIFO, no name with a
control, non-ASCII or undecodable character. `check_entries` is that rule, for a folder on disk
(`edition_entries`) and for a tree in a git commit (`agregat.core.gitobjek.edition_tree_files`) alike; anything
else makes every command refuse the whole edition (EditionError, naming the entry).

The digest: sha256 of the lines `<sha256>  <name>\\n` for every file of the edition folder, sorted bytewise.
Because names are safe, the listing is unambiguous, and it is the same value as
`cd data/P && find . -type f | sed 's|^\\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum`.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path

from agregat.core.errors import EditionError
from agregat.core.periode import Periode

_BLOCK = 1 << 20
_SAFE_NAME = re.compile(r"[a-z0-9_][a-z0-9_.-]*", re.ASCII)
#: Kinds of entry, as `check_entries` receives them; only FILE is allowed in an edition.
FILE, SYMLINK, FOLDER, SUBMODULE, OTHER = "berkas", "tautan simbolik", "folder", "submodul git", "lain"
_KIND_TEXT = {SYMLINK: "tautan simbolik (symlink)", FOLDER: "folder", SUBMODULE: "submodul git (gitlink)",
              OTHER: "bukan berkas biasa (FIFO, perangkat atau soket)"}
_MAX_SHOWN = 5
#: What data/ may hold beside the editions (and hidden entries such as the staging folders `.P.baru.*`):
#: its README and the ignored folder of register extracts.
DATA_EXTRAS = frozenset({"README.md", "raw"})


def is_safe_name(name: str | bytes) -> bool:
    """True for a name an edition file may have: `[a-z0-9_][a-z0-9_.-]*` (ASCII only; so no leading dot, no
    leading hyphen that `xargs sha256sum` would read as an option, no blank, newline or other control)."""
    if isinstance(name, bytes):
        try:
            name = name.decode("ascii")
        except UnicodeDecodeError:
            return False
    return isinstance(name, str) and _SAFE_NAME.fullmatch(name) is not None


def shown_name(name: str | bytes) -> str:
    """The name quoted and escaped like Python's repr, ASCII only, whatever it holds: `'a\\nb'`,
    `'\\u0662.yml'`; a byte that is not UTF-8 (a surrogate from os.fsdecode, or raw bytes) as `\\xff`."""
    if isinstance(name, bytes):
        name = name.decode("utf-8", "surrogateescape")
    out = []
    for char in name:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:        # an undecodable byte, as surrogateescape keeps it
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char in "\\'":
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        else:
            out.append(ascii(char)[1:-1])
    return "'" + "".join(out) + "'"


def check_entries(where: str, kinds: Mapping[str, str]) -> list[str]:
    """The names of {name: kind} sorted bytewise, when every entry is a FILE with a safe name; otherwise
    EditionError naming the bad entries (escaped) and what each is. `where` labels the folder (`data/2025-S1`)."""
    bad = []
    for name in sorted(kinds, key=_sort_key):
        kind = kinds[name]
        problems = [] if is_safe_name(name) else ["nama tidak diizinkan"]
        if kind != FILE:
            problems.append(_KIND_TEXT.get(kind, _KIND_TEXT[OTHER]))
        if problems:
            bad.append(f"{shown_name(name)} ({', '.join(problems)})")
    if bad:
        more = f" dan {len(bad) - _MAX_SHOWN} lainnya" if len(bad) > _MAX_SHOWN else ""
        raise EditionError(
            f"Edisi {where} ditolak: berisi entri yang tidak boleh ada di folder edisi: "
            f"{'; '.join(bad[:_MAX_SHOWN])}{more}. Folder edisi hanya boleh berisi berkas biasa bernama huruf "
            "kecil a-z, angka 0-9, '_', '.' atau '-' (tidak diawali titik atau tanda hubung; tanpa spasi). "
            "Hapus atau ganti nama entri itu (atau buat ulang edisi dengan 'python build.py aggregate'), lalu "
            "ulangi; jangan menyetujui atau menerbitkan edisi ini sebelum itu.")
    return sorted(kinds, key=_sort_key)


def _sort_key(name: str) -> bytes:
    return name.encode("utf-8", "surrogateescape")


def edition_entries(edition_dir: Path) -> list[str]:
    """The file names of an edition folder on disk, sorted bytewise, after `check_entries` (symlinks are
    never followed). The folder itself must be a real folder, not a symlink to one."""
    edition_dir = Path(edition_dir)
    try:
        mode = os.lstat(edition_dir).st_mode
    except OSError:
        raise EditionError(f"Edisi {edition_dir} tidak dapat dibaca (tidak ada atau tanpa izin baca). "
                           "Periksa foldernya, atau buat ulang dengan 'python build.py aggregate'.") from None
    if not stat.S_ISDIR(mode):
        what = "tautan simbolik (symlink)" if stat.S_ISLNK(mode) else "bukan folder"
        raise EditionError(f"Edisi {edition_dir} ditolak: {what}. Folder edisi harus folder biasa di data/; "
                           "ganti dengan folder yang dibuat 'python build.py aggregate'.")
    kinds = {}
    with os.scandir(edition_dir) as entries:
        for entry in entries:
            if entry.is_symlink():
                kinds[entry.name] = SYMLINK
            elif entry.is_dir(follow_symlinks=False):
                kinds[entry.name] = FOLDER
            elif entry.is_file(follow_symlinks=False):
                kinds[entry.name] = FILE
            else:
                kinds[entry.name] = OTHER
    return check_entries(str(edition_dir), kinds)


def edition_periods(data_dir: Path) -> list[str]:
    """The editions in `data_dir`, oldest first, each checked with `edition_entries`: what the book publishes.

    Every non-hidden entry of data/ other than DATA_EXTRAS must be a real folder named exactly as its
    canonical period (`Periode.is_canonical`: `2025-S1`, never `٢٠٢٥-S1` or ` 2025-S1`) holding manifest.yml;
    anything else is an EditionError naming it, so a shadow edition is refused, never published."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return []
    periods, bad = [], []
    with os.scandir(data_dir) as entries:
        for entry in entries:
            if entry.name.startswith(".") or entry.name in DATA_EXTRAS:
                continue
            if not Periode.is_canonical(entry.name):
                bad.append(f"{shown_name(entry.name)} (bukan nama periode seperti 2025-S1)")
            elif entry.is_symlink() or not entry.is_dir(follow_symlinks=False):
                bad.append(f"{shown_name(entry.name)} (bukan folder biasa)")
            elif not os.path.lexists(os.path.join(entry.path, "manifest.yml")):
                bad.append(f"{shown_name(entry.name)} (tanpa manifest.yml)")
            else:
                periods.append(entry.name)
    if bad:
        bad.sort()
        raise EditionError(
            f"Folder {data_dir} berisi entri yang bukan edisi: {'; '.join(bad[:_MAX_SHOWN])}"
            f"{f' dan {len(bad) - _MAX_SHOWN} lainnya' if len(bad) > _MAX_SHOWN else ''}. Di data/ hanya boleh "
            "ada folder edisi bernama periode persis (angka ASCII, mis. 2025-S1) yang dibuat 'python build.py "
            "aggregate', README.md, dan raw/. Pindahkan atau hapus entri itu, lalu ulangi; buku tidak diterbitkan "
            "sebelum itu.")
    periods.sort(key=Periode.parse)
    for periode in periods:
        edition_entries(data_dir / periode)
    return periods


def open_entry(edition_dir: Path, name: str):
    """A binary file object of one edition file, opened without following a symlink and only when it is a
    regular file (an entry swapped after `edition_entries` listed it is refused, never read)."""
    path = Path(edition_dir) / name
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        raise EditionError(f"Berkas edisi {path.parent}/{shown_name(name)} tidak dapat dibuka sebagai berkas "
                           "biasa (hilang, tautan simbolik, atau tanpa izin baca). Periksa folder edisi, "
                           "lalu ulangi.") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise EditionError(f"Berkas edisi {path.parent}/{shown_name(name)} bukan berkas biasa. Hapus entri itu "
                           "dari folder edisi, lalu ulangi.")
    return os.fdopen(fd, "rb")


def read_entry(edition_dir: Path, name: str) -> bytes:
    """The bytes of one edition file (see `open_entry`)."""
    with open_entry(edition_dir, name) as handle:
        return handle.read()


def file_sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return _sha256_of(handle)


def _sha256_of(handle) -> str:
    digest = hashlib.sha256()
    while block := handle.read(_BLOCK):
        digest.update(block)
    return digest.hexdigest()


def listing(edition_dir: Path) -> bytes:
    """The `sha256sum`-style listing the digest is taken of (EditionError for a folder breaking the rule)."""
    hashes = {}
    for name in edition_entries(edition_dir):
        with open_entry(edition_dir, name) as handle:
            hashes[name] = _sha256_of(handle)
    return listing_of(hashes)


def listing_of(hashes: Mapping[str, str]) -> bytes:
    """The listing for {relative path: sha256 hex} (e.g. files read from git objects), sorted bytewise."""
    rows = sorted((name.encode("utf-8", "surrogateescape"), sha) for name, sha in hashes.items())
    return b"".join(sha.encode() + b"  " + name + b"\n" for name, sha in rows)


def edition_digest(edition_dir: Path) -> str:
    return hashlib.sha256(listing(edition_dir)).hexdigest()


def digest_of_contents(contents: Mapping[str, bytes]) -> str:
    """The edition digest of {file name: file bytes} — what `edition_digest` gives for those files. The
    names must have passed `check_entries` (a name holding a newline would make the listing ambiguous)."""
    check_entries("(isi)", {name: FILE for name in contents})
    return hashlib.sha256(listing_of({name: hashlib.sha256(data).hexdigest()
                                      for name, data in contents.items()})).hexdigest()
