"""Verification of an edition's approval chain, from committed git objects only (never the working tree).

    rantai = periksa(repo_dir, "2025-S1", sidik_jari_akar, ref="HEAD")
    rantai.temuan        # every problem found, each with its exit code, file and what to do
    rantai.berikutnya    # the next SOP step (or None when the book is registered)

What is checked, in order: the trust root as anchored in the history of the configuration (agregat.pengesahan.akar:
the first pin is the anchor, every later change signed by the previous root); the registry and the policy
are signed by the pinned root key and `approvals/allowed_signers` matches the registry; no earlier root-signed registry in the history had already
ended a key or role the current one allows (an old registry put back); the git history of
`approvals/<periode>/` (every statement file added once, never modified, deleted or renamed — merge commits
included; a shallow clone is refused); every statement's form (a time not in the future), place in the SOP
order, hash chain, signature (namespace, key of the claimed principal, valid at the statement's time), the
signer's role at that time and the separation of duties; one digest per revision; and the digest recomputed
from the committed `data/<periode>/` against the approved one; and the commit order of every statement
against the registry commits that added and ended its key and role (agregat.pengesahan.riwayat_registri).
"""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from agregat.pengesahan import akar
from agregat.pengesahan import pernyataan
from agregat.pengesahan import riwayat_registri
from agregat.pengesahan import sshsig
from agregat.pengesahan import urutan
from agregat.pengesahan import pejabat as pejabat_mod
from agregat.core.digest import digest_of_contents
from agregat.core.errors import (
    EXIT_BAD_SIGNATURE,
    EXIT_CHAIN,
    EXIT_DATA_CHANGED,
    EXIT_HISTORY,
    EXIT_NOT_AUTHORISED,
    EXIT_REGISTRY,
    AgregatError,
    EditionError,
    UsageError,
)
from agregat.core.gitobjek import edition_tree_files, open_repo, resolve, tree_files
from agregat.core.periode import WITA

#: How far a statement's time may run ahead of this machine's clock (clocks drift a little).
TOLERANSI_JAM = dt.timedelta(minutes=10)
REGISTRY_FILES = ("approvals/pejabat.yml", "approvals/pejabat.yml.sig", "approvals/policy.yml",
                  "approvals/policy.yml.sig")
ALLOWED_SIGNERS = "approvals/allowed_signers"
DEFAULT_CONFIG = "kabupaten.yml"


@dataclass(frozen=True)
class Temuan:
    """One problem: the exit code it stands for, the file it is about, and what to do."""

    kode: int
    berkas: str
    pesan: str

    def __str__(self) -> str:
        return f"{self.berkas}: {self.pesan}" if self.berkas else self.pesan


@dataclass(frozen=True)
class Tertanda:
    """A statement that passed every check, with the official who signed it."""

    pernyataan: pernyataan.Pernyataan
    pejabat: pejabat_mod.Pejabat
    sha256: str


@dataclass(frozen=True)
class Posisi:
    """The place a chain leaves for its next statement: everything that statement is checked against."""

    revisi: int                              # the revision it belongs to
    ditutup: bool                            # the last statement closed its revision (`tolak`): a new one starts
    langkah: pejabat_mod.Langkah | None      # the SOP step it must be (None: the book is registered)
    sebelumnya: str                          # sha256 of the last statement ("" when there is none)
    waktu: dt.datetime | None                # the last statement's time (it may not be earlier)
    digest: str | None                       # the digest the revision in progress approved (None at its start)
    penanda_tangan: dict[str, tuple[str, ...]]   # principal → steps they signed in the revision in progress


