"""The SOP chain end to end in real git repositories, with real ssh-keygen keys: approve, status, verify,
the final build gate, registration — and every attack the verifier must refuse."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from agregat.pengesahan import pejabat
from agregat.pengesahan import pernyataan
from agregat.pengesahan import sshsig
from agregat.core.periode import WITA
from agregat.core.digest import edition_digest
from agregat.core.paths import Paths
from agregat.core.errors import (
    EXIT_BAD_SIGNATURE,
    EXIT_CHAIN,
    EXIT_DATA_CHANGED,
    EXIT_HISTORY,
    EXIT_NOT_AUTHORISED,
    EXIT_REFUSED,
    EXIT_REGISTRY,
)

from conftest import (  # noqa: F401 - the chain's helpers, used through `test_pengesahan` by other modules
    GIT_ENV, OFFICIALS, PERIODE, ROOT, STEPS, approve, chain_args, git, keygen, make_registered,
    own_publishing_cache, run, sign_through_arahan)

# The chain's fixtures (keys, registered, through_arahan, golden_through_arahan, repo, git_identity) are
# session fixtures in conftest.py: made once per test run.


def verify(repo: Path, *extra: str) -> int:
    return run(repo, "verify", *chain_args(repo), "--no-pdf", *extra)


def statements(repo: Path) -> list[Path]:
    return sorted((repo / "approvals" / PERIODE).rglob("*.yml"))


# ---- the walk ---------------------------------------------------------------------------------------

def test_six_steps_make_a_valid_chain_with_one_statement_and_signature_each(through_arahan, capsys):
    files = statements(through_arahan)
    assert [f.relative_to(through_arahan).as_posix() for f in files] == [
        f"approvals/{PERIODE}/r1/0{n}-{step}.yml" for n, (step, *_rest) in enumerate(STEPS, start=1)]
    assert all(f.with_name(f.name + ".sig").is_file() for f in files)
    assert git(through_arahan, "status", "--porcelain") == ""
    assert verify(through_arahan) == 0
    out = capsys.readouterr().out
    assert "menunggu finalisasi, cetak dan penggandaan (langkah 7 'final', revisi 1); yang berwenang: " \
           f"{OFFICIALS['admin'][1]} (nip-{OFFICIALS['admin'][0]})" in out
    assert f"Rantai pengesahan {PERIODE} sah sejauh ini (6 pernyataan diperiksa)." in out


def test_statement_records_digest_hash_chain_signer_and_time(through_arahan):
    files = statements(through_arahan)
    parsed = [pernyataan.parse(f.read_bytes(), f.name) for f in files]
    assert {p.digest_edisi for p in parsed} == {edition_digest(through_arahan / "data" / PERIODE)}
    assert parsed[0].sebelumnya == ""
    for before, after, item in zip(files, files[1:], parsed[1:]):
        assert item.sebelumnya == pernyataan.sha256(before.read_bytes())
    koreksi = parsed[2]
    assert (koreksi.keputusan, koreksi.catatan, koreksi.principal, koreksi.peran) == (
        "setuju", "angka sudah diperiksa", f"nip-{OFFICIALS['kabid'][0]}", "kabid")
    assert koreksi.waktu.isoformat() == "2025-07-10T09:15:00+08:00"
    assert parsed[4].arahan == "segera cetak 50 eksemplar"
    assert b"\r" not in b"".join(f.read_bytes() for f in files)


def test_every_signature_verifies_with_stock_ssh_keygen(through_arahan):
    allowed = through_arahan / "approvals" / "allowed_signers"
    for path in statements(through_arahan):
        statement = pernyataan.parse(path.read_bytes(), path.name)
        stamp = statement.waktu.astimezone(WITA).strftime("%Y%m%d%H%M%S")
        with open(path, "rb") as message:
            done = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", str(allowed), "-I", statement.principal,
                                   "-n", sshsig.NAMESPACE_PERNYATAAN, "-s", f"{path}.sig", "-O",
                                   f"verify-time={stamp}"], check=False, stdin=message, capture_output=True, text=True,
                                  env={**os.environ, "TZ": "Asia/Makassar"})
        assert done.returncode == 0, (path.name, done.stderr)
        assert f'Good "{sshsig.NAMESPACE_PERNYATAAN}" signature for {statement.principal}' in done.stdout


def test_status_shows_each_step_elapsed_time_against_the_standard(through_arahan, capsys):
    assert run(through_arahan, "status", *chain_args(through_arahan)) == 0
    out = capsys.readouterr().out
    assert f"  3. Koreksi dan persetujuan Kabid (Kabid PIAK): setuju — {OFFICIALS['kabid'][1]} " \
           f"(NIP {OFFICIALS['kabid'][0]}), 10 Juli 2025 09.15 WITA (selang 15 menit, dalam standar 20 menit)" \
           "; catatan: angka sudah diperiksa" in out
    assert "(selang 25 menit, melewati standar 10 menit)" in out            # paraf sekretaris
    assert "  7. Finalisasi, cetak dan penggandaan (Administrator Database): belum — selang " in out
    assert "  8. Registrasi dan distribusi (Administrator Database): belum" in out


@pytest.mark.parametrize("command", ["status", "verify"])
def test_status_and_verify_read_the_configuration_once(through_arahan, monkeypatch, capsys, command):
    """One command, one reading of --config: the history check and the chain share it (issue 11)."""
    from agregat.core import config as config_module

    read, real = [], config_module.load_config
    monkeypatch.setattr(config_module, "load_config", lambda path: read.append(Path(path)) or real(path))
    extra = ["--no-pdf"] if command == "verify" else []
    assert run(through_arahan, command, *chain_args(through_arahan), *extra) == 0
    assert read == [through_arahan / "kabupaten.yml"]


# ---- refusals by approve ---------------------------------------------------------------------------------

def test_approve_refuses_a_step_out_of_order(registered, tmp_path, keys, capsys):
    repo = tmp_path / "repo"
    shutil.copytree(registered, repo)
    assert approve(repo, keys, "koreksi", "kabid", ["--decision", "setuju"]) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert "Langkah 'koreksi' belum dapat ditandatangani: menunggu draf buku agregat disusun (langkah 1 'draf'" in err
    assert "Traceback" not in err
    assert not (repo / "approvals" / PERIODE).exists()


@pytest.mark.slow
def test_approve_refuses_a_key_not_holding_the_role(golden_through_arahan, keys, tmp_path, monkeypatch, capsys):
    """(`final` renders the final PDF before the signer is checked: the three-desa golden chain keeps it small.)"""
    repo = golden_workspace(golden_through_arahan, tmp_path, monkeypatch)
    assert approve(repo, keys, "final", "kasi", ["--copies", "5"]) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert f"{OFFICIALS['kasi'][1]} (nip-{OFFICIALS['kasi'][0]}) tidak memegang peran 'admin'" in err
    assert approve(repo, keys, "final", "penyusup", ["--copies", "5"]) == EXIT_REFUSED
    assert "tidak terdaftar di registri pejabat" in capsys.readouterr().err


def test_approve_refuses_a_stale_or_uncommitted_digest(registered, tmp_path, keys, capsys):
    repo = tmp_path / "repo"
    shutil.copytree(registered, repo)
    assert approve(repo, keys, "draf", "admin") == 0
    table = repo / "data" / PERIODE / "agama.yml"
    table.write_bytes(table.read_bytes().replace(b"jml: ", b"jml: 1", 1))
    assert approve(repo, keys, "analisa", "kasi") == EXIT_REFUSED
    assert "berbeda dari yang di-commit" in capsys.readouterr().err
    git(repo, "commit", "-q", "-am", "ubah angka")
    assert approve(repo, keys, "analisa", "kasi") == EXIT_REFUSED
    assert "belum sah" in capsys.readouterr().err
    assert verify(repo) == EXIT_DATA_CHANGED
    assert f"data/{PERIODE}/: berubah setelah disetujui" in capsys.readouterr().err


def test_tolak_needs_notes_then_closes_the_revision_and_a_new_one_starts_at_draf(registered, tmp_path, keys, capsys):
    repo = tmp_path / "repo"
    shutil.copytree(registered, repo)
    for step, role, extra, waktu in STEPS[:2]:
        assert approve(repo, keys, step, role, extra, waktu) == 0
    assert approve(repo, keys, "koreksi", "kabid", ["--decision", "tolak"]) == EXIT_REFUSED
    assert "Penolakan perlu --notes" in capsys.readouterr().err
    assert approve(repo, keys, "koreksi", "kabid", ["--decision", "tolak", "--notes", "Desa X salah"],
                   "2025-07-10T09:30:00+08:00") == 0
    # the data may change now; the next revision starts again at draf, linked to the tolak by its hash
    table = repo / "data" / PERIODE / "agama.yml"
    table.write_bytes(table.read_bytes().replace(b"jml: ", b"jml: 1", 1))
    git(repo, "commit", "-q", "-am", "perbaikan")
    assert approve(repo, keys, "paraf-sekretaris", "sekretaris") == EXIT_REFUSED
    capsys.readouterr()
    assert approve(repo, keys, "draf", "admin", [], "2025-07-11T08:00:00+08:00") == 0
    assert (repo / "approvals" / PERIODE / "r2" / "01-draf.yml").is_file()
    assert verify(repo) == 0
    out = capsys.readouterr().out
    assert f"Revisi 1 ditolak oleh {OFFICIALS['kabid'][1]}" in out and "Desa X salah" in out
    assert "menunggu analisa Kasi (langkah 2 'analisa', revisi 2)" in out


def test_one_person_never_signs_two_steps_the_policy_keeps_apart(registered, tmp_path, keys, capsys):
    repo = tmp_path / "repo"
    shutil.copytree(registered, repo)
    # the admin also holds the kasi role from 2025 (an acting Plh.), yet may not analyse their own draft
    assert run(repo, "officials", "add", "--nip", OFFICIALS["admin"][0], "--role", "kasi", "--from", "2025-01-01",
               "--remark", "Plh.", "--root-key", str(keys / "kadis"),
               "--approvals-dir", str(repo / "approvals")) == 0
    git(repo, "commit", "-q", "-am", "Plh. Kasi")
    assert approve(repo, keys, "draf", "admin") == 0
    assert approve(repo, keys, "analisa", "admin") == EXIT_REFUSED
    assert "sudah menandatangani langkah 'draf' di revisi ini" in capsys.readouterr().err


# ---- attacks the verifier refuses --------------------------------------------------------------------

def forge(repo: Path, keys: Path, step: str, role: str, principal_role: str | None = None,
          waktu="2025-07-10T11:00:00+08:00", **changes) -> Path:
    """Write and sign the next statement by hand, bypassing `approve`'s checks (what an attacker can do)."""
    files = statements(repo)
    last = pernyataan.parse(files[-1].read_bytes(), files[-1].name)
    policy = pejabat.DEFAULT_POLICY.step(step)
    import datetime as dt
    statement = pernyataan.Pernyataan(
        periode=PERIODE, revisi=last.revisi, langkah=step, nomor_langkah=policy.nomor,
        keputusan=policy.keputusan[0], principal=f"nip-{OFFICIALS[principal_role or role][0]}", peran=policy.peran,
        digest_edisi=last.digest_edisi, sebelumnya=pernyataan.sha256(files[-1].read_bytes()),
        waktu=dt.datetime.fromisoformat(waktu), rincian={"pdf_sha256": "0" * 64, "ukuran": "A4", "eksemplar": 5})
    for key, value in changes.items():
        object.__setattr__(statement, key, value)
    data = pernyataan.dump(statement)
    path = repo / statement.path
    path.write_bytes(data)
    path.with_name(path.name + ".sig").write_bytes(sshsig.sign(data, keys / role, sshsig.NAMESPACE_PERNYATAAN))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"{step} palsu")
    return path


