"""The SOP acts: sign the next step (approve), say where an edition stands (status), gate the final build,
and register the printed book.

Every act starts from the chain as committed at HEAD (`verifikasi.periksa`), refuses anything the verifier
would reject (step out of order, key not holding the role, data changed since the draft), then writes the
statement and its signature atomically and commits both (the audit trail is git).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from agregat.pengesahan import pejabat as pejabat_mod
from agregat.pengesahan import pernyataan
from agregat.pengesahan import sshsig
from agregat.pengesahan import verifikasi
from agregat.core.atomik import write_atomic
from agregat.core.digest import edition_digest, file_sha256
from agregat.core.config import Config
from agregat.core.errors import (
    EXIT_DATA_CHANGED,
    EXIT_NOT_AUTHORISED,
    EXIT_PDF_MISMATCH,
    EXIT_REGISTRY,
    AgregatError,
    DataChangedError,
    RefusedError,
    RegistryError,
    UsageError,
)
from agregat.core.gitobjek import config_in_repo, open_repo, path_in_repo
from agregat.core.paths import Paths, shown
from agregat.core.peran import ROLES
from agregat.pengesahan.pejabat import ARAHAN_STEP, BEFORE_FINAL, FINAL_STEP, KEPALA_DINAS, REGISTRATION_STEP, TOLAK
from agregat.core.periode import WITA


@dataclass(frozen=True)
class Tindakan:
    """What a signer asks for: the step and its content."""

    langkah: str
    keputusan: str | None = None
    catatan: str = ""
    arahan: str = ""
    rincian: dict | None = None


def chain_context(config_path: Path, data_dir: Path, period: str, require_pin: bool = True,
                  config: Config | None = None) -> tuple[Path, Path, Config, str]:
    """(repo root, data dir, config, period) of an approval act on the edition `period` of `data_dir` (inside
    a git repository); without `require_pin`, a working-tree configuration pinning no root is let through
    (verify then reports what the history says). `config` is the configuration already read from
    `config_path` (read here when None): one command reads its configuration once."""
    from agregat.core.config import load_config
    from agregat.core.periode import Periode

    periode = str(Periode.parse(period))
    config = config if config is not None else load_config(config_path)
    if require_pin and not config.sidik_jari_akar:
        raise RegistryError(f"Sidik jari kunci akar belum dipasang di {shown(config_path)} "
                            "(pengesahan.sidik_jari_akar). Jalankan dulu `python build.py officials init "
                            "--root-pubkey KUNCI_AKAR.pub`.")
    data_dir = Path(data_dir).resolve()
    root = Path(open_repo(data_dir if data_dir.exists() else Path.cwd()).working_tree_dir).resolve()
    if not data_dir.is_relative_to(root):
        raise UsageError(f"Folder edisi {shown(data_dir)} tidak berada di dalam repositori git {shown(root)}.")
    return root, data_dir, config, periode


def periksa(repo_dir: Path, data_dir: Path, periode: str, config: Config, ref: str = "HEAD") -> verifikasi.Rantai:
    """The chain at `ref`, with the edition folder `data_dir` taken relative to the repository and the trust
    root anchored in the history of the configuration `config` was read from (`--config`, `config.path`),
    never of another configuration file in the repository."""
    repo = open_repo(repo_dir)
    root = Path(repo.working_tree_dir)
    return verifikasi.periksa(root, periode, config.sidik_jari_akar, ref=ref, data_prefix=path_in_repo(repo, data_dir),
                              config_path=config_in_repo(root, config.path) if config.path else None)


# ---- approve --------------------------------------------------------------------------------------

def approve(repo_dir: Path, data_dir: Path, periode: str, tindakan: Tindakan, key: Path, config: Config,
            waktu: dt.datetime | None = None, commit: bool = True) -> tuple[pernyataan.Pernyataan, Path]:
    """Sign the next step of `periode`'s chain with `key`; return the statement and its file.

    The statement is built and signed in memory, then judged by the verifier's own rule for one statement
    (verifikasi.candidate_findings, at its place in the chain, as a commit on top of HEAD): a committed
    statement can never be taken back, so one `verify` would reject is never written. Only what the verifier
    cannot see is checked here: which step and signer were meant, the options of the step, and that the
    working tree holds the committed data and approvals."""
    repo = open_repo(repo_dir)
    root = Path(repo.working_tree_dir)
    rantai = periksa(root, data_dir, periode, config)
    if not rantai.sah:
        raise RefusedError("Rantai pengesahan yang sudah di-commit belum sah, jadi langkah baru tidak dapat "
                           "ditambahkan: " + "; ".join(map(str, rantai.temuan[:3]))
                           + f". Jalankan `python build.py verify --period {periode}` untuk rinciannya.")
    _refuse_uncommitted(repo, periode, data_dir, root)
    step = _check_step(rantai, tindakan)
    public = sshsig.read_public_key(_public_key_path(key))
    official = _signer_of(rantai, public)
    keputusan = _check_content(step, tindakan)
    statement = pernyataan.Pernyataan(
        periode=periode, revisi=rantai.revisi, langkah=step.nama, nomor_langkah=step.nomor, keputusan=keputusan,
        principal=official.principal, peran=step.peran, digest_edisi=_working_digest(rantai, data_dir / periode),
        sebelumnya=rantai.posisi().sebelumnya, waktu=(waktu or verifikasi.now()).astimezone(WITA),
        catatan=tindakan.catatan.strip(), arahan=tindakan.arahan.strip(), rincian=dict(tindakan.rincian or {}))
    data = pernyataan.dump(statement)
    signature = sshsig.sign(data, key, sshsig.NAMESPACE_PERNYATAAN)
    problems = verifikasi.candidate_findings(rantai, statement.path, data, signature)
    if problems:
        who = f" Yang berwenang sekarang: {_holders(rantai, step, verifikasi.now())}." \
            if problems[0].kode == EXIT_NOT_AUTHORISED else ""
        raise RefusedError(f"Langkah '{step.nama}' tidak ditandatangani: `verify` akan menolak pernyataannya — "
                           f"{problems[0]} Tidak ada yang ditulis.{who}")
    target = root / statement.path
    write_atomic(target.with_name(target.name + pernyataan.SIG_SUFFIX), signature.decode("ascii"))
    write_atomic(target, data.decode("utf-8"))
    if commit:
        paths = [statement.path, statement.path + pernyataan.SIG_SUFFIX]
        repo.git.add("--", *paths)
        repo.git.commit("-m", commit_message(statement, official), "--", *paths)
    return statement, target


def commit_message(statement: pernyataan.Pernyataan, official: pejabat_mod.Pejabat) -> str:
    return (f"Pengesahan {statement.periode} r{statement.revisi} {statement.nomor_langkah:02d}-{statement.langkah}: "
            f"{statement.keputusan} ({official.nama}, {statement.principal})")


def _refuse_uncommitted(repo, periode: str, data_dir: Path, root: Path) -> None:
    prefixes = [f"approvals/{periode}/"]
    dirty = [path for path in repo.untracked_files if path.startswith(prefixes[0])]
    dirty += [item.a_path for item in repo.index.diff(None) if item.a_path.startswith(prefixes[0])]
    dirty += [item.a_path for item in repo.index.diff("HEAD") if item.a_path.startswith(prefixes[0])]
    if dirty:
        raise RefusedError(f"Ada berkas pengesahan {periode} yang belum di-commit ({', '.join(sorted(set(dirty)))}). "
                           "Commit atau buang dulu, lalu ulangi.")


def _check_step(rantai: verifikasi.Rantai, tindakan: Tindakan) -> pejabat_mod.Langkah:
    step = rantai.berikutnya
    if step is None:
        raise RefusedError(f"Buku {rantai.periode} sudah teregistrasi; tidak ada langkah SOP lagi.")
    if tindakan.langkah != step.nama:
        if rantai.kebijakan.step(tindakan.langkah) is None:
            names = ", ".join(s.nama for s in rantai.kebijakan.langkah)
            raise RefusedError(f"Langkah '{tindakan.langkah}' tidak ada di SOP. Langkah yang ada: {names}.")
        raise RefusedError(f"Langkah '{tindakan.langkah}' belum dapat ditandatangani: {menunggu(rantai)}")
    return step


def _signer_of(rantai: verifikasi.Rantai, public: str) -> pejabat_mod.Pejabat:
    """The official whose registry entry lists the key `public` (who the statement will name as signer);
    whether that key and role are good for this step is the verifier's to say."""
    owner = next((p for p in rantai.registri.pejabat if any(k.publik == public for k in p.kunci)), None)
    if owner is None:
        raise RefusedError(f"Kunci {sshsig.fingerprint(public)} tidak terdaftar di registri pejabat "
                           "(approvals/pejabat.yml). Minta pemegang kunci akar menambahkannya dengan "
                           "`python build.py officials add`.")
    return owner


