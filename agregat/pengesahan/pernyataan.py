"""Approval statements: one small YAML file per SOP act, signed (SSHSIG) beside it in `.sig`.

    approvals/<periode>/r<revisi>/<NN>-<langkah>.yml      the statement, written by the tool only
    approvals/<periode>/r<revisi>/<NN>-<langkah>.yml.sig  its detached armored OpenSSH signature

A statement names the edition by its digest and the statement before it by the sha256 of that file's bytes
(a hash chain across revisions). Nothing here touches git or keys: bytes in, bytes out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from agregat.core import yamlketat
from agregat.core.errors import ChainError, UsageError
from agregat.core.periode import Periode

ROOT = "approvals"
SIG_SUFFIX = ".sig"
_NAME = re.compile(r"(?P<nomor>[0-9]{2})-(?P<langkah>[a-z][a-z0-9-]*)\.yml")
_REVISION = re.compile(r"r(?P<revisi>[1-9][0-9]*)")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_PRINCIPAL = re.compile(r"nip-[0-9]{18}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NONEMPTY = re.compile(r"\S(?:.*\S)?")

#: Fields every statement has, in the order they are written.
COMMON = ("periode", "revisi", "langkah", "nomor_langkah", "keputusan", "penanda_tangan", "digest_edisi",
          "sebelumnya", "waktu", "catatan", "arahan")
#: Fields only some steps carry.
STEP_FIELDS = {
    "final": ("pdf_sha256", "ukuran", "eksemplar"),
    "registrasi": ("nomor_surat", "tanggal_surat", "eksemplar", "penerima"),
}


@dataclass(frozen=True)
class Pernyataan:
    """One signed act of the SOP."""

    periode: str
    revisi: int
    langkah: str
    nomor_langkah: int
    keputusan: str
    principal: str
    peran: str
    digest_edisi: str
    sebelumnya: str          # sha256 of the previous statement file; "" for the first one of the period
    waktu: dt.datetime       # aware
    catatan: str = ""
    arahan: str = ""
    rincian: dict = field(default_factory=dict)   # the step's own fields (STEP_FIELDS)

    @property
    def path(self) -> str:
        return statement_path(self.periode, self.revisi, self.nomor_langkah, self.langkah)


def statement_path(periode: str, revisi: int, nomor: int, langkah: str) -> str:
    """`approvals/2025-S1/r1/03-koreksi.yml` (POSIX, relative to the repository)."""
    return f"{ROOT}/{periode}/r{revisi}/{nomor:02d}-{langkah}.yml"


def parse_path(path: str) -> tuple[str, int, int, str] | None:
    """(periode, revisi, nomor, langkah) of a statement path, or None when it is not one."""
    parts = path.split("/")
    if len(parts) != 4 or parts[0] != ROOT:
        return None
    revision, name = _REVISION.fullmatch(parts[2]), _NAME.fullmatch(parts[3])
    if not revision or not name:
        return None
    return parts[1], int(revision["revisi"]), int(name["nomor"]), name["langkah"]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def waktu_text(when: dt.datetime) -> str:
    """ISO 8601 to the second with its offset: `2025-07-10T09:15:00+08:00`."""
    if when.tzinfo is None:
        raise ValueError("waktu pernyataan harus memakai zona waktu")
    return when.replace(microsecond=0).isoformat()


def dump(statement: Pernyataan) -> bytes:
    """The statement file's exact bytes (deterministic)."""
    doc = {
        "periode": statement.periode,
        "revisi": statement.revisi,
        "langkah": statement.langkah,
        "nomor_langkah": statement.nomor_langkah,
        "keputusan": statement.keputusan,
        "penanda_tangan": {"principal": statement.principal, "peran": statement.peran},
        "digest_edisi": statement.digest_edisi,
        "sebelumnya": statement.sebelumnya,
        "waktu": waktu_text(statement.waktu),
        "catatan": statement.catatan,
        "arahan": statement.arahan,
    }
    for key in STEP_FIELDS.get(statement.langkah, ()):
        doc[key] = statement.rincian[key]
    header = ("# Pernyataan pengesahan Buku Data Agregat Kependudukan. Dibuat oleh `python build.py approve`;\n"
              "# ditandatangani byte demi byte (berkas .sig di sampingnya): jangan disunting.\n")
    return header.encode() + yamlketat.dump(doc)