def test_data_changed_after_approval(repo, capsys):
    table = repo / "data" / PERIODE / "indikator.yml"
    table.write_bytes(table.read_bytes() + b"# diubah\n")
    git(repo, "commit", "-q", "-am", "ubah data")
    assert verify(repo) == EXIT_DATA_CHANGED
    assert "berubah setelah disetujui" in capsys.readouterr().err


def test_statement_edited_in_a_later_commit_even_re_signed_by_the_same_key(repo, keys, capsys):
    path = repo / "approvals" / PERIODE / "r1" / "03-koreksi.yml"
    data = path.read_bytes().replace(b"angka sudah diperiksa", b"angka diperiksa ulang")
    path.write_bytes(data)
    path.with_name(path.name + ".sig").write_bytes(sshsig.sign(data, keys / "kabid", sshsig.NAMESPACE_PERNYATAAN))
    git(repo, "commit", "-q", "-am", "perbaiki catatan")
    assert verify(repo) == EXIT_HISTORY
    err = capsys.readouterr().err
    assert f"[23] approvals/{PERIODE}/r1/03-koreksi.yml: diubah di commit " in err


def test_statement_edited_inside_a_merge_commit(repo, keys, capsys):
    git(repo, "checkout", "-q", "-b", "cabang")
    (repo / "catatan.txt").write_text("cabang\n")
    git(repo, "add", "catatan.txt")
    git(repo, "commit", "-q", "-m", "cabang")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "--no-commit", "cabang")
    path = repo / "approvals" / PERIODE / "r1" / "02-analisa.yml"
    data = path.read_bytes().replace(b'catatan: ""', b'catatan: "disisipkan"')
    path.write_bytes(data)
    path.with_name(path.name + ".sig").write_bytes(sshsig.sign(data, keys / "kasi", sshsig.NAMESPACE_PERNYATAAN))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Merge cabang")
    assert verify(repo) == EXIT_HISTORY
    assert f"approvals/{PERIODE}/r1/02-analisa.yml: diubah di commit" in capsys.readouterr().err