def _check_content(step: pejabat_mod.Langkah, tindakan: Tindakan) -> str:
    keputusan = tindakan.keputusan or (step.keputusan[0] if len(step.keputusan) == 1 else None)
    if keputusan is None:
        raise RefusedError(f"Langkah '{step.nama}' perlu --decision: {' atau '.join(step.keputusan)}.")
    if keputusan == TOLAK and not tindakan.catatan.strip():
        raise RefusedError("Penolakan perlu --notes: tulis apa yang harus diperbaiki Kasi.")
    if step.nama == ARAHAN_STEP and not tindakan.arahan.strip():
        raise RefusedError("Paraf Kepala Dinas perlu --direction: arahan untuk Kasi (boleh singkat).")
    needed = pernyataan.STEP_FIELDS.get(step.nama, ())
    missing = [name for name in needed if name not in (tindakan.rincian or {})]
    if missing:
        raise RefusedError(f"Langkah '{step.nama}' perlu: {', '.join(missing)}.")
    return keputusan


def _working_digest(rantai: verifikasi.Rantai, edition_dir: Path) -> str:
    """The digest of the working-tree edition, once it is the committed one: a statement approves the data
    the verifier recomputes from git (whether it is the digest the revision approved is the verifier's rule)."""
    if not (edition_dir / "manifest.yml").is_file():
        raise RefusedError(f"Edisi {edition_dir} tidak ada. Bangun dulu dengan `python build.py aggregate`.")
    digest = edition_digest(edition_dir)
    if digest != rantai.digest_data:
        raise RefusedError(f"Isi {edition_dir} berbeda dari yang di-commit (digest {digest}). Pengesahan "
                           "menandatangani data yang di-commit: commit perubahan data dulu (atau kembalikan), "
                           "lalu ulangi.")
    return digest