def parse(data: bytes, path: str) -> Pernyataan:
    """Read a statement file strictly; ChainError naming the file and the field when anything is off."""
    doc = yamlketat.load(data, path)
    if not isinstance(doc, dict):
        raise ChainError(f"{path}: bukan pernyataan (harus berisi pasangan kunci: nilai).")
    langkah = doc.get("langkah") if isinstance(doc.get("langkah"), str) else None
    allowed = set(COMMON) | set(STEP_FIELDS.get(langkah, ()))
    unknown = sorted(set(doc) - allowed)
    missing = [key for key in (*COMMON, *STEP_FIELDS.get(langkah, ())) if key not in doc]
    if unknown or missing:
        what = "; ".join(filter(None, [f"kunci tidak dikenal: {', '.join(unknown)}" if unknown else "",
                                       f"kunci hilang: {', '.join(missing)}" if missing else ""]))
        raise ChainError(f"{path}: {what}. Pernyataan hanya dibuat oleh `python build.py approve`.")

    def text(key: str, pattern: re.Pattern | None = None, value=None) -> str:
        value = doc[key] if value is None else value
        if not isinstance(value, str) or (pattern is not None and not pattern.fullmatch(value)):
            raise ChainError(f"{path}: nilai '{key}' tidak sah.")
        return value

    def number(key: str) -> int:
        value = doc[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ChainError(f"{path}: nilai '{key}' harus bilangan bulat positif.")
        return value

    signer = doc["penanda_tangan"]
    if not isinstance(signer, dict) or set(signer) != {"principal", "peran"}:
        raise ChainError(f"{path}: 'penanda_tangan' harus berisi tepat 'principal' dan 'peran'.")
    try:
        Periode.parse(text("periode"))
    except UsageError:
        raise ChainError(f"{path}: nilai 'periode' tidak sah.") from None
    try:
        waktu = dt.datetime.fromisoformat(text("waktu"))
    except ValueError:
        raise ChainError(f"{path}: nilai 'waktu' bukan waktu ISO 8601.") from None
    if waktu.tzinfo is None:
        raise ChainError(f"{path}: 'waktu' harus memakai zona waktu (mis. +08:00 untuk WITA).")
    sebelumnya = text("sebelumnya")
    if sebelumnya and not _SHA256.fullmatch(sebelumnya):
        raise ChainError(f"{path}: nilai 'sebelumnya' harus sha256 berkas pernyataan sebelumnya.")
    if langkah == "final":
        text("pdf_sha256", _SHA256), text("ukuran", _NONEMPTY), number("eksemplar")
    elif langkah == "registrasi":
        text("nomor_surat", _NONEMPTY), number("eksemplar")
        try:
            dt.date.fromisoformat(text("tanggal_surat", _DATE))
        except ValueError:
            raise ChainError(f"{path}: nilai 'tanggal_surat' tidak sah.") from None
        recipients = doc["penerima"]
        if not isinstance(recipients, list) or not recipients:
            raise ChainError(f"{path}: 'penerima' harus daftar sedikitnya satu penerima.")
        for name in recipients:
            text("penerima", _NONEMPTY, name)
    return Pernyataan(
        periode=doc["periode"], revisi=number("revisi"), langkah=text("langkah"),
        nomor_langkah=number("nomor_langkah"), keputusan=text("keputusan"),
        principal=text("principal", _PRINCIPAL, signer["principal"]), peran=text("peran", None, signer["peran"]),
        digest_edisi=text("digest_edisi", _SHA256), sebelumnya=sebelumnya, waktu=waktu,
        catatan=text("catatan"), arahan=text("arahan"),
        rincian={key: doc[key] for key in STEP_FIELDS.get(langkah, ())},
    )