def test_statement_renamed(repo, capsys):
    base = repo / "approvals" / PERIODE / "r1"
    git(repo, "mv", str(base / "06-arahan.yml"), str(base / "06-arahan-lama.yml"))
    git(repo, "commit", "-q", "-m", "ganti nama")
    assert verify(repo) == EXIT_HISTORY
    err = capsys.readouterr().err
    assert f"approvals/{PERIODE}/r1/06-arahan.yml: dihapus di commit" in err


def test_key_used_outside_its_validity(repo, keys, capsys):
    assert run(repo, "officials", "add", "--nip", OFFICIALS["admin"][0], "--pubkey", str(keys / "penyusup.pub"),
               "--key-from", "2026-01-01", "--root-key", str(keys / "kadis"),
               "--approvals-dir", str(repo / "approvals")) == 0
    git(repo, "commit", "-q", "-am", "kunci baru admin mulai 2026")
    forge(repo, keys, "final", "penyusup", principal_role="admin", waktu="2025-07-11T08:00:00+08:00")
    assert verify(repo) == EXIT_NOT_AUTHORISED
    assert "tidak berlaku pada 2025-07-11T08:00:00+08:00" in capsys.readouterr().err


def test_key_of_the_wrong_role(repo, keys, capsys):
    forge(repo, keys, "final", "kasi")
    assert verify(repo) == EXIT_NOT_AUTHORISED
    assert "tidak memegang peran 'admin'" in capsys.readouterr().err


def test_signature_by_someone_elses_key_is_a_bad_signature(repo, keys, capsys):
    forge(repo, keys, "final", "kasi", principal_role="admin")
    assert verify(repo) == EXIT_BAD_SIGNATURE
    assert "bukan milik nip-" + OFFICIALS["admin"][0] in capsys.readouterr().err


def test_tampered_signature(repo, capsys):
    sig = repo / "approvals" / PERIODE / "r1" / "04-paraf-sekretaris.yml.sig"
    lines = sig.read_text().splitlines()
    lines[3] = lines[3][:10] + ("A" if lines[3][10] != "A" else "B") + lines[3][11:]
    sig.write_text("\n".join(lines) + "\n")
    git(repo, "commit", "-q", "-am", "sig rusak")
    code = verify(repo)
    assert code in (EXIT_BAD_SIGNATURE, EXIT_HISTORY)
    assert "04-paraf-sekretaris.yml.sig" in capsys.readouterr().err