def _public_key_path(key: Path) -> Path:
    key = Path(key)
    if key.suffix == ".pub":
        return key
    public = key.with_name(key.name + ".pub")
    if not public.is_file():
        raise RefusedError(f"Kunci publik {public} tidak ditemukan. Letakkan berkas .pub di samping kunci "
                           "privat (ssh-keygen membuat keduanya), atau beri --key KUNCI.pub bila kunci ada di ssh-agent.")
    return public


def _holders(rantai: verifikasi.Rantai, step: pejabat_mod.Langkah, when: dt.datetime) -> str:
    people = rantai.registri.holders(step.peran, when) if rantai.registri else []
    return ", ".join(f"{p.nama} ({p.principal})" for p in people) or "belum ada yang terdaftar untuk peran ini"


def menunggu(rantai: verifikasi.Rantai, when: dt.datetime | None = None) -> str:
    """`menunggu paraf Sekretaris (langkah 4, revisi 1); yang berwenang: …`."""
    step = rantai.berikutnya
    if step is None:
        return "buku sudah teregistrasi dan didistribusikan; semua langkah SOP selesai."
    return (f"menunggu {step.judul[0].lower() + step.judul[1:]} (langkah {step.nomor} '{step.nama}', "
            f"revisi {rantai.revisi}); yang berwenang: {_holders(rantai, step, when or verifikasi.now())}.")


# ---- final build ----------------------------------------------------------------------------------

def lembar_pengesahan(rantai: verifikasi.Rantai) -> list[dict]:
    """The signers of the revision in progress for the lembar pengesahan (agregat.buku.cetak), through `arahan`."""
    order = list(ROLES)
    through = [s for s in rantai.kebijakan.langkah if s.nama in _through(rantai, BEFORE_FINAL)]
    several = {s.peran for s in through if sum(t.peran == s.peran for t in through) > 1}   # the Kasi's two steps
    rows: dict[str, dict] = {}
    for item in rantai.revisi_ini:
        statement, official = item.pernyataan, item.pejabat
        if statement.langkah not in {s.nama for s in through}:
            continue
        role = official.holds(statement.peran, statement.waktu)
        keterangan = f" ({role.keterangan})" if role and role.keterangan else ""
        row = rows.setdefault(statement.peran, {
            "jabatan": ROLES[statement.peran].jabatan, "nama": official.nama + keterangan,
            "nip": official.nip, "keputusan": [], "tanggal": statement.waktu})
        decision = statement.keputusan.capitalize()
        row["keputusan"].append(f"{decision} ({statement.langkah})" if statement.peran in several else decision)
        if statement.arahan:
            row["keputusan"].append(f"arahan: {statement.arahan}")
        row["tanggal"] = max(row["tanggal"], statement.waktu)
    return [{**row, "keputusan": "; ".join(row["keputusan"]), "tanggal": row["tanggal"].date()}
            for _, row in sorted(rows.items(), key=lambda kv: order.index(kv[0]))]


def rincian_final(repo_dir: Path, data_dir: Path, periode: str, config: Config, ukuran: str,
                  eksemplar: int) -> dict:
    """The `final` step's fields: the sha256 of the final PDF rendered now from the approved edition (never a
    file taken from a cache: agregat.buku.build.fresh_pdf), paper, copies."""
    from agregat.buku import build as book

    rantai = _gate(repo_dir, data_dir, periode, config)
    made = book.fresh_pdf_of_approved(book.PROJECT_ROOT, Path(data_dir), periode, ukuran, lembar_pengesahan(rantai),
                                      rantai.digest_disetujui)
    return {"pdf_sha256": made.sha256, "ukuran": ukuran, "eksemplar": eksemplar}


def periksa_pdf(rantai: verifikasi.Rantai, repo_dir: Path, data_dir: Path, pdf: Path | None) -> list:
    """Compare the final PDF (`pdf`, or the one rendered now from the approved data, never taken from a cache)
    with the `final` statement."""
    from agregat.buku import build as book

    item = rantai.langkah(FINAL_STEP)
    expected = item.pernyataan.rincian["pdf_sha256"]
    if pdf is None:
        not_approved = [verifikasi.Temuan(EXIT_DATA_CHANGED, f"data/{rantai.periode}/", "isi folder kerja bukan "
                                          "data yang disetujui, jadi PDF final tidak dapat dibuat ulang untuk "
                                          "diperiksa. Kembalikan data (git checkout -- data/) atau beri --pdf "
                                          "BERKAS.")]
        if not (Path(data_dir) / rantai.periode / "manifest.yml").is_file():
            return not_approved
        try:   # the digest is checked once, on the very bytes that are rendered
            made = book.fresh_pdf_of_approved(book.PROJECT_ROOT, Path(data_dir), rantai.periode,
                                              item.pernyataan.rincian["ukuran"], lembar_pengesahan(rantai),
                                              rantai.digest_disetujui)
        except DataChangedError:
            return not_approved
        pdf, actual = made.path, made.sha256
    else:
        try:
            actual = file_sha256(Path(pdf))
        except OSError:
            raise UsageError(f"PDF {pdf} tidak dapat dibaca. Periksa jalurnya.") from None
    if actual != expected:
        return [verifikasi.Temuan(EXIT_PDF_MISMATCH, str(pdf), f"sha256 {actual} bukan PDF final yang dicatat di "
                                  f"{item.pernyataan.path} ({expected}). Jangan cetak/bagikan berkas ini.")]
    return []


