"""The trust root anchored in git history: the pinned root key and the TTE trust root (`pengesahan:` in
kabupaten.yml) are trusted as the history set them, not as the file says now.

    jangkar = akar.periksa(repo, riwayat, "kabupaten.yml")
    jangkar.setelan.sidik_jari, jangkar.commit    # the root trusted at the ref, and the commit that set it
    jangkar.temuan                                # (exit code, file, message) of every problem

The rules, over every commit reachable from the ref (each compared with its first parent, as the
statements' history is):

* The setting of a commit (`Setelan`) is the pinned fingerprint and the sha256 of the committed
  certificate `akar_tte` names. The FIRST commit that sets a pin is the anchor; every commit that sets a
  pin where its parent had none must set exactly the anchor's setting (two different "first" pins — an
  orphan history merged in — are refused).
* Any later change (another key, another or a new TTE certificate, the pin removed) is authorised only by
  a rotation statement `approvals/akar/NNNN.yml` (+ `.sig`), committed in the same commit as the change or
  before it: it names the old and the new setting and is signed by the OLD root key (namespace
  NAMESPACE_ROTASI). Rotations are numbered from 1 without gaps, each starting where the one before ended
  (the first at the anchor), and are never changed afterwards (checked like statements).
* At the ref, the setting must be the end of that rotation chain. A change that was not authorised is a
  finding while the setting it introduced is still in force at the ref; once the setting is back to an
  authorised one it is only reported (`peringatan`), since nothing signed under it is trusted at the ref.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from agregat.pengesahan import sshsig
from agregat.pengesahan import urutan
from agregat.core import yamlketat
from agregat.core.config import read_pengesahan
from agregat.core.errors import EXIT_REGISTRY, AgregatError, BadSignature, RegistryError, SignatureError, YamlError
from agregat.core.gitobjek import tree_files

ROTASI_DIR = "approvals/akar"
SIG_SUFFIX = ".sig"
VERSION = 1
ROOT_PRINCIPAL = "akar"
_NAME = re.compile(r"approvals/akar/([0-9]{4})\.yml")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_FP = re.compile(r"SHA256:[A-Za-z0-9+/]{43}")
HEADER = ("# Rotasi kunci akar pengesahan (dan/atau akar TTE). Dibuat oleh `python build.py officials rotate-root`;\n"
          "# ditandatangani kunci akar LAMA (berkas .sig di sampingnya): jangan disunting.\n")


@dataclass(frozen=True)
class Setelan:
    """The trust-root setting of one commit: pinned fingerprint ("" = none) and the sha256 of the TTE root
    certificate ("" = not set; "hilang:<path>" = set, but no such file committed)."""

    sidik_jari: str = ""
    akar_tte: str = ""

    def teks(self) -> str:
        missing = self.akar_tte.startswith("hilang:")
        tte = ("tanpa akar TTE" if not self.akar_tte else
               f"akar TTE {self.akar_tte.removeprefix('hilang:')} tidak di-commit" if missing
               else f"akar TTE sha256 {self.akar_tte[:16]}…")
        return f"kunci akar {self.sidik_jari or '(tidak disematkan)'}, {tte}"


@dataclass(frozen=True)
class Rotasi:
    nomor: int
    lama: Setelan
    baru: Setelan
    waktu: dt.datetime

    @property
    def path(self) -> str:
        return rotasi_path(self.nomor)


@dataclass
class Jangkar:
    """The trust root at a ref, as anchored in its history."""

    setelan: Setelan
    commit: str                       # the commit (on the first-parent line) that set the setting in force
    jangkar_commit: str               # the anchor: the first commit that pinned a root
    rotasi: tuple[Rotasi, ...] = ()
    temuan: list[tuple[int, str, str]] = field(default_factory=list)
    peringatan: list[str] = field(default_factory=list)

    @property
    def sidik_jari_semua(self) -> tuple[str, ...]:
        """Every root fingerprint of the chain, oldest first (registries signed by any of them are genuine)."""
        chain = [self.rotasi[0].lama.sidik_jari] if self.rotasi else [self.setelan.sidik_jari]
        chain += [r.baru.sidik_jari for r in self.rotasi]
        return tuple(dict.fromkeys(fp for fp in chain if fp))


def rotasi_path(nomor: int) -> str:
    return f"{ROTASI_DIR}/{nomor:04d}.yml"


# ---- the setting of a configuration ----------------------------------------------------------------

def tte_path(config_path: str, akar_tte: str) -> str | None:
    """Where `akar_tte` (relative to the configuration file) lives in the repository; None if outside."""
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(config_path), akar_tte))
    return None if joined == ".." or joined.startswith("../") or joined.startswith("/") else joined


def baca_setelan(data: bytes | None) -> tuple[str, str]:
    """(pin, akar_tte as written) of one configuration's bytes; ("", "") when absent or unreadable."""
    if data is None:
        return "", ""
    try:
        raw = yaml.safe_load(data.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError, ValueError):
        return "", ""
    if not isinstance(raw, dict):
        return "", ""
    pin, tte, problems = read_pengesahan(raw.get("pengesahan"))
    return ("", "") if problems else (pin, tte)