@dataclass
class Rantai:
    """The approval chain of one edition as far as it goes."""

    periode: str
    ref: str
    registri: pejabat_mod.Registri | None = None
    kebijakan: pejabat_mod.Kebijakan | None = None
    tertanda: list[Tertanda] = field(default_factory=list)
    temuan: list[Temuan] = field(default_factory=list)
    digest_data: str | None = None      # recomputed from the committed data/<periode>/
    jangkar: akar.Jangkar | None = None                          # the trust root and where history set it
    riwayat_registri: riwayat_registri.RiwayatRegistri | None = None
    ditambahkan: dict[str, list[str]] = field(default_factory=dict)   # statement path → commits that added it

    def commit_tambah(self, path: str) -> str | None:
        """The earliest commit that added `path` (in a listing order consistent with the history)."""
        commits = self.ditambahkan.get(path)
        if not commits or self.riwayat_registri is None:
            return None
        return min(commits, key=self.riwayat_registri.riwayat.posisi)

    def perubahan_registri(self) -> list[str]:
        """Every registry change made while a revision of this edition was open (agregat.pengesahan.riwayat_registri)."""
        if self.riwayat_registri is None or self.kebijakan is None:
            return []
        spans = []
        for number in sorted({t.pernyataan.revisi for t in self.tertanda}):
            items = [t.pernyataan for t in self.tertanda if t.pernyataan.revisi == number]
            closed = items[-1].keputusan == pejabat_mod.TOLAK or items[-1].langkah == self.kebijakan.langkah[-1].nama
            start, end = self.commit_tambah(items[0].path), self.commit_tambah(items[-1].path)
            if start is not None:
                spans.append((number, start, end if closed else None))
        return riwayat_registri.laporan(self.riwayat_registri, spans)

    @property
    def sah(self) -> bool:
        return not self.temuan

    @property
    def kode_keluar(self) -> int:
        """The exit code of the first problem (0 when none)."""
        return self.temuan[0].kode if self.temuan else 0

    @property
    def revisi(self) -> int:
        """The revision in progress: the last one, or the next after a `tolak`."""
        if not self.tertanda:
            return 1
        last = self.tertanda[-1].pernyataan
        return last.revisi + 1 if last.keputusan == pejabat_mod.TOLAK else last.revisi

    @property
    def revisi_ini(self) -> list[Tertanda]:
        """Signed statements of the revision in progress."""
        return [t for t in self.tertanda if t.pernyataan.revisi == self.revisi]

    @property
    def digest_disetujui(self) -> str | None:
        current = self.revisi_ini
        return current[0].pernyataan.digest_edisi if current else None

    @property
    def berikutnya(self) -> pejabat_mod.Langkah | None:
        """The next SOP step to sign, None when the last step is done (or there is no policy)."""
        if self.kebijakan is None:
            return None
        current = self.revisi_ini
        if not current:
            return self.kebijakan.langkah[0]
        return self.kebijakan.next_after(current[-1].pernyataan.langkah)

    def posisi(self) -> Posisi:
        """Where the next statement goes, after the statements accepted so far (`tertanda`)."""
        last = self.tertanda[-1] if self.tertanda else None
        signers: dict[str, tuple[str, ...]] = {}
        for item in self.revisi_ini:
            signers[item.pernyataan.principal] = signers.get(item.pernyataan.principal, ()) + (item.pernyataan.langkah,)
        return Posisi(revisi=self.revisi, ditutup=last is not None and last.pernyataan.keputusan == pejabat_mod.TOLAK,
                      langkah=self.berikutnya, sebelumnya=last.sha256 if last else "",
                      waktu=last.pernyataan.waktu if last else None, digest=self.digest_disetujui,
                      penanda_tangan=signers)

    def sampai(self, langkah: str) -> bool:
        """True when the revision in progress is validly signed through `langkah`."""
        return self.sah and any(t.pernyataan.langkah == langkah for t in self.revisi_ini)

    def langkah(self, nama: str) -> Tertanda | None:
        return next((t for t in self.revisi_ini if t.pernyataan.langkah == nama), None)


# ---- reading git ----------------------------------------------------------------------------------

def _blob(commit, path: str) -> bytes | None:
    try:
        item = commit.tree / path
    except KeyError:
        return None
    return item.data_stream.read() if item.type == "blob" else None