def _through(rantai: verifikasi.Rantai, last: str) -> set[str]:
    names = [s.nama for s in rantai.kebijakan.langkah]
    return set(names[:names.index(last) + 1])


def final_gate(repo_dir: Path, data_dir: Path, periode: str, config: Config) -> list[dict]:
    """Refuse a final build until the chain at HEAD is valid through `arahan` and the working-tree edition
    is the approved one; return the lembar pengesahan rows."""
    return lembar_pengesahan(_gate(repo_dir, data_dir, periode, config))


def _gate(repo_dir: Path, data_dir: Path, periode: str, config: Config) -> verifikasi.Rantai:
    """The chain, once it is valid through `arahan` and the working-tree edition is the approved one."""
    rantai = periksa(repo_dir, data_dir, periode, config)
    if not rantai.sah:
        raise RefusedError(f"PDF final {periode} belum dapat dibuat: rantai pengesahan tidak sah — "
                           + "; ".join(map(str, rantai.temuan[:3]))
                           + f". Jalankan `python build.py verify --period {periode}`.")
    if not rantai.sampai(BEFORE_FINAL):
        raise RefusedError(f"PDF final {periode} belum dapat dibuat: pengesahan belum sampai arahan Kepala Dinas "
                           f"diteruskan Kasi (langkah 6); {menunggu(rantai)}")
    digest = edition_digest(Path(data_dir) / periode)
    if digest != rantai.digest_disetujui:
        raise RefusedError(f"PDF final {periode} belum dapat dibuat: isi data/{periode}/ (digest {digest}) bukan "
                           f"yang disetujui ({rantai.digest_disetujui}). Kembalikan data yang disetujui "
                           "(git checkout -- data/).")
    return rantai


@dataclass(frozen=True)
class PdfFinal:
    """What `build` publishes for an edition whose chain holds a valid `final` step: the lembar pengesahan
    rows, the paper, and the sha256 the `final` statement recorded (the only bytes it may publish)."""

    pengesahan: list[dict]
    ukuran: str
    sha256: str


def pdf_final(rantai: verifikasi.Rantai, data_dir: Path) -> PdfFinal | None:
    """The final PDF `build` must publish for this (valid) chain, None when it holds no `final` step yet.
    Refuses (DataChangedError) when the working-tree edition is not the approved one: its final PDF would be
    of numbers nobody approved."""
    item = rantai.langkah(FINAL_STEP)
    if item is None:
        return None
    digest = edition_digest(Path(data_dir) / rantai.periode)
    if digest != rantai.digest_disetujui:
        raise DataChangedError(f"PDF final {rantai.periode} tidak dibangun: isi data/{rantai.periode}/ (digest "
                               f"{digest}) bukan yang disahkan di langkah final ({rantai.digest_disetujui}); situs "
                               "tidak diubah. Kembalikan data yang disahkan (git checkout -- data/), atau mulai "
                               "revisi baru (koreksi) untuk angka yang berubah.")
    rincian = item.pernyataan.rincian
    return PdfFinal(lembar_pengesahan(rantai), rincian["ukuran"], rincian["pdf_sha256"])


def final_editions(data_dir: Path, config_path: Path) -> tuple[dict[str, PdfFinal], list[str]]:
    """({periode: PdfFinal} of the editions in the working tree whose committed chain already holds a valid
    `final` step, warnings): their PDF is always that final one (lembar pengesahan filled, the bytes the
    statement recorded), so a later build never replaces the printed book. An edition whose working-tree
    numbers are not the approved ones stops the whole build (DataChangedError), site untouched. A chain that
    is not valid, or approvals that cannot be read, only warn: those PDFs are built as drafts."""
    made = terbitan(data_dir, config_path)
    return made.final_pdf, made.peringatan


@dataclass(frozen=True)
class Terbitan:
    """What `build` takes from the approvals for the editions of data/: the final PDFs it must publish
    (`final_editions`), the approval state every page of each edition shows (`status_situs`, plain records
    the book layer prints as they are), and the warnings to print."""

    final_pdf: dict[str, PdfFinal]
    status: dict[str, dict]
    peringatan: list[str]