def setelan_riwayat(repo, commits: list[str], config_path: str) -> dict[str, Setelan]:
    """The setting of every commit in `commits` (full shas)."""
    ids = urutan.blob_ids(repo, commits, config_path)
    written = {blob_id: baca_setelan(urutan.blob(repo, blob_id)) for blob_id in set(ids.values())}
    tte_ids: dict[str, dict[str, str | None]] = {}
    for tte in {tte for _, tte in written.values() if tte}:
        path = tte_path(config_path, tte)
        having = [sha for sha in commits if written[ids[sha]][1] == tte]
        tte_ids[tte] = urutan.blob_ids(repo, having, path) if path else dict.fromkeys(having)
    digests: dict[str, str] = {}
    found = {}
    for sha in commits:
        pin, tte = written[ids[sha]]
        if not tte:
            found[sha] = Setelan(pin, "")
            continue
        blob_id = tte_ids[tte][sha]
        if blob_id is None:
            found[sha] = Setelan(pin, f"hilang:{tte}")
            continue
        if blob_id not in digests:
            digests[blob_id] = hashlib.sha256(urutan.blob(repo, blob_id)).hexdigest()
        found[sha] = Setelan(pin, digests[blob_id])
    return found


def setelan_kerja(config) -> Setelan:
    """The setting of the working-tree configuration (an agregat.core.config.Config)."""
    if config.akar_tte is None:
        return Setelan(config.sidik_jari_akar, "")
    try:
        return Setelan(config.sidik_jari_akar, hashlib.sha256(Path(config.akar_tte).read_bytes()).hexdigest())
    except OSError:
        return Setelan(config.sidik_jari_akar, f"hilang:{Path(config.akar_tte).name}")


# ---- rotation statements ------------------------------------------------------------------------------

def dump_rotasi(rotasi: Rotasi) -> bytes:
    document = {"versi": VERSION, "nomor": rotasi.nomor,
                "lama": {"sidik_jari_akar": rotasi.lama.sidik_jari, "akar_tte_sha256": rotasi.lama.akar_tte},
                "baru": {"sidik_jari_akar": rotasi.baru.sidik_jari, "akar_tte_sha256": rotasi.baru.akar_tte},
                "waktu": rotasi.waktu.replace(microsecond=0).isoformat()}
    return HEADER.encode() + yamlketat.dump(document)


def parse_rotasi(data: bytes, path: str) -> Rotasi:
    """A rotation statement read strictly; RegistryError naming the file otherwise."""
    def refuse(what: str) -> RegistryError:
        return RegistryError(f"{path}: {what}. Rotasi kunci akar hanya dibuat oleh `python build.py officials "
                             "rotate-root`.")

    try:
        doc = yamlketat.load(data, path)
    except YamlError as exc:
        raise RegistryError(str(exc)) from None
    if set(doc) != {"versi", "nomor", "lama", "baru", "waktu"} or doc["versi"] != VERSION:
        raise refuse(f"harus berisi tepat versi ({VERSION}), nomor, lama, baru dan waktu")

    def setting(key: str) -> Setelan:
        value = doc[key]
        if not isinstance(value, dict) or set(value) != {"sidik_jari_akar", "akar_tte_sha256"}:
            raise refuse(f"'{key}' harus berisi tepat sidik_jari_akar dan akar_tte_sha256")
        pin, tte = value["sidik_jari_akar"], value["akar_tte_sha256"]
        if not isinstance(pin, str) or not _FP.fullmatch(pin):
            raise refuse(f"'{key}.sidik_jari_akar' harus sidik jari SHA256:…")
        if not isinstance(tte, str) or (tte and not _SHA256.fullmatch(tte)):
            raise refuse(f"'{key}.akar_tte_sha256' harus sha256 berkas sertifikat atau kosong")
        return Setelan(pin, tte)

    nomor = doc["nomor"]
    if not isinstance(nomor, int) or isinstance(nomor, bool) or nomor < 1:
        raise refuse("'nomor' harus bilangan bulat positif")
    try:
        waktu = dt.datetime.fromisoformat(doc["waktu"]) if isinstance(doc["waktu"], str) else None
    except ValueError:
        waktu = None
    if waktu is None or waktu.tzinfo is None:
        raise refuse("'waktu' harus waktu ISO 8601 dengan zona")
    return Rotasi(nomor, setting("lama"), setting("baru"), waktu)