def test_registry_not_signed_by_the_root(repo, keys, capsys):
    registry = repo / "approvals" / "pejabat.yml"
    registry.with_name("pejabat.yml.sig").write_bytes(
        sshsig.sign(registry.read_bytes(), keys / "penyusup", sshsig.NAMESPACE_REGISTRI))
    git(repo, "commit", "-q", "-am", "registri ditandatangani kunci lain")
    assert verify(repo) == EXIT_REGISTRY
    assert "approvals/pejabat.yml" in capsys.readouterr().err


def test_crlf_in_a_statement(repo, capsys):
    path = statements(repo)[1]
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    git(repo, "commit", "-q", "-am", "CRLF")
    code = verify(repo)
    assert code in (EXIT_HISTORY, EXIT_CHAIN, EXIT_BAD_SIGNATURE)
    err = capsys.readouterr().err
    assert path.name in err and "Traceback" not in err


def test_chain_out_of_order_forged_by_hand(repo, keys, capsys):
    forge(repo, keys, "registrasi", "admin", rincian={"nomor_surat": "1", "tanggal_surat": "2025-07-12",
                                                      "eksemplar": 1, "penerima": ["Bupati Tapin"]})
    assert verify(repo) == EXIT_CHAIN
    assert "langkah di luar urutan SOP: yang seharusnya berikutnya 07-final" in capsys.readouterr().err


def test_final_build_is_refused_until_arahan(registered, tmp_path, keys, capsys):
    repo = tmp_path / "repo"
    shutil.copytree(registered, repo)
    assert approve(repo, keys, "draf", "admin") == 0
    assert run(repo, "build", "--period", PERIODE, "--final", "--data-dir", str(repo / "data"),
               paths=Paths.of_project(tmp_path)) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert "PDF final 2025-S1 belum dapat dibuat: pengesahan belum sampai arahan Kepala Dinas" in err
    assert "menunggu analisa Kasi" in err
    assert not (tmp_path / "site").exists()


# ---- final, registration, distribution (one real PDF build) -------------------------------------------

def pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.split("\f")[:-1]


@pytest.mark.slow
def test_final_pdf_then_final_step_registration_and_distribution(golden_through_arahan, keys, tmp_path, monkeypatch,
                                                                 capsys):
    repo = golden_workspace(golden_through_arahan, tmp_path, monkeypatch)
    assert run(repo, "build", "--period", PERIODE, "--final", "--data-dir", str(repo / "data"),
               paths=Paths.of_project(tmp_path)) == 0
    assert f"PDF final {PERIODE}: " in capsys.readouterr().out
    pdf = tmp_path / "site" / PERIODE / f"buku-data-agregat-{PERIODE}.pdf"
    pages = pdf_pages(pdf)
    assert not [n for n, page in enumerate(pages, 1) if "DRAF" in page]
    lembar = next(page for page in pages if "Lembar Pengesahan" in page and "Tanda tangan" in page)
    flat = " ".join(lembar.split())
    for role, (nip, nama) in OFFICIALS.items():
        assert nama in flat and nip in flat, role
    assert "Setuju" in flat and "arahan: segera cetak 50 eksemplar" in flat and "10 Juli 2025" in flat

    assert approve(repo, keys, "final", "admin", ["--copies", "50"], "2025-07-20T10:00:00+08:00") == 0
    final = pernyataan.parse((repo / "approvals" / PERIODE / "r1" / "07-final.yml").read_bytes(), "07-final.yml")
    assert final.rincian == {"pdf_sha256": pernyataan.sha256(pdf.read_bytes()), "ukuran": "A4", "eksemplar": 50}

    out_dir = tmp_path / "distribusi"
    recipients = ["Bupati Tapin", "Ketua DPRD Kabupaten Tapin", "Kepala Bappeda Kabupaten Tapin"]
    too_many = ["--copies", "20", *[arg for name in recipients for arg in ("--to", name)]]
    register = ["register", *chain_args(repo), "--number", "400.12/045/DUKCAPIL/2025", "--date", "2025-07-21",
                "--key", str(keys / "admin"), "--time", "2025-07-21T09:00:00+08:00", "--out-dir", str(out_dir)]
    assert run(repo, *register, *too_many) == EXIT_REFUSED
    assert "20 eksemplar × 3 penerima melebihi 50 eksemplar yang dicetak" in capsys.readouterr().err
    assert run(repo, *register, "--copies", "2", *[a for name in recipients for a in ("--to", name)]) == 0
    letters = sorted(out_dir.glob("surat-pengantar-*.pdf"))
    assert len(letters) == 3
    for letter, name in zip(letters, recipients):
        text = " ".join(" ".join(pdf_pages(letter)).split())
        assert name in text and "Nomor: 400.12/045/DUKCAPIL/2025" in text and "2 (dua) eksemplar" in text
        assert OFFICIALS["kadis"][1] in text and "21 Juli 2025" in text
    listing = (out_dir / "daftar-distribusi.md").read_text()
    assert "| 2 | Ketua DPRD Kabupaten Tapin | 2 | surat-pengantar-02.pdf |" in listing

    capsys.readouterr()
    assert run(repo, "verify", *chain_args(repo)) == 0        # the final PDF is rebuilt (cache) and compared
    out = capsys.readouterr().out
    assert "semua langkah SOP selesai" in out and "(8 pernyataan diperiksa)" in out
    other = tmp_path / "lain.pdf"
    other.write_bytes(letters[0].read_bytes())
    assert run(repo, "verify", *chain_args(repo), "--pdf", str(other)) == 26
    assert "bukan PDF final yang dicatat" in capsys.readouterr().err
    # a later plain build keeps publishing the final PDF, never a draft over it
    assert run(repo, "build", "--period", PERIODE, "--data-dir", str(repo / "data"),
               paths=Paths.of_project(tmp_path)) == 0
    assert pernyataan.sha256(pdf.read_bytes()) == final.rincian["pdf_sha256"]
    # and every page of the edition says it is registered (issue 12, point 3)
    page = (tmp_path / "site" / PERIODE / "index.html").read_text(encoding="utf-8")
    assert "Terdaftar (nomor 400.12/045/DUKCAPIL/2025, 21 Juli 2025)" in page and "status-terdaftar" in page
    assert run(repo, "approve", *chain_args(repo), "--step", "final", "--copies", "1",
               "--key", str(keys / "admin")) == EXIT_REFUSED
    assert "sudah teregistrasi" in capsys.readouterr().err