def terbitan(data_dir: Path, config_path: Path) -> Terbitan:
    """Every chain of the working tree's editions verified once (`periksa`, as `verify` does), and what `build`
    publishes from them (`Terbitan`). An edition with no approvals folder has no state record (the book shows
    it as a draft, agregat.buku.penanda.DRAF); an invalid chain or approvals that cannot be read are drafts
    too, with a warning."""
    from agregat.core.config import load_config
    from agregat.core.periode import Periode

    data_dir = Path(data_dir)
    approved = data_dir.resolve().parent / "approvals"
    candidates = sorted(p.name for p in approved.iterdir() if Periode.is_canonical(p.name)
                        and p.is_dir() and (data_dir / p.name).is_dir()) if approved.is_dir() else []
    chains: dict[str, verifikasi.Rantai] = {}
    warnings = []
    try:
        config = load_config(config_path) if candidates else None
        for periode in candidates:
            chains[periode] = periksa(data_dir.parent, data_dir, periode, config)
            if not chains[periode].sah:
                warnings.append(f"rantai pengesahan {periode} tidak sah; PDF-nya dibangun sebagai draf (lihat "
                                f"`python build.py verify --period {periode}`).")
    except AgregatError as exc:
        unread = {"keterangan": "Pengesahan edisi ini tidak dapat dibaca, jadi angkanya belum dapat dianggap "
                                "disahkan."}    # the reason is for the builder (warning), not for the public site
        return Terbitan({}, {p: status_situs(None, None) | unread for p in candidates},
                        [f"pengesahan tidak dapat dibaca ({exc}); semua PDF dibangun sebagai draf."])
    found = {periode: pdf_final(rantai, data_dir) for periode, rantai in chains.items() if rantai.sah}
    status = {p: status_situs(rantai, edition_digest(data_dir / p)) for p, rantai in chains.items()}
    return Terbitan({p: made for p, made in found.items() if made is not None}, status, warnings)


def status_situs(rantai: verifikasi.Rantai | None, digest_kerja: str | None) -> dict:
    """The approval state of one edition as the site shows it (agregat.buku.penanda): a plain record
    `{"status", "label", "keterangan"}` read from the chain exactly as `verify` judged it (`rantai`; None when
    the edition has no approvals at all), never judged again here.

    - draf: no approvals, a chain `verify` rejects, a revision not yet through the Kepala Dinas's paraf, or a
      working-tree edition (`digest_kerja`, the numbers the site shows) that is not the approved one;
    - disahkan: the revision is validly signed through the Kepala Dinas's paraf (by whom, when);
    - final: its `final` step is signed (the printed book); terdaftar: its `registrasi` step (number, date).
    """
    from agregat.buku.penanda import DRAF
    from agregat.edisi.muat import tanggal_panjang

    if rantai is None:
        return dict(DRAF)
    if not rantai.sah:
        return {**DRAF, "keterangan": "Rantai pengesahan edisi ini tidak sah menurut pemeriksaan (`verify`), jadi "
                                      "angkanya belum dapat dianggap disahkan."}
    paraf = rantai.langkah(ARAHAN_STEP)
    if paraf is None:
        step = rantai.berikutnya
        where = f" Langkah berikutnya: {step.judul} (langkah {step.nomor})." if step else ""
        return {**DRAF, "keterangan": DRAF["keterangan"] + where}
    if digest_kerja != rantai.digest_disetujui:
        return {**DRAF, "keterangan": "Angka di situs ini bukan angka yang disahkan (isi folder edisi berubah "
                                      "sesudah pengesahan)."}
    when = paraf.pernyataan.waktu
    oleh = f"{jabatan_kadis(paraf.pejabat, when)} {paraf.pejabat.nama}, {tanggal_panjang(when.astimezone(WITA).date())}"
    disahkan = f"Disahkan oleh {oleh}."
    registrasi, final = rantai.langkah(REGISTRATION_STEP), rantai.langkah(FINAL_STEP)
    if registrasi is not None:
        rincian = registrasi.pernyataan.rincian
        tanggal = tanggal_panjang(dt.date.fromisoformat(rincian["tanggal_surat"]))
        return {"status": "terdaftar", "label": f"Terdaftar (nomor {rincian['nomor_surat']}, {tanggal})",
                "keterangan": f"{disahkan} Buku final dicetak dan diregistrasi."}
    if final is not None:
        return {"status": "final", "label": "Final",
                "keterangan": f"{disahkan} Buku final dicetak ({final.pernyataan.rincian['eksemplar']} eksemplar)."}
    return {"status": "disahkan", "label": f"Disahkan (oleh {oleh})",
            "keterangan": "Angka edisi ini disahkan Kepala Dinas; buku final belum dicetak."}


# ---- verify: what the chain alone cannot show --------------------------------------------------------

def approvals_history(config: Config, data_dir: Path, periode: str, ref: str = "HEAD") -> bool | None:
    """None when nothing about approvals was EVER committed: the working-tree configuration pins no root, no
    commit reachable from `ref` pinned one (agregat.pengesahan.akar.jangkar_pertama) and none touched approvals/ (its
    README aside) — a draft edition on its way, which verify accepts (CI on data PRs). Otherwise whether the
    history anchored a root (True: verify then checks everything against that anchor, even when the pin was
    removed since)."""
    import posixpath

    from agregat.pengesahan import akar
    from agregat.pengesahan import urutan
    from agregat.core.gitobjek import edition_tree_files, resolve
    from agregat.core.periode import Periode

    if config.sidik_jari_akar:
        return True
    periode = str(Periode.parse(periode))
    data_dir = Path(data_dir).resolve()
    repo = open_repo(data_dir if data_dir.exists() else Path.cwd())
    commit = resolve(repo, ref)
    config_path = config_in_repo(Path(repo.working_tree_dir), config.path)
    if config_path is not None and akar.jangkar_pertama(repo, urutan.baca(repo, commit.hexsha), config_path):
        return True
    if repo.git.rev_list("-1", "--full-history", commit.hexsha, "--", "approvals", ":(exclude)approvals/README.md"):
        return False
    edition = posixpath.normpath(f"{path_in_repo(repo, data_dir)}/{periode}")
    edition_tree_files(commit, edition)   # a draft, yet never an edition breaking the folder rule
    return None