def history_findings(repo, ref: str, periode: str, tip_files: dict[str, bytes],
                     added_in: dict[str, list[str]] | None = None) -> list[Temuan]:
    """Every statement file under approvals/<periode>/ was added once and never modified, deleted or
    renamed, in every commit reachable from `ref` (merge commits compared with their first parent).
    `added_in`, when given, receives {path: every commit that added it}."""
    return folder_history_findings(repo, ref, f"{pernyataan.ROOT}/{periode}/", tip_files, added_in)


def folder_history_findings(repo, ref: str, prefix: str, tip_files: dict[str, bytes],
                            added_in: dict[str, list[str]] | None = None) -> list[Temuan]:
    """The append-only rule of history_findings for any folder of signed files (statements, rotations)."""
    import git

    try:
        log = repo.git.log(ref, "--no-renames", "--full-history", "--diff-merges=first-parent", "--raw",
                           "--no-abbrev", "--format=commit %H", "--", prefix)
    except git.GitCommandError:
        raise UsageError(f"Riwayat git untuk {prefix} tidak dapat dibaca dari ref '{ref}'.") from None
    findings: list[Temuan] = []
    if repo.git.rev_parse("--is-shallow-repository").strip() == "true":
        findings.append(Temuan(EXIT_HISTORY, prefix, "riwayat git tidak lengkap (clone dangkal/shallow), jadi "
                               "perubahan lama pada pernyataan tidak dapat diperiksa. Jalankan `git fetch "
                               "--unshallow` (di CI: fetch-depth: 0 / GIT_DEPTH: \"0\"), lalu ulangi."))
    added: dict[str, set[str]] = {}
    commit = full = ""
    for line in log.splitlines():
        if line.startswith("commit "):
            full = line.split()[1]
            commit = full[:12]
        elif line.startswith(":"):
            meta, path = line.split("\t", 1)
            _, _, _, blob, status = meta.split()
            if status == "A":
                added.setdefault(path, set()).add(blob)
                if added_in is not None:
                    added_in.setdefault(path, []).append(full)
                continue
            action = {"M": "diubah", "D": "dihapus", "T": "diganti jenisnya"}.get(status[0], "diubah")
            findings.append(Temuan(EXIT_HISTORY, path, f"{action} di commit {commit}. Pernyataan yang sudah "
                                   "di-commit tidak boleh diubah, dipindah atau dihapus; kembalikan berkas "
                                   "aslinya (git revert) dan buat pernyataan baru bila perlu."))
    for path, blobs in sorted(added.items()):
        if len(blobs) > 1:
            findings.append(Temuan(EXIT_HISTORY, path, "ditambahkan lebih dari sekali dengan isi berbeda. "
                                   "Pernyataan tidak boleh diganti; kembalikan isi aslinya."))
        elif path not in tip_files:
            findings.append(Temuan(EXIT_HISTORY, path, f"pernah di-commit tetapi tidak ada di '{ref}' "
                                   "(dihapus, dipindah atau dibuang saat merge). Kembalikan berkasnya."))
    return findings


def registry_history_findings(repo, ref: str, registri: pejabat_mod.Registri,
                              sidik_jari_akar: str | tuple[str, ...]) -> list[Temuan]:
    """The registry at `ref` must not give back what an earlier root-signed version (in any commit reachable
    from `ref`) had already ended: otherwise anyone could restore an old, still validly signed registry and
    revive a revoked key or an ended role."""
    import git

    name = pejabat_mod.REGISTRI_FILE
    try:
        commits = repo.git.log(ref, "--full-history", "--format=%H", "--", name, name + pejabat_mod.SIG_SUFFIX)
    except git.GitCommandError:
        raise UsageError(f"Riwayat git untuk {name} tidak dapat dibaca dari ref '{ref}'.") from None
    roots = (sidik_jari_akar,) if isinstance(sidik_jari_akar, str) else sidik_jari_akar
    seen: set[tuple[bytes, bytes]] = set()
    for sha in commits.split():
        tree = repo.commit(sha)
        pair = (_blob(tree, name), _blob(tree, name + pejabat_mod.SIG_SUFFIX))
        if pair in seen:
            continue
        seen.add(pair)
        older = next((r for r in (pejabat_mod.trusted_or_none(*pair, fp) for fp in roots) if r is not None), None)
        problems = pejabat_mod.widened_since(registri, older) if older is not None else []
        if problems:
            return [Temuan(EXIT_REGISTRY, name, f"memulihkan izin yang sudah dicabut di versi commit {sha[:12]}: "
                           + "; ".join(problems[:pejabat_mod.MAX_PROBLEMS]) + ". Registri lama dipulihkan? "
                           "Kembalikan registri terbaru yang ditandatangani kunci akar; perubahan registri hanya "
                           "lewat `python build.py officials` (peran dan kunci hanya dapat diakhiri).")]
    return []