def sign_rotasi(data: bytes, key: Path) -> bytes:
    return sshsig.sign(data, key, sshsig.NAMESPACE_ROTASI)


def verify_rotasi(data: bytes, signature: bytes, rotasi: Rotasi, path: str) -> None:
    """The signature must be by the key the OLD setting pins; RegistryError otherwise."""
    try:
        signer = sshsig.public_key_of(signature)
        if sshsig.fingerprint(signer) != rotasi.lama.sidik_jari:
            raise RegistryError(f"{path}{SIG_SUFFIX}: ditandatangani kunci {sshsig.fingerprint(signer)}, bukan kunci "
                                f"akar lama {rotasi.lama.sidik_jari}. Penggantian kunci akar hanya sah bila "
                                "ditandatangani kunci akar yang diganti.")
        allowed = f'{ROOT_PRINCIPAL} namespaces="{sshsig.NAMESPACE_ROTASI}" {signer}\n'.encode()
        sshsig.verify(data, signature, allowed, ROOT_PRINCIPAL, sshsig.NAMESPACE_ROTASI, dt.datetime.now(dt.UTC))
    except (BadSignature, SignatureError) as exc:
        raise RegistryError(f"{path}{SIG_SUFFIX}: {exc}") from None


def rantai_rotasi(files: dict[str, bytes],
                  anchor: Setelan) -> tuple[list[Setelan], list[Rotasi], list[tuple[int, str, str]]]:
    """The settings the rotations in one tree authorise, in order (the anchor first), the rotations, and the
    problems; the chain stops at the first rotation that is not valid."""
    states, rotations, problems = [anchor], [], []
    statements = {path for path in files if not path.endswith(SIG_SUFFIX)}
    for path in sorted(files):
        base = path.removesuffix(SIG_SUFFIX)
        if not _NAME.fullmatch(base) or base not in files or base + SIG_SUFFIX not in files:
            problems.append((EXIT_REGISTRY, path, "bukan berkas rotasi kunci akar yang dikenal "
                             "(approvals/akar/NNNN.yml dengan .sig di sampingnya)."))
    for nomor in range(1, len(statements) + 1):
        path = rotasi_path(nomor)
        if path not in files or path + SIG_SUFFIX not in files:
            if any(_NAME.fullmatch(p) and int(_NAME.fullmatch(p)[1]) > nomor for p in statements):
                problems.append((EXIT_REGISTRY, path, "tidak ada, padahal rotasi sesudahnya ada; rotasi diberi "
                                 "nomor urut tanpa celah."))
            break
        try:
            rotasi = parse_rotasi(files[path], path)
            if rotasi.nomor != nomor:
                raise RegistryError(f"{path}: nomor di dalamnya ({rotasi.nomor}) bukan nomor berkasnya.")
            if rotasi.lama != states[-1]:
                raise RegistryError(f"{path}: 'lama' ({rotasi.lama.teks()}) bukan setelan yang berlaku sebelumnya "
                                    f"({states[-1].teks()}).")
            if rotasi.baru == rotasi.lama:
                raise RegistryError(f"{path}: 'baru' sama dengan 'lama'; tidak ada yang diganti.")
            verify_rotasi(files[path], files[path + SIG_SUFFIX], rotasi, path)
        except AgregatError as exc:
            problems.append((EXIT_REGISTRY, path, str(exc).removeprefix(f"{path}: ")))
            break
        states.append(rotasi.baru)
        rotations.append(rotasi)
    return states, rotations, problems


def _authorised(states: list[Setelan], old: Setelan, new: Setelan) -> bool:
    return any(a == old and new in states[i + 1:] for i, a in enumerate(states))


# ---- the check ----------------------------------------------------------------------------------------

def _first_pin(riwayat: urutan.Riwayat, settings: dict[str, Setelan]) -> tuple[str, Setelan] | None:
    """The anchor: the first commit (parents first) that pins a root where its first parent pinned none."""
    for sha in riwayat.topo:
        parents = riwayat.induk[sha]
        if settings[sha].sidik_jari and not (settings[parents[0]].sidik_jari if parents else ""):
            return sha, settings[sha]
    return None