def verify(root: Path, data_dir: Path, periode: str, config: Config, ref: str = "HEAD", pdf: Path | None = None,
           check_pdf: bool = True, pdf_ttd: Path | None = None, trust_roots: list[Path] | None = None
           ) -> verifikasi.Rantai:
    """`verify`: the chain at `ref` (agregat.pengesahan.verifikasi), then, for a valid chain holding a `final` step, the
    final PDF (`pdf`, or rendered now from the approved data) unless not `check_pdf`, and with `pdf_ttd` the
    electronically signed PDF against `trust_roots` (default: the committed, anchored pengesahan.akar_tte).
    Every problem is in the returned chain's `temuan`."""
    rantai = periksa(root, data_dir, periode, config, ref)
    if rantai.sah and rantai.langkah(FINAL_STEP) and check_pdf:
        rantai.temuan += periksa_pdf(rantai, root, data_dir, pdf)
    if pdf_ttd is not None:
        roots = list(trust_roots or ([config.akar_tte] if config.akar_tte else []))
        if not trust_roots and config.akar_tte:
            rantai.temuan += _tte_root_findings(rantai, config)
        rantai.temuan += _signed_pdf_findings(rantai, pdf_ttd, roots, config)
    return rantai


def _tte_root_findings(rantai: verifikasi.Rantai, config: Config) -> list[verifikasi.Temuan]:
    """`pengesahan.akar_tte` is used only as committed and anchored (agregat.pengesahan.akar)."""
    from agregat.pengesahan import akar

    if rantai.jangkar is None or akar.setelan_kerja(config).akar_tte == rantai.jangkar.setelan.akar_tte:
        return []
    return [verifikasi.Temuan(EXIT_REGISTRY, shown(config.path), "pengesahan.akar_tte di folder kerja bukan "
                              "sertifikat akar TTE yang di-commit dan disahkan di riwayat. Akar TTE hanya diganti "
                              "dengan `python build.py officials rotate-root` (ditandatangani kunci akar), lalu "
                              "commit sertifikat, konfigurasi dan approvals/akar/ bersama.")]


def _signed_pdf_findings(rantai: verifikasi.Rantai, signed: Path, roots: list[Path],
                         config: Config) -> list[verifikasi.Temuan]:
    """`verify --signed-pdf`: the PAdES signature, by the Kepala Dinas's certificate recorded in the registry,
    and that the file extends the approved final PDF with nothing but an invisible signature."""
    from agregat.pengesahan import tte

    if not roots:
        raise UsageError("--signed-pdf perlu sertifikat akar tepercaya: beri --trust-root AKAR.pem (akar BSrE) atau "
                         f"isi pengesahan.akar_tte di {shown(config.path)}.")
    if not rantai.sah:
        return []       # the chain's own problems come first; the signed PDF is judged against a valid chain
    final = rantai.langkah(FINAL_STEP)
    if final is None:
        return [verifikasi.Temuan(EXIT_PDF_MISMATCH, shown(signed), "belum ada langkah final yang sah di rantai "
                                  "pengesahan, jadi tidak ada PDF final yang dapat diperpanjang dengan TTE.")]
    problems = tte.check_signed_pdf(signed, final.pernyataan.rincian["pdf_sha256"], roots,
                                    tte.kadis_certificate(rantai.registri, final.pernyataan.waktu))
    return [verifikasi.Temuan(EXIT_PDF_MISMATCH, shown(signed), problem) for problem in problems]


def trust_report(rantai: verifikasi.Rantai) -> list[str]:
    """What `verify` says about the trust it used: the root and the commit that set it, changes of the root
    that were not authorised but are no longer in force, and every registry change made while a revision
    was open (agregat.pengesahan.akar, agregat.pengesahan.riwayat_registri)."""
    jangkar = rantai.jangkar
    if jangkar is None or not jangkar.setelan.sidik_jari:
        return []
    rotations = f"; {len(jangkar.rotasi)} rotasi ditandatangani akar sebelumnya" if jangkar.rotasi else ""
    lines = [f"Kunci akar tepercaya: {jangkar.setelan.sidik_jari}, disematkan di commit {jangkar.commit[:12]} "
             f"(jangkar pertama: commit {jangkar.jangkar_commit[:12]}{rotations})."]
    lines += [f"Peringatan: {text}" for text in jangkar.peringatan]
    changes = rantai.perubahan_registri()
    if changes:
        lines.append("Perhatian: registri pejabat diubah selama revisi masih berjalan (periksa bahwa perubahan "
                     "ini disengaja):")
        lines += [f"  {line}" for line in changes]
    return lines


# ---- TTE: the final PDF signed electronically ----------------------------------------------------------

@dataclass(frozen=True)
class TteFinal:
    """The final PDF an electronic signature may be put on, once everything but the .p12 is checked."""

    rantai: verifikasi.Rantai
    pdf: Path          # its bytes have the sha256 the `final` statement recorded
    out: Path          # where the signed copy goes (never the final PDF itself)