# ---- checking -------------------------------------------------------------------------------------

def periksa(repo_dir: Path, periode: str, sidik_jari_akar: str, ref: str = "HEAD",
            data_prefix: str = "data", config_path: str | None = DEFAULT_CONFIG) -> Rantai:
    """Verify the approval chain of `periode` as committed at `ref`.

    `sidik_jari_akar` is the pin of the working-tree configuration; what is trusted is the pin anchored in
    the history of `config_path` (the configuration's path inside the repository; None when it lies outside,
    which is refused) at `ref`, and the two must agree."""
    if posixpath.isabs(data_prefix) or posixpath.normpath(data_prefix).split("/")[0] == "..":
        raise UsageError(f"Folder edisi {data_prefix} tidak berada di dalam repositori git; pengesahan hanya "
                         "menyetujui data yang di-commit di repositori ini. Beri --data-dir di dalam repositori.")
    repo = open_repo(repo_dir)
    commit = resolve(repo, ref)
    rantai = Rantai(periode=periode, ref=ref)
    approvals = tree_files(commit, "approvals") or {}
    riwayat = urutan.baca(repo, commit.hexsha)
    if not anchor_findings(rantai, repo, riwayat, config_path, sidik_jari_akar, approvals):
        return rantai
    sidik_jari_akar = rantai.jangkar.setelan.sidik_jari
    try:
        rantai.registri, rantai.kebijakan = pejabat_mod.load_trusted(
            {name: approvals[name] for name in REGISTRY_FILES if name in approvals}, sidik_jari_akar)
    except AgregatError as exc:
        rantai.temuan.append(Temuan(EXIT_REGISTRY, "approvals/pejabat.yml", str(exc)))
        return rantai
    roots = rantai.jangkar.sidik_jari_semua
    rantai.temuan += registry_history_findings(repo, commit.hexsha, rantai.registri, roots)
    rantai.riwayat_registri = riwayat_registri.baca(repo, riwayat, roots)
    expected = pejabat_mod.allowed_signers(rantai.registri)
    if approvals.get(ALLOWED_SIGNERS) != expected:
        rantai.temuan.append(Temuan(EXIT_REGISTRY, ALLOWED_SIGNERS, "tidak sesuai dengan registri pejabat. "
                                    "Buat ulang dengan `python build.py officials list --write-allowed-signers` "
                                    "lalu commit."))
    statements = {path: data for path, data in approvals.items() if path.startswith(f"approvals/{periode}/")}
    rantai.temuan += history_findings(repo, commit.hexsha, periode, statements, rantai.ditambahkan)
    edition = posixpath.normpath(f"{data_prefix}/{periode}")
    try:
        data = edition_tree_files(commit, edition)   # an edition breaking the folder rule is never digested
    except EditionError as exc:
        data = None
        rantai.temuan.append(Temuan(exc.exit_code, f"{edition}/", str(exc)))
    if data:
        rantai.digest_data = digest_of_contents(data)
    check_chain(rantai, statements)
    return rantai