FORGED = b"%PDF-1.7\n% palsu: Jumlah penduduk 1.000.000 jiwa\n%%EOF\n"


def plant(entry: Path, data: bytes = FORGED) -> None:
    """Put `data` in the cache entry `entry` with a record that vouches for it (the strongest plant)."""
    import json

    entry.write_bytes(data)
    entry.with_suffix(".json").write_text(json.dumps({"kunci": entry.stem, "sha256": pernyataan.sha256(data)}))


def golden_workspace(golden_through_arahan, tmp_path, monkeypatch) -> Path:
    """A private copy of the golden chain through `arahan`, with the PDF cache and the record of this
    process's renders in tmp_path (never the repository's own); returns the copy. Its builds are given
    `paths=Paths.of_project(tmp_path)`: the site in tmp_path/site."""
    repo = tmp_path / "repo"
    shutil.copytree(golden_through_arahan, repo)
    own_publishing_cache(monkeypatch, tmp_path / "cache")
    return repo


@pytest.mark.slow
def test_a_pdf_planted_in_the_cache_is_never_signed_by_final_nor_accepted_by_verify(
        golden_through_arahan, keys, tmp_path, monkeypatch, capsys):
    """Issue 9, hole 3: a file placed in .cache/pdf/ under the expected name (with a matching record) is
    neither recorded by `approve --step final` nor accepted by `verify`: both render the PDF again."""
    from agregat.buku import build as book

    repo = golden_workspace(golden_through_arahan, tmp_path, monkeypatch)
    assert run(repo, "build", "--period", PERIODE, "--final", "--data-dir", str(repo / "data"),
               paths=Paths.of_project(tmp_path)) == 0
    genuine = (tmp_path / "site" / PERIODE / f"buku-data-agregat-{PERIODE}.pdf").read_bytes()
    assert "adalah 14 jiwa" in " ".join(" ".join(pdf_pages(tmp_path / "site" / PERIODE /
                                                         f"buku-data-agregat-{PERIODE}.pdf")).split())
    [entry] = (tmp_path / "cache" / "pdf").glob("*.pdf")            # the name the final step looks for

    plant(entry)
    book._RENDERED.clear()                                           # as in a new process: nothing made here
    assert approve(repo, keys, "final", "admin", ["--copies", "5"], "2025-07-20T10:00:00+08:00") == 0
    final = pernyataan.parse((repo / "approvals" / PERIODE / "r1" / "07-final.yml").read_bytes(), "07-final.yml")
    assert final.rincian["pdf_sha256"] == pernyataan.sha256(genuine) != pernyataan.sha256(FORGED)
    assert entry.read_bytes() == genuine                             # the render replaced the planted file

    plant(entry)
    book._RENDERED.clear()
    capsys.readouterr()
    assert run(repo, "verify", *chain_args(repo)) == 0               # rendered again, not the planted file
    assert entry.read_bytes() == genuine
    forged = tmp_path / "palsu.pdf"
    forged.write_bytes(FORGED)
    assert run(repo, "verify", *chain_args(repo), "--pdf", str(forged)) == 26
    err = capsys.readouterr().err
    assert "bukan PDF final yang dicatat" in err and "Traceback" not in err


# ---- review: more attacks ------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    b"langkah: [draf]\n", b"langkah: {a: 1}\n", b"1: x\nlangkah: \"draf\"\n", b"revisi: " + b"9" * 5000 + b"\n",
    b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n", b"penanda_tangan: [1]\n",
])
def test_a_hand_made_statement_is_a_chain_error_never_a_crash(data):
    from agregat.core.errors import AgregatError

    with pytest.raises(AgregatError):
        pernyataan.parse(data, "approvals/2025-S1/r1/07-final.yml")