def tte_gate(root: Path, data_dir: Path, periode: str, config: Config, paths: Paths, pdf: Path | None = None,
             out: Path | None = None) -> TteFinal:
    """Refuse an electronic signature until the chain at HEAD is valid with a `final` step and `pdf`
    (default: the site's final PDF under `paths.site`) is the final PDF it recorded; the signed copy goes to
    `out` (default: beside the distribution letters, distribusi/<periode>/: site/ is emptied by every build)."""
    from agregat.buku.build import pdf_name

    rantai = periksa(root, data_dir, periode, config)
    if not rantai.sah:
        raise RefusedError(f"PDF final {periode} belum dapat ditandatangani: rantai pengesahan tidak sah — "
                           + "; ".join(map(str, rantai.temuan[:3]))
                           + f". Jalankan `python build.py verify --period {periode}`.")
    final = rantai.langkah(FINAL_STEP)
    if final is None:
        raise RefusedError(f"PDF final {periode} belum dapat ditandatangani: langkah final (sha256 PDF final) "
                           f"belum ditandatangani {ROLES[pejabat_mod.DEFAULT_POLICY.step(FINAL_STEP).peran].nama}. "
                           f"Jalankan `python build.py approve --period {periode} --step final --copies N --key "
                           "KUNCI` dulu.")
    pdf = Path(pdf or paths.site / periode / pdf_name(periode))
    try:
        actual = file_sha256(pdf)
    except OSError:
        raise UsageError(f"PDF final {shown(pdf)} tidak dapat dibaca. Bangun dengan `python build.py build "
                         f"--period {periode}` atau beri --pdf BERKAS.") from None
    expected = final.pernyataan.rincian["pdf_sha256"]
    if actual != expected:
        raise RefusedError(f"{shown(pdf)} (sha256 {actual}) bukan PDF final yang dicatat di "
                           f"{final.pernyataan.path} ({expected}); yang ditandatangani hanya PDF final itu.")
    out = Path(out or Path(data_dir).resolve().parent / "distribusi" / periode / f"{pdf.stem}-ttd.pdf")
    if out.resolve() == pdf.resolve():
        raise UsageError("--out tidak boleh sama dengan PDF final: PDF final tetap disimpan apa adanya.")
    return TteFinal(rantai, pdf, out)


def sign_final(gate: TteFinal, config: Config, p12: Path, passphrase: str | None, reason: str | None = None,
               location: str | None = None) -> Path:
    """PAdES-sign the final PDF `gate` checked with the .p12 of the Kepala Dinas recorded in the registry
    (agregat.pengesahan.tte); return the signed copy."""
    from agregat.pengesahan import tte

    final = gate.rantai.langkah(FINAL_STEP)
    reason = reason or " ".join(f"Pengesahan Buku Data Agregat Kependudukan {config.nama} {gate.rantai.periode}".split())
    tte.sign_pdf(gate.pdf, p12, passphrase.encode("utf-8") if passphrase else None, gate.out, reason=reason,
                 location=location if location is not None else config.ibu_kota,
                 signer_check=tte.kadis_certificate(gate.rantai.registri, final.pernyataan.waktu))
    return gate.out


# ---- status ---------------------------------------------------------------------------------------

def durasi(minutes: float) -> str:
    """`25 menit`, `1 jam 5 menit`, `3 hari 2 jam`, `2 minggu`."""
    minutes = int(max(minutes, 0))
    if minutes and minutes % (7 * 1440) == 0:
        return f"{minutes // (7 * 1440)} minggu"
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} hari" if days else "", f"{hours} jam" if hours else "", f"{mins} menit" if mins and not days else ""]
    return " ".join(p for p in parts if p) or "0 menit"


def _against(step: pejabat_mod.Langkah, minutes: float) -> str:
    if step.standar_menit is None:
        return f"selang {durasi(minutes)}"
    verdict = "melewati" if minutes > step.standar_menit else "dalam"
    return f"selang {durasi(minutes)}, {verdict} standar {durasi(step.standar_menit)}"


def laporan_status(rantai: verifikasi.Rantai, when: dt.datetime | None = None) -> str:
    """Each SOP step of the revision in progress: who signed and when, elapsed time against the SOP's time
    standard, then what is next and who may sign it. Earlier revisions closed by `tolak` are summarised."""
    when = when or verifikasi.now()
    lines = [f"Pengesahan Buku Data Agregat {rantai.periode}, revisi {rantai.revisi} (dibaca dari git {rantai.ref}):"]
    for item in rantai.tertanda:
        s = item.pernyataan
        if s.keputusan == TOLAK:
            lines.append(f"  Revisi {s.revisi} ditolak oleh {item.pejabat.nama} pada {_jam(s.waktu)}: {s.catatan}")
    signed = {t.pernyataan.langkah: t for t in rantai.revisi_ini}
    previous = _before_revision(rantai)
    if rantai.kebijakan is None:
        return "\n".join(lines)
    for step in rantai.kebijakan.langkah:
        item = signed.get(step.nama)
        head = f"  {step.nomor}. {step.judul} ({ROLES[step.peran].nama})"
        if item is None:
            pending = step is rantai.berikutnya and previous is not None
            tail = f"belum — {_against(step, (when - previous).total_seconds() / 60)} sejak langkah sebelumnya" \
                if pending else "belum"
            lines.append(f"{head}: {tail}")
            continue
        s = item.pernyataan
        elapsed = _against(step, (s.waktu - previous).total_seconds() / 60) if previous else "langkah pertama"
        extra = "".join(f"; {label}: {value}" for label, value in
                        (("catatan", s.catatan), ("arahan", s.arahan)) if value)
        lines.append(f"{head}: {s.keputusan} — {item.pejabat.nama} (NIP {item.pejabat.nip}), {_jam(s.waktu)} "
                     f"({elapsed}){extra}")
        previous = s.waktu
    lines.append("Status: " + menunggu(rantai, when))
    return "\n".join(lines)