def anchor_findings(rantai: Rantai, repo, riwayat, config_path: str | None, sidik_jari_akar: str,
                    approvals: dict[str, bytes]) -> bool:
    """Anchor the trust root in history (agregat.pengesahan.akar) into `rantai`; False when nothing can be trusted."""
    if config_path is None:
        rantai.temuan.append(Temuan(EXIT_REGISTRY, "kabupaten.yml", "berkas konfigurasi tidak berada di dalam "
                                    "repositori git, jadi sematan kunci akar tidak dapat dijangkarkan di riwayat. "
                                    "Pakai --config yang berada di repositori (dan di-commit)."))
        return False
    rantai.jangkar = akar.periksa(repo, riwayat, config_path)
    rantai.temuan += [Temuan(*problem) for problem in rantai.jangkar.temuan]
    prefix = akar.ROTASI_DIR + "/"
    rantai.temuan += folder_history_findings(repo, riwayat.ujung, prefix,
                                             {p: d for p, d in approvals.items() if p.startswith(prefix)})
    pinned = rantai.jangkar.setelan.sidik_jari
    if sidik_jari_akar and pinned and sidik_jari_akar != pinned:
        rantai.temuan.append(Temuan(EXIT_REGISTRY, config_path, f"di folder kerja menyematkan {sidik_jari_akar}, "
                                    f"tetapi yang di-commit di '{rantai.ref}' {pinned}. Yang dipercaya hanya sematan "
                                    "yang di-commit; commit perubahan kunci akar (dengan rotasi yang sah) atau "
                                    "pulihkan berkasnya (git checkout -- kabupaten.yml)."))
    return not rantai.temuan


def check_chain(rantai: Rantai, files: dict[str, bytes]) -> None:
    """Check the statements of one period (files under approvals/<periode>/) and append to `rantai`."""
    parsed: list[tuple[pernyataan.Pernyataan, bytes, bytes]] = []
    for path in sorted(files):
        if path.endswith(pernyataan.SIG_SUFFIX):
            if path[:-len(pernyataan.SIG_SUFFIX)] not in files:
                rantai.temuan.append(Temuan(EXIT_CHAIN, path, "tanda tangan tanpa pernyataan di sampingnya."))
            continue
        read = _read_statement(rantai.periode, path, files)
        if isinstance(read, Temuan):
            rantai.temuan.append(read)
            continue
        parsed.append((read, files[path], files[path + pernyataan.SIG_SUFFIX]))
    parsed.sort(key=lambda item: (item[0].revisi, item[0].nomor_langkah))
    _walk(rantai, parsed)


def _read_statement(periode: str, path: str, files: dict[str, bytes]) -> pernyataan.Pernyataan | Temuan:
    """The statement file `path` of `files` (its signature beside it), or the problem that stops reading it."""
    where = pernyataan.parse_path(path)
    if where is None or where[0] != periode:
        return Temuan(EXIT_CHAIN, path, "bukan berkas pernyataan yang dikenal (approvals/<periode>/r<revisi>/"
                      "<NN>-<langkah>.yml). Hapus berkas ini dari folder pengesahan.")
    if path + pernyataan.SIG_SUFFIX not in files:
        return Temuan(EXIT_BAD_SIGNATURE, path, "tidak ada tanda tangan (.sig) di sampingnya.")
    try:
        statement = pernyataan.parse(files[path], path)
    except AgregatError as exc:
        return Temuan(EXIT_CHAIN, path, str(exc).removeprefix(f"{path}: "))
    if (statement.periode, statement.revisi, statement.nomor_langkah, statement.langkah) != where:
        return Temuan(EXIT_CHAIN, path, "isi pernyataan (periode, revisi, langkah) tidak sesuai dengan nama dan "
                      "letak berkasnya.")
    return statement


def _walk(rantai: Rantai, parsed: list[tuple[pernyataan.Pernyataan, bytes, bytes]]) -> None:
    """Accept the statements in order, each at the place the ones before it leave (Rantai.posisi), until the
    first one with a problem."""
    allowed = pejabat_mod.allowed_signers(rantai.registri)
    for statement, data, signature in parsed:
        problems = statement_findings(rantai, statement, data, signature, allowed,
                                      rantai.commit_tambah(statement.path))
        if problems:
            rantai.temuan += problems
            return
        official = rantai.registri.find(statement.principal)
        rantai.tertanda.append(Tertanda(statement, official, pernyataan.sha256(data)))
    place = rantai.posisi()
    if rantai.tertanda and not place.ditutup and rantai.digest_data != place.digest:
        last = rantai.tertanda[-1].pernyataan
        rantai.temuan.append(Temuan(EXIT_DATA_CHANGED, f"data/{rantai.periode}/",
                                    f"berubah setelah disetujui: digest sekarang {rantai.digest_data or '(tidak ada)'}, "
                                    f"yang ditandatangani di {last.path} {place.digest}. Kembalikan data yang "
                                    "disetujui, atau minta Kabid menolak (tolak) agar revisi baru dimulai."))