def test_an_unsigned_junk_statement_pushed_to_the_repository_gives_the_chain_exit_code(repo, capsys):
    path = repo / "approvals" / PERIODE / "r1" / "07-final.yml"
    path.write_bytes(b"langkah: [final]\n")
    path.with_name(path.name + ".sig").write_bytes(b"-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "sampah")
    assert verify(repo) == EXIT_CHAIN
    err = capsys.readouterr().err
    assert "07-final.yml" in err and "Kesalahan internal" not in err


def test_approve_refuses_a_time_before_the_previous_statement_instead_of_breaking_the_chain(registered, tmp_path,
                                                                                            keys, capsys):
    """A statement, once committed, can never be removed; so `approve` must not write one the verifier
    rejects (a mistyped --time would otherwise block the edition for good)."""
    repo = tmp_path / "repo"
    shutil.copytree(registered, repo)
    assert approve(repo, keys, "draf", "admin", waktu="2025-07-10T08:00:00+08:00") == 0
    assert approve(repo, keys, "analisa", "kasi", waktu="2025-07-10T07:59:59+08:00") == EXIT_REFUSED
    assert "waktunya lebih awal daripada pernyataan sebelumnya" in capsys.readouterr().err
    assert not (repo / "approvals" / PERIODE / "r1" / "02-analisa.yml").exists()
    assert verify(repo) == 0


def test_approve_refuses_with_the_finding_verify_gives_for_the_same_statement(registered, tmp_path, keys, capsys):
    """One rule: the statement `approve` refuses to write is the one `verify` rejects once an attacker
    commits it by hand, and both say so in the same words."""
    repo = tmp_path / "repo"
    shutil.copytree(registered, repo)
    assert approve(repo, keys, "draf", "admin", waktu="2025-07-10T08:00:00+08:00") == 0
    assert approve(repo, keys, "analisa", "kasi", waktu="2025-07-10T07:30:00+08:00") == EXIT_REFUSED
    refused = capsys.readouterr().err
    finding = (f"approvals/{PERIODE}/r1/02-analisa.yml: waktunya lebih awal daripada pernyataan sebelumnya "
               "(2025-07-10T08:00:00+08:00).")
    assert f"`verify` akan menolak pernyataannya — {finding} Tidak ada yang ditulis." in refused
    forge(repo, keys, "analisa", "kasi", waktu="2025-07-10T07:30:00+08:00")
    assert verify(repo) == EXIT_CHAIN
    assert f"[{EXIT_CHAIN}] {finding}" in capsys.readouterr().err


def test_approve_and_verify_call_the_same_statement_rule(registered, tmp_path, keys, capsys, monkeypatch):
    """`approve` has no checks of its own beside the verifier's: a rule added to
    verifikasi.statement_findings refuses in both at once."""
    from agregat.pengesahan import verifikasi

    repo = tmp_path / "repo"
    shutil.copytree(registered, repo)
    assert approve(repo, keys, "draf", "admin", waktu="2025-07-10T08:00:00+08:00") == 0
    rule = verifikasi.statement_findings

    def no_analysis_on_thursday(rantai, statement, *rest):
        if statement.langkah == "analisa" and statement.waktu.isoweekday() == 4:
            return [verifikasi.Temuan(EXIT_CHAIN, statement.path, "aturan uji: tidak ada analisa hari Kamis.")]
        return rule(rantai, statement, *rest)

    monkeypatch.setattr(verifikasi, "statement_findings", no_analysis_on_thursday)
    assert approve(repo, keys, "analisa", "kasi", waktu="2025-07-10T09:00:00+08:00") == EXIT_REFUSED
    assert "02-analisa.yml: aturan uji: tidak ada analisa hari Kamis." in capsys.readouterr().err
    assert not (repo / "approvals" / PERIODE / "r1" / "02-analisa.yml").exists()
    forge(repo, keys, "analisa", "kasi", waktu="2025-07-10T09:00:00+08:00")
    assert verify(repo) == EXIT_CHAIN
    assert "02-analisa.yml: aturan uji: tidak ada analisa hari Kamis." in capsys.readouterr().err


def test_approve_refuses_a_time_in_the_future(registered, tmp_path, keys, capsys):
    repo = tmp_path / "repo"
    shutil.copytree(registered, repo)
    assert approve(repo, keys, "draf", "admin", waktu="2099-07-10T08:00:00+08:00") == EXIT_REFUSED
    assert "masa depan" in capsys.readouterr().err
    assert not (repo / "approvals" / PERIODE / "r1").exists()


def test_a_statement_dated_in_the_future_is_refused(repo, keys, capsys):
    """A future time would let someone sign under a role or key that starts only later, and would block
    every honest next step (times must not go backwards)."""
    forge(repo, keys, "final", "admin", waktu="2099-01-01T08:00:00+08:00")
    assert verify(repo) == EXIT_CHAIN
    assert "masa depan" in capsys.readouterr().err


def test_an_older_root_signed_registry_put_back_does_not_revive_a_revoked_key(repo, keys, capsys):
    """Rollback: every earlier registry is root-signed too. Putting back the version from before a key was
    revoked (and its allowed_signers) must not make that key good again."""
    approvals = ["--approvals-dir", str(repo / "approvals")]
    assert run(repo, "officials", "revoke-key", "--nip", OFFICIALS["admin"][0], "--pubkey", str(keys / "admin.pub"),
               "--to", "2025-07-15", "--root-key", str(keys / "kadis"), *approvals) == 0
    git(repo, "commit", "-q", "-am", "kunci admin bocor: dicabut")
    for name in ("pejabat.yml", "pejabat.yml.sig", "allowed_signers"):
        git(repo, "checkout", "HEAD~1", "--", f"approvals/{name}")
    git(repo, "commit", "-q", "-m", "registri lama dipulihkan")
    forge(repo, keys, "final", "admin", waktu="2025-07-20T08:00:00+08:00")
    capsys.readouterr()
    assert verify(repo) == EXIT_REGISTRY
    err = capsys.readouterr().err
    assert "approvals/pejabat.yml" in err and "dicabut" in err


def test_a_revoked_role_stays_ended_when_an_older_registry_is_put_back(repo, keys, capsys):
    approvals = ["--approvals-dir", str(repo / "approvals")]
    assert run(repo, "officials", "end-role", "--nip", OFFICIALS["admin"][0], "--role", "admin",
               "--to", "2025-07-15", "--root-key", str(keys / "kadis"), *approvals) == 0
    git(repo, "commit", "-q", "-am", "admin pindah tugas")
    for name in ("pejabat.yml", "pejabat.yml.sig", "allowed_signers"):
        git(repo, "checkout", "HEAD~1", "--", f"approvals/{name}")
    git(repo, "commit", "-q", "-m", "registri lama dipulihkan")
    assert verify(repo) == EXIT_REGISTRY


def test_a_registry_that_only_grows_and_ends_things_passes_the_rollback_check(repo, keys, capsys):
    approvals = ["--approvals-dir", str(repo / "approvals")]
    assert run(repo, "officials", "revoke-key", "--nip", OFFICIALS["admin"][0], "--pubkey", str(keys / "admin.pub"),
               "--to", "2025-07-15", "--root-key", str(keys / "kadis"), *approvals) == 0
    git(repo, "commit", "-q", "-am", "kunci admin dicabut")
    assert run(repo, "officials", "revoke-key", "--nip", OFFICIALS["admin"][0], "--pubkey", str(keys / "admin.pub"),
               "--to", "2025-07-12", "--root-key", str(keys / "kadis"), *approvals) == 0
    assert run(repo, "officials", "add", "--nip", OFFICIALS["admin"][0], "--pubkey", str(keys / "penyusup.pub"),
               "--key-from", "2025-07-13", "--root-key", str(keys / "kadis"), *approvals) == 0
    git(repo, "commit", "-q", "-am", "kunci admin baru")
    assert verify(repo) == 0


@pytest.mark.parametrize(("langkah", "rincian"), [
    ("final", {"pdf_sha256": "", "ukuran": "A4", "eksemplar": 50}),
    ("final", {"pdf_sha256": "0" * 64, "ukuran": "A4", "eksemplar": "50"}),
    ("final", {"pdf_sha256": "0" * 64, "ukuran": "A4", "eksemplar": 0}),
    ("registrasi", {"nomor_surat": "1", "tanggal_surat": "21 Juli 2025", "eksemplar": 1, "penerima": ["Bupati"]}),
    ("registrasi", {"nomor_surat": "1", "tanggal_surat": "2025-07-21", "eksemplar": 1, "penerima": "Bupati"}),
    ("registrasi", {"nomor_surat": "", "tanggal_surat": "2025-07-21", "eksemplar": 1, "penerima": ["Bupati"]}),
    ("registrasi", {"nomor_surat": "1", "tanggal_surat": "2025-07-21", "eksemplar": 1, "penerima": []}),
])
def test_the_fields_of_final_and_registrasi_are_checked_when_read(langkah, rincian):
    """`verify --no-pdf` and `register`/distribution read these fields; a malformed one must be a chain
    error, not an accepted statement or a crash later (int × str, date.fromisoformat)."""
    import datetime as dt

    from agregat.core.errors import ChainError

    statement = pernyataan.Pernyataan(
        periode=PERIODE, revisi=1, langkah=langkah, nomor_langkah=7 if langkah == "final" else 8,
        keputusan="final", principal="nip-" + OFFICIALS["admin"][0], peran="admin", digest_edisi="0" * 64,
        sebelumnya="1" * 64, waktu=dt.datetime.fromisoformat("2025-07-20T10:00:00+08:00"), rincian=rincian)
    with pytest.raises(ChainError):
        pernyataan.parse(pernyataan.dump(statement), statement.path)


def test_a_shallow_clone_cannot_vouch_for_the_history(repo, keys, tmp_path, capsys):
    """In a shallow clone the first commit seems to add every statement: an edit made earlier is invisible."""
    path = repo / "approvals" / PERIODE / "r1" / "06-arahan.yml"
    data = path.read_bytes().replace(b'catatan: ""', b'catatan: "disisipkan"')
    path.write_bytes(data)
    path.with_name(path.name + ".sig").write_bytes(sshsig.sign(data, keys / "kasi", sshsig.NAMESPACE_PERNYATAAN))
    git(repo, "commit", "-q", "-am", "perbaiki catatan")
    assert verify(repo) == EXIT_HISTORY
    (repo / "lain.txt").write_text("x\n")
    git(repo, "add", "lain.txt")
    git(repo, "commit", "-q", "-m", "lain")
    shallow = tmp_path / "dangkal"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    assert verify(shallow) == EXIT_HISTORY
    assert "git fetch --unshallow" in capsys.readouterr().err


@pytest.mark.parametrize(("waktu", "code"), [
    ("2025-07-15T15:59:59+00:00", 0),                     # 23:59:59 WITA, the last second of the last day
    ("2025-07-15T16:00:00+00:00", EXIT_NOT_AUTHORISED),   # 00:00 WITA the next day
    ("2025-07-16T07:59:59+08:00", EXIT_NOT_AUTHORISED),
])
def test_key_validity_ends_at_the_wita_day_boundary_whatever_the_offset_written(repo, keys, capsys, waktu, code):
    """The statement is committed BEFORE the revocation (after it, commit order refuses it whatever its time:
    test_a_revoked_key_cannot_sign_by_backdating); then the time decides, to the WITA day."""
    path = forge(repo, keys, "final", "admin", waktu=waktu)
    assert run(repo, "officials", "revoke-key", "--nip", OFFICIALS["admin"][0], "--pubkey", str(keys / "admin.pub"),
               "--to", "2025-07-15", "--root-key", str(keys / "kadis"),
               "--approvals-dir", str(repo / "approvals")) == 0
    git(repo, "commit", "-q", "-am", "kunci admin berakhir 15 Juli")
    assert verify(repo) == code
    # stock ssh-keygen with the committed allowed_signers agrees at the same instant
    import datetime as dt
    when = sshsig.ssh_time(dt.datetime.fromisoformat(waktu))
    stock = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", str(repo / "approvals" / "allowed_signers"),
                            "-I", "nip-" + OFFICIALS["admin"][0], "-n", sshsig.NAMESPACE_PERNYATAAN,
                            "-s", f"{path}.sig", "-O", f"verify-time={when}"],
                           check=False, input=path.read_bytes(), capture_output=True)
    assert (stock.returncode == 0) == (code == 0)