def jangkar_pertama(repo, riwayat: urutan.Riwayat, config_path: str) -> str | None:
    """The commit that first pinned a root in the history of `config_path` (None: never pinned)."""
    found = _first_pin(riwayat, setelan_riwayat(repo, riwayat.topo, config_path))
    return found[0] if found else None


def periksa(repo, riwayat: urutan.Riwayat, config_path: str) -> Jangkar:
    """The trust root at `riwayat.ujung`, checked across the whole history of `config_path`."""
    settings = setelan_riwayat(repo, riwayat.topo, config_path)
    anchor = _first_pin(riwayat, settings)
    chains: dict[str, list[Setelan]] = {}
    unauthorised: list[tuple[str, Setelan, Setelan]] = []
    problems: list[tuple[int, str, str]] = []

    def chain_at(sha: str) -> list[Setelan]:
        if sha not in chains:
            chains[sha] = rantai_rotasi(tree_files(repo.commit(sha), ROTASI_DIR) or {}, anchor[1])[0]
        return chains[sha]

    for sha in riwayat.topo:
        new = settings[sha]
        parents = riwayat.induk[sha]
        old = settings[parents[0]] if parents else Setelan()
        if new == old or (not new.sidik_jari and not old.sidik_jari):
            continue
        if not old.sidik_jari:
            if new != anchor[1]:
                problems.append((EXIT_REGISTRY, config_path, f"commit {sha[:12]} menyematkan kunci akar dari awal "
                                 f"({new.teks()}), padahal riwayat ini sudah dijangkarkan di commit "
                                 f"{anchor[0][:12]} ({anchor[1].teks()}). Dua sematan awal yang berbeda (riwayat "
                                 "lain digabungkan?) tidak dapat dipercaya; pulihkan riwayat repositori yang sah."))
            continue
        if not _authorised(chain_at(sha), old, new):
            unauthorised.append((sha, old, new))
    tip = settings[riwayat.ujung]
    if anchor is None:
        problems.append((EXIT_REGISTRY, config_path, "tidak menyematkan kunci akar di commit yang diperiksa "
                         "(pengesahan.sidik_jari_akar). Jalankan `python build.py officials init` lalu commit."))
        return Jangkar(tip, riwayat.ujung, "", (), problems)
    if not tip.sidik_jari:
        removed = next((sha for sha, _, new in reversed(unauthorised) if new == tip), riwayat.ujung)
        problems.append((EXIT_REGISTRY, config_path, f"sematan kunci akar dihapus (commit {removed[:12]}), padahal "
                         f"riwayat ini dijangkarkan di commit {anchor[0][:12]} ({anchor[1].teks()}); menghapus "
                         "sematan tidak dapat disahkan rotasi. Registri dan pernyataan tidak dipercaya. Kembalikan "
                         "sematan yang sah (git revert commit itu)."))
        return Jangkar(tip, riwayat.ujung, anchor[0], (), problems)
    states, rotations, found = rantai_rotasi(tree_files(repo.commit(riwayat.ujung), ROTASI_DIR) or {}, anchor[1])
    problems += found
    jangkar = Jangkar(tip, _set_at(riwayat, settings), anchor[0], tuple(rotations), problems)
    for sha, old, new in unauthorised:
        text = (f"commit {sha[:12]} mengganti setelan akar tanpa rotasi yang ditandatangani kunci akar lama: "
                f"{old.teks()} → {new.teks()}")
        if new == tip:
            problems.append((EXIT_REGISTRY, config_path, f"{text}. Registri dan pernyataan yang ditandatangani "
                             "dengan akar baru tidak dipercaya. Kembalikan sematan yang sah (git revert commit itu), "
                             "lalu ganti akar dengan `python build.py officials rotate-root` (ditandatangani "
                             "pemegang kunci akar lama)."))
        else:
            jangkar.peringatan.append(f"{text} (sudah tidak berlaku di commit yang diperiksa).")
    if tip != states[-1] and not any(p[0] == EXIT_REGISTRY and p[1] == config_path for p in problems):
        where = rotations[-1].path if rotations else "jangkar"
        problems.append((EXIT_REGISTRY, config_path, f"menyebut {tip.teks()}, tetapi rantai rotasi berakhir di "
                         f"{states[-1].teks()} ({where}). Sesuaikan {config_path} dengan rotasi terakhir yang sah."))
    return jangkar


def _set_at(riwayat: urutan.Riwayat, settings: dict[str, Setelan]) -> str:
    """The commit on the first-parent line where the setting in force at the tip began."""
    tip = settings[riwayat.ujung]
    index = len(riwayat.garis) - 1
    while index and settings[riwayat.garis[index - 1]] == tip:
        index -= 1
    return riwayat.garis[index]