def statement_findings(rantai: Rantai, statement: pernyataan.Pernyataan, data: bytes, signature: bytes,
                       allowed: bytes, commit: str | None) -> list[Temuan]:
    """THE rule for one statement (its bytes `data`, its `signature`, added in `commit`) as the next of the
    chain `rantai` has accepted so far: its place (revision, SOP step), its content against the statement
    before it, its signer, the separation of duties, then its commit order. `verify` runs it on every
    committed statement, `approve` on the one it is about to write (commit urutan.CALON): the two can never
    disagree. Returns the problems of the first group that has any ([] when the statement is good)."""
    place = rantai.posisi()
    return (_place_findings(place, statement) or _statement_findings(rantai, place, statement, data, signature, allowed)
            or _order_findings(rantai, statement, signature, place.langkah, commit))


def candidate_findings(rantai: Rantai, path: str, data: bytes, signature: bytes) -> list[Temuan]:
    """What `verify` would find about one more statement file (`data` at `path`, `signature` beside it)
    committed on top of the chain read into `rantai`: the file checks and `statement_findings`, at the
    candidate's place in the chain, its commit a new one on top of the commit read (urutan.CALON)."""
    read = _read_statement(rantai.periode, path, {path: data, path + pernyataan.SIG_SUFFIX: signature})
    if isinstance(read, Temuan):
        return [read]
    return statement_findings(rantai, read, data, signature, pejabat_mod.allowed_signers(rantai.registri),
                              urutan.CALON)


def _place_findings(place: Posisi, statement: pernyataan.Pernyataan) -> list[Temuan]:
    """The statement's revision and SOP step against the place the chain leaves for it."""
    path = statement.path
    last = place.revisi - 1 if place.ditutup else place.revisi
    if place.ditutup and statement.revisi == last:
        return [Temuan(EXIT_CHAIN, path, f"revisi {last} sudah ditutup dengan 'tolak'; langkah berikutnya dimulai "
                       f"di revisi {place.revisi} dari 'draf'.")]
    if statement.revisi != place.revisi or (place.ditutup and statement.nomor_langkah != 1):
        return [Temuan(EXIT_CHAIN, path, f"revisi {statement.revisi} tidak boleh dimulai: revisi {last} belum "
                       "ditolak (tolak) oleh Kabid.")]
    step = place.langkah
    if step is None or (statement.nomor_langkah, statement.langkah) != (step.nomor, step.nama):
        wanted = f"{step.nomor:02d}-{step.nama}" if step else "tidak ada (buku sudah teregistrasi)"
        return [Temuan(EXIT_CHAIN, path, f"langkah di luar urutan SOP: yang seharusnya berikutnya {wanted}.")]
    return []