def test_statement_added_on_a_side_branch_then_changed_before_the_merge(repo, keys, capsys):
    git(repo, "checkout", "-q", "-b", "cabang")
    path = forge(repo, keys, "final", "admin")
    data = path.read_bytes().replace(b"eksemplar: 5", b"eksemplar: 500")
    path.write_bytes(data)
    path.with_name(path.name + ".sig").write_bytes(sshsig.sign(data, keys / "admin", sshsig.NAMESPACE_PERNYATAAN))
    git(repo, "commit", "-q", "-am", "ubah jumlah")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge cabang", "cabang")
    assert verify(repo) == EXIT_HISTORY
    assert f"approvals/{PERIODE}/r1/07-final.yml: diubah di commit" in capsys.readouterr().err


def test_statement_deleted_then_added_again_with_the_same_bytes(repo, capsys):
    path = repo / "approvals" / PERIODE / "r1" / "06-arahan.yml"
    saved = {p: p.read_bytes() for p in (path, path.with_name(path.name + ".sig"))}
    git(repo, "rm", "-q", str(path), f"{path}.sig")
    git(repo, "commit", "-q", "-m", "hapus")
    for p, data in saved.items():
        p.write_bytes(data)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "kembalikan")
    assert verify(repo) == EXIT_HISTORY
    assert "dihapus di commit" in capsys.readouterr().err