def _before_revision(rantai: verifikasi.Rantai) -> dt.datetime | None:
    earlier = [t for t in rantai.tertanda if t.pernyataan.revisi < rantai.revisi]
    return earlier[-1].pernyataan.waktu if earlier else None


def _jam(when: dt.datetime) -> str:
    from agregat.edisi.muat import tanggal_panjang

    local = when.astimezone(WITA)
    return f"{tanggal_panjang(local.date())} {local:%H.%M} WITA"


# ---- registration and distribution ------------------------------------------------------------------

def register(repo_dir: Path, data_dir: Path, periode: str, nomor: str, tanggal: dt.date, eksemplar: int,
             penerima: list[str], key: Path, config: Config, waktu: dt.datetime | None = None,
             commit: bool = True) -> tuple[pernyataan.Pernyataan, verifikasi.Rantai]:
    """Sign the `registrasi` step (number, date, copies per recipient, recipients)."""
    penerima = [name.strip() for name in penerima if name.strip()]
    if not nomor.strip() or not penerima or eksemplar < 1:
        raise RefusedError("Registrasi perlu --number (nomor surat), --copies (≥ 1 per penerima) dan sedikitnya "
                           "satu --to (penerima).")
    if len(set(penerima)) != len(penerima):
        raise RefusedError("Ada penerima yang disebut dua kali di --to; sebut setiap penerima sekali.")
    rantai = periksa(repo_dir, data_dir, periode, config)
    final = rantai.langkah(FINAL_STEP) if rantai.sah else None
    if final is not None and eksemplar * len(penerima) > final.pernyataan.rincian["eksemplar"]:
        raise RefusedError(f"{eksemplar} eksemplar × {len(penerima)} penerima melebihi "
                           f"{final.pernyataan.rincian['eksemplar']} eksemplar yang dicetak (langkah final).")
    tindakan = Tindakan(REGISTRATION_STEP, rincian={"nomor_surat": nomor.strip(), "tanggal_surat": tanggal.isoformat(),
                                               "eksemplar": eksemplar, "penerima": penerima})
    statement, _ = approve(repo_dir, data_dir, periode, tindakan, key, config, waktu, commit)
    return statement, periksa(repo_dir, data_dir, periode, config)


def distribusi(rantai: verifikasi.Rantai, config, out_dir: Path) -> list[Path]:
    """The distribution list (Markdown) and one surat pengantar PDF per recipient of the `registrasi`
    statement, written to `out_dir`; returns the files written."""
    from agregat.buku.surat import Surat, buat_surat_pdf

    from agregat.core.periode import Periode

    item = rantai.langkah(REGISTRATION_STEP)
    if item is None:
        raise RefusedError(f"Buku {rantai.periode} belum diregistrasi (`python build.py register`).")
    rincian = item.pernyataan.rincian
    tanggal = dt.date.fromisoformat(rincian["tanggal_surat"])
    when = dt.datetime.combine(tanggal, dt.time(12), WITA)
    kadis = rantai.registri.holders(KEPALA_DINAS, when)
    signer = kadis[0] if kadis else item.pejabat
    jabatan = jabatan_kadis(signer, when) if kadis else signer.jabatan
    judul = f"Buku Data Agregat Kependudukan Kabupaten {config.nama} {Periode.parse(rantai.periode).judul}"
    written, rows = [], []
    for number, name in enumerate(rincian["penerima"], start=1):
        path = Path(out_dir) / f"surat-pengantar-{number:02d}.pdf"
        buat_surat_pdf(Surat(dinas=config.dinas, kabupaten=config.nama, ibu_kota=config.ibu_kota, judul_buku=judul,
                             nomor=rincian["nomor_surat"], tanggal=tanggal, penerima=name,
                             eksemplar=rincian["eksemplar"], penanda_tangan=signer.nama, nip=signer.nip,
                             jabatan=jabatan), path)
        written.append(path)
        rows.append(f"| {number} | {_md(name)} | {rincian['eksemplar']} | {path.name} |")
    listing = Path(out_dir) / "daftar-distribusi.md"
    write_atomic(listing, "\n".join([
        f"# Daftar distribusi {judul}", "",
        (f"Nomor registrasi: {_md(rincian['nomor_surat'])}; tanggal: {tanggal.isoformat()}; "
         f"dicatat di {item.pernyataan.path} (sha256 {item.sha256})."), "",
        "| No. | Penerima | Eksemplar | Surat pengantar |", "|---:|---|---:|---|", *rows, ""]))
    return [listing, *written]


def jabatan_kadis(official: pejabat_mod.Pejabat, when: dt.datetime) -> str:
    """The Kepala Dinas's title as `official` held it at `when`: "Kepala Dinas", or "Plt. Kepala Dinas"."""
    role = official.holds(KEPALA_DINAS, when)
    acting = f"{role.keterangan} " if role and role.keterangan else ""
    return f"{acting}{ROLES[KEPALA_DINAS].jabatan}"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