def _statement_findings(rantai: Rantai, place: Posisi, statement, data, signature, allowed) -> list[Temuan]:
    path, step = statement.path, place.langkah
    found: list[Temuan] = []
    if statement.sebelumnya != place.sebelumnya:
        found.append(Temuan(EXIT_CHAIN, path, "rantai hash putus: 'sebelumnya' bukan sha256 pernyataan sebelumnya."))
    if place.waktu is not None and statement.waktu < place.waktu:
        found.append(Temuan(EXIT_CHAIN, path, "waktunya lebih awal daripada pernyataan sebelumnya "
                            f"({pernyataan.waktu_text(place.waktu)})."))
    if statement.waktu > now() + TOLERANSI_JAM:
        found.append(Temuan(EXIT_CHAIN, path, f"waktunya ({pernyataan.waktu_text(statement.waktu)}) di masa depan. "
                            "Pernyataan mencatat waktu tindakan yang sudah terjadi; buat pernyataan baru dengan "
                            "waktu yang benar."))
    if place.digest is not None and statement.digest_edisi != place.digest:
        found.append(Temuan(EXIT_CHAIN, path, f"digest edisi berbeda dari langkah sebelumnya di revisi yang sama "
                            f"({place.digest}); satu revisi menyetujui satu isi data."))
    if statement.keputusan not in step.keputusan:
        found.append(Temuan(EXIT_CHAIN, path, f"keputusan '{statement.keputusan}' tidak berlaku untuk langkah "
                            f"'{step.nama}' (yang berlaku: {', '.join(step.keputusan)})."))
    if found:
        return found
    found += _signer_findings(statement, data, signature, step, rantai.registri, allowed)
    if found:
        return found
    for other in place.penanda_tangan.get(statement.principal, ()):
        if not rantai.kebijakan.may_combine(other, step.nama):
            found.append(Temuan(EXIT_NOT_AUTHORISED, path, f"{statement.principal} sudah menandatangani langkah "
                                f"'{other}' di revisi ini; satu orang tidak boleh menandatangani '{other}' dan "
                                f"'{step.nama}' sekaligus."))
    return found


def _order_findings(rantai: Rantai, statement, signature: bytes, step, commit: str | None) -> list[Temuan]:
    """The commit order of a statement (added in `commit`) whose signature is otherwise good
    (agregat.pengesahan.riwayat_registri)."""
    if rantai.riwayat_registri is None:
        return []
    official = rantai.registri.find(statement.principal)
    role = official.holds(step.peran, statement.waktu)
    return [Temuan(*problem) for problem in riwayat_registri.temuan(
        rantai.riwayat_registri, statement.path, commit, statement.principal, sshsig.public_key_of(signature), role)]


def _signer_findings(statement, data, signature, step, registri, allowed) -> list[Temuan]:
    path = statement.path
    when = statement.waktu
    official = registri.find(statement.principal)
    if official is None:
        return [Temuan(EXIT_NOT_AUTHORISED, path, f"penanda tangan {statement.principal} tidak ada di registri "
                       "pejabat (approvals/pejabat.yml).")]
    try:
        key = sshsig.public_key_of(signature)
    except AgregatError as exc:
        return [Temuan(EXIT_BAD_SIGNATURE, path + pernyataan.SIG_SUFFIX, str(exc))]
    if official.key_valid(key, when) is None:
        if any(k.publik == key for k in official.kunci):
            return [Temuan(EXIT_NOT_AUTHORISED, path, f"kunci {official.nama} ({statement.principal}) tidak "
                           f"berlaku pada {pernyataan.waktu_text(when)} ({_wita(when)}).")]
        return [Temuan(EXIT_BAD_SIGNATURE, path + pernyataan.SIG_SUFFIX, f"ditandatangani dengan kunci yang "
                       f"bukan milik {statement.principal} ({sshsig.fingerprint(key)}).")]
    if statement.peran != step.peran or official.holds(step.peran, when) is None:
        return [Temuan(EXIT_NOT_AUTHORISED, path, f"{official.nama} ({statement.principal}) tidak memegang peran "
                       f"'{step.peran}' pada {pernyataan.waktu_text(when)}; langkah '{step.nama}' "
                       f"hanya boleh ditandatangani peran itu.")]
    try:
        sshsig.verify(data, signature, allowed, statement.principal, sshsig.NAMESPACE_PERNYATAAN, when)
    except AgregatError as exc:
        return [Temuan(EXIT_BAD_SIGNATURE, path + pernyataan.SIG_SUFFIX, str(exc))]
    return []


def _wita(when: dt.datetime) -> str:
    return when.astimezone(WITA).strftime("%Y-%m-%d %H:%M:%S WITA")


def now() -> dt.datetime:
    return dt.datetime.now(WITA).replace(microsecond=0)