def test_an_edition_folder_outside_the_repository_is_a_clear_error(registered, tmp_path):
    from agregat.pengesahan import langkah as pengesahan
    from agregat.pengesahan import verifikasi
    from agregat.core.config import load_config
    from agregat.core.errors import UsageError

    outside = tmp_path / "di-luar" / "data"
    outside.mkdir(parents=True)
    with pytest.raises(UsageError, match="tidak berada di dalam repositori"):
        pengesahan.periksa(registered, outside, PERIODE, load_config(registered / "kabupaten.yml"))
    with pytest.raises(UsageError, match="tidak berada di dalam repositori"):
        verifikasi.periksa(registered, PERIODE, "SHA256:x", data_prefix="../di-luar/data")


def test_the_edition_digest_is_read_with_a_dot_or_slashes_in_the_data_prefix(registered, keys):
    from agregat.pengesahan import verifikasi

    pin = sshsig.fingerprint(sshsig.read_public_key(keys / "kadis.pub"))
    want = edition_digest(registered / "data" / PERIODE)
    for prefix in ("data", "./data", "data/", "data//"):
        assert verifikasi.periksa(registered, PERIODE, pin, data_prefix=prefix).digest_data == want, prefix


def test_every_step_name_the_policy_accepts_has_a_statement_path():
    """The policy allows digits in step names ([a-z][a-z0-9-]*); their statement files must be recognised."""
    assert pernyataan.parse_path("approvals/2025-S1/r1/09-paraf2.yml") == ("2025-S1", 1, 9, "paraf2")
    assert pernyataan.parse_path(pernyataan.statement_path("2025-S1", 2, 4, "paraf-sekretaris")) == \
        ("2025-S1", 2, 4, "paraf-sekretaris")


def test_verify_accepts_a_draft_edition_before_any_approval_exists(tmp_path, git_identity, capsys):
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "data" / PERIODE, repo / "data" / PERIODE)
    shutil.copy(ROOT / "kabupaten.yml", repo / "kabupaten.yml")
    wilayah = repo / "agregat" / "referensi" / "wilayah"
    wilayah.mkdir(parents=True)
    shutil.copy(ROOT / "agregat" / "referensi" / "wilayah" / "63.05.csv", wilayah)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "draf")
    assert run(repo, "verify", *chain_args(repo)) == 0
    verified = capsys.readouterr()
    assert "Belum ada pengesahan untuk 2025-S1" in verified.out
    assert run(repo, "status", *chain_args(repo)) == 0          # issue 12: status says the same, exit 0
    assert capsys.readouterr() == verified
    (repo / "approvals" / PERIODE / "r1").mkdir(parents=True)
    (repo / "approvals" / PERIODE / "r1" / "01-draf.yml").write_text("periode: \"2025-S1\"\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "pernyataan tanpa registri")
    assert run(repo, "verify", *chain_args(repo)) == EXIT_REGISTRY
    assert "Sidik jari kunci akar belum dipasang" in capsys.readouterr().err
