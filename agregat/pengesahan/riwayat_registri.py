"""Registry changes in commit order: when each key and role entered the registry and when it was ended.

The registry's dates (`berlaku_sampai`, `sampai`) say until when a key or role is valid, but a statement's
time is whatever its signer wrote, so a revoked key could sign "a week earlier". What the signer cannot
choose is where the statement's commit sits in the history (agregat.pengesahan.urutan). Hence, for every statement
(the commit that first added it, `ditambahkan`):

* Entry: its key and the role entry it signs under must already be in the registry of a parent of the
  statement's commit, i.e. the statement's commit descends from the registry commit that added them.
  A statement added in the same commit as its key or role is refused: nothing shows which came first.
* End: when a registry commit ended (or removed) that key or that role entry, the statement's commit must
  be a proper ancestor of that commit (urutan.Riwayat.sebelum); otherwise (a descendant, or on a line
  unrelated to it) it is refused whatever time it claims. A registry commit that
  ends a role or key with a date still to come therefore ends it at once for new statements: end a role
  or key once its holder has signed what they still had to sign.

Only root-signed registries count (signed by a root of the anchored chain, agregat.pengesahan.akar); a commit whose
registry is not validly signed keeps the registry of its first parent. Changes are read between each
commit and its first parent, as everywhere in the approvals' history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from agregat.pengesahan import pejabat as pejabat_mod
from agregat.pengesahan import sshsig
from agregat.pengesahan import urutan
from agregat.core.errors import EXIT_NOT_AUTHORISED
from agregat.pengesahan.pejabat import REGISTRI_FILE, SIG_SUFFIX, Registri, span_text

ENDING = ("kunci-berakhir", "kunci-dihapus", "peran-berakhir", "peran-dihapus")


@dataclass(frozen=True)
class Perubahan:
    """One change the root made to the registry in one commit."""

    commit: str
    principal: str
    jenis: str                                  # pejabat-baru, kunci-baru, kunci-berakhir, peran-baru, …
    teks: str
    kunci: str = ""                             # the public key a key change is about
    peran: tuple[str, date] | None = None       # (role, from) a role change is about


@dataclass
class RiwayatRegistri:
    riwayat: urutan.Riwayat
    registri: dict[str, Registri]               # commit → the root-signed registry in force there
    perubahan: list[Perubahan]                  # every change, in a listing order consistent with history

    def _before(self, commit: str) -> list[Registri]:
        """The registries a commit was made on: those of its parents (ancestry only, never the first-parent
        line, whose shape whoever merges chooses; see agregat.pengesahan.urutan)."""
        return [self.registri[p] for p in self.riwayat.parents(commit) if p in self.registri]

    def kunci_masuk(self, commit: str, principal: str, publik: str) -> bool:
        return any(_key_of(r, principal, publik) is not None for r in self._before(commit))

    def peran_masuk(self, commit: str, principal: str, peran: pejabat_mod.Peran) -> bool:
        return any(_role_of(r, principal, peran.peran, peran.dari) is not None for r in self._before(commit))

    def pengakhiran(self, principal: str, publik: str | None = None,
                    peran: pejabat_mod.Peran | None = None) -> list[Perubahan]:
        """The registry commits that ended (or removed) this key, or this role entry, of `principal`."""
        return [c for c in self.perubahan if c.jenis in ENDING and c.principal == principal and (
            (publik is not None and c.kunci and _same(c.kunci, publik))
            or (peran is not None and c.peran == (peran.peran, peran.dari)))]

    def selama(self, awal: str, akhir: str | None) -> list[Perubahan]:
        """Changes not committed before `awal` and (unless `akhir` is None: still open) not after `akhir`."""
        return [c for c in self.perubahan if not self.riwayat.sebelum(c.commit, awal)
                and (akhir is None or not self.riwayat.sebelum(akhir, c.commit))]


def _same(a: str, b: str) -> bool:
    return a.split()[:2] == b.split()[:2]


def _key_of(registri: Registri, principal: str, publik: str):
    official = registri.find(principal)
    return None if official is None else next((k for k in official.kunci if _same(k.publik, publik)), None)


def _role_of(registri: Registri, principal: str, peran: str, dari: date):
    official = registri.find(principal)
    return None if official is None else next((r for r in official.peran if (r.peran, r.dari) == (peran, dari)), None)


# ---- reading -------------------------------------------------------------------------------------------

def baca(repo, riwayat: urutan.Riwayat, roots: tuple[str, ...]) -> RiwayatRegistri:
    """The root-signed registry of every commit and the changes between each commit and its first parent."""
    data_ids = urutan.blob_ids(repo, riwayat.topo, REGISTRI_FILE)
    sig_ids = urutan.blob_ids(repo, riwayat.topo, REGISTRI_FILE + SIG_SUFFIX)
    trusted: dict[tuple, Registri | None] = {}
    in_force: dict[str, Registri] = {}
    changes: list[Perubahan] = []
    for sha in riwayat.topo:
        pair = (data_ids[sha], sig_ids[sha])
        if pair not in trusted:
            trusted[pair] = _trusted(repo, pair, roots)
        parents = riwayat.induk[sha]
        before = in_force.get(parents[0]) if parents else None
        registri = trusted[pair] or before
        if registri is None:
            continue
        in_force[sha] = registri
        if registri is not before:
            changes += diff(sha, before or Registri(registri.akar), registri)
    changes.sort(key=lambda c: riwayat.posisi(c.commit))
    return RiwayatRegistri(riwayat, in_force, changes)


def _trusted(repo, pair: tuple[str | None, str | None], roots: tuple[str, ...]) -> Registri | None:
    if None in pair:
        return None
    data, sig = urutan.blob(repo, pair[0]), urutan.blob(repo, pair[1])
    return next((r for r in (pejabat_mod.trusted_or_none(data, sig, fp) for fp in roots) if r is not None), None)


def diff(commit: str, old: Registri, new: Registri) -> list[Perubahan]:
    """What the root changed from `old` to `new`, one Perubahan per key, role or official."""
    found: list[Perubahan] = []
    for official in new.pejabat:
        who = f"{official.principal} ({official.nama})"
        before = old.find(official.principal)
        if before is None:
            found.append(Perubahan(commit, official.principal, "pejabat-baru", f"pejabat baru {who}"))
        for key in official.kunci:
            fp = sshsig.fingerprint(key.publik)
            earlier = next((k for k in (before.kunci if before else ()) if _same(k.publik, key.publik)), None)
            if earlier is None:
                found.append(Perubahan(commit, official.principal, "kunci-baru", f"kunci {fp} ditambahkan untuk {who}, "
                                       f"berlaku {span_text(key.berlaku_dari, key.berlaku_sampai)}", kunci=key.publik))
            elif key.berlaku_sampai is not None and (earlier.berlaku_sampai is None
                                                     or key.berlaku_sampai < earlier.berlaku_sampai):
                found.append(Perubahan(commit, official.principal, "kunci-berakhir", f"kunci {fp} milik {who} "
                                       f"diakhiri {key.berlaku_sampai.isoformat()}", kunci=key.publik))
        for role in official.peran:
            earlier = _role_of(old, official.principal, role.peran, role.dari)
            if earlier is None:
                found.append(Perubahan(commit, official.principal, "peran-baru", f"peran {role.peran} untuk {who}, "
                                       f"{span_text(role.dari, role.sampai)}", peran=(role.peran, role.dari)))
            elif role.sampai is not None and (earlier.sampai is None or role.sampai < earlier.sampai):
                found.append(Perubahan(commit, official.principal, "peran-berakhir", f"peran {role.peran} {who} "
                                       f"diakhiri {role.sampai.isoformat()}", peran=(role.peran, role.dari)))
    for official in old.pejabat:
        now = new.find(official.principal)
        who = f"{official.principal} ({official.nama})"
        for key in official.kunci:
            if now is None or _key_of(new, official.principal, key.publik) is None:
                found.append(Perubahan(commit, official.principal, "kunci-dihapus", f"kunci "
                                       f"{sshsig.fingerprint(key.publik)} milik {who} dihapus", kunci=key.publik))
        for role in official.peran:
            if now is None or _role_of(new, official.principal, role.peran, role.dari) is None:
                found.append(Perubahan(commit, official.principal, "peran-dihapus", f"peran {role.peran} {who} "
                                       "dihapus", peran=(role.peran, role.dari)))
    return found


# ---- the checks ----------------------------------------------------------------------------------------

def temuan(riwayat_registri: RiwayatRegistri, path: str, ditambahkan: str | None, principal: str, publik: str,
           peran: pejabat_mod.Peran) -> list[tuple[int, str, str]]:
    """Commit-order problems of one statement (added in commit `ditambahkan`) signed by `publik` under the
    role entry `peran` of `principal`; [] when its commit is where the rules want it. `ditambahkan` may be
    urutan.CALON: the commit `approve` is about to make."""
    if ditambahkan is None:
        return []
    order = riwayat_registri.riwayat
    added = order.singkat(ditambahkan)
    fp = sshsig.fingerprint(publik)
    if not riwayat_registri.kunci_masuk(ditambahkan, principal, publik):
        return [(EXIT_NOT_AUTHORISED, path, f"di-commit ({added}) sebelum kunci {fp} ({principal}) masuk "
                 "registri pejabat, atau di commit yang sama. Kunci hanya mengesahkan pernyataan yang di-commit "
                 "sesudah commit registri yang menambahkannya.")]
    if not riwayat_registri.peran_masuk(ditambahkan, principal, peran):
        return [(EXIT_NOT_AUTHORISED, path, f"di-commit ({added}) sebelum peran {peran.peran} {principal} "
                 "masuk registri pejabat, atau di commit yang sama. Peran hanya berlaku untuk pernyataan yang "
                 "di-commit sesudah commit registri yang menambahkannya.")]
    for ended in riwayat_registri.pengakhiran(principal, publik=publik, peran=peran):
        if not order.sebelum(ditambahkan, ended.commit):
            return [(EXIT_NOT_AUTHORISED, path, f"di-commit ({added}) tidak sebelum commit registri "
                     f"{ended.commit[:12]} ({ended.teks}). Sesudah kunci atau peran diakhiri, pernyataan baru "
                     "dengannya ditolak apa pun waktu yang ditulis di dalamnya: urutan commit yang menentukan. "
                     "Langkah ini harus ditandatangani pejabat yang berwenang sekarang.")]
    return []


def laporan(riwayat_registri: RiwayatRegistri, revisi: list[tuple[int, str, str | None]]) -> list[str]:
    """Lines naming every registry change made while a revision was open: `revisi` holds (revision, commit of
    its first statement, commit of its closing statement or None while it is open)."""
    lines = []
    for number, start, end in revisi:
        for change in riwayat_registri.selama(start, end):
            lines.append(f"revisi {number}: commit {change.commit[:12]}: {change.teks}")
    return lines
