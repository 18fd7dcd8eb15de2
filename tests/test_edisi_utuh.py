"""An edition is its regular files with safe names, nothing else (issue 9, holes 1 and 9): the digest attack
with a newline in a name and a symlink to forged numbers, performed end to end in a real git repository with
a signed chain, is refused by digest, verify, approve and build; so is a shadow edition in data/."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess

import pytest

from agregat.cli import main as cli
from agregat.core.paths import Paths
from agregat.core import digest
from agregat.edisi import jobs
from agregat.core.errors import EXIT_INPUT, EXIT_REFUSED, EditionError
from conftest import FIXTURES, ROOT, snapshot
from test_pengesahan import PERIODE, approve, chain_args, git, run, verify

GOLDEN = FIXTURES / "golden"


def digest_before_the_fix(folder) -> str:
    """The digest as the tool took it before: every regular file below the folder, symlinks left out, the
    listing `<sha256>  <name>\\n` of whatever names they had."""
    return hashlib.sha256(digest.listing_of({p.relative_to(folder).as_posix(): digest.file_sha256(p)
                                             for p in folder.rglob("*") if p.is_file() and not p.is_symlink()})
                          ).hexdigest()


def forge_numbers(edition) -> bytes:
    """penduduk.yml with the kabupaten total set to 1.000.000 jiwa."""
    text = (edition / "penduduk.yml").read_text()
    return re.sub(r"(  '?63\.05'?:\n(?:    .*\n)*?      PENDUDUK: \{lk: )\d+, pr: \d+, jml: \d+",
                  r"\g<1>500000, pr: 500000, jml: 1000000", text, count=1).encode()


# ---- hole 1: the digest kept while the numbers change ----------------------------------------------------

def test_the_newline_and_symlink_attack_is_refused_everywhere(repo, keys, tmp_path, capsys):
    edition = repo / "data" / PERIODE
    approved = digest.edition_digest(edition)
    forged = forge_numbers(edition)
    assert b"jml: 1000000" in forged
    # the attack: pendidikan.yml renamed to a name that carries penduduk.yml's line of the listing, both
    # replaced by symlinks (left out of the old digest), penduduk.yml's pointing at forged numbers
    sha = digest.file_sha256(edition / "penduduk.yml")
    carrier = f"pendidikan.yml\n{sha}  penduduk.yml"
    os.rename(edition / "pendidikan.yml", edition / carrier)
    (repo / "palsu").mkdir()
    (repo / "palsu" / "penduduk.yml").write_bytes(forged)
    (edition / "penduduk.yml").unlink()
    os.symlink("../../palsu/penduduk.yml", edition / "penduduk.yml")
    os.symlink(carrier, edition / "pendidikan.yml")
    assert digest_before_the_fix(edition) == approved          # the old digest could not see it
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "perbaikan kecil")
    head = git(repo, "rev-parse", "HEAD")
    shown = digest.shown_name(carrier)
    assert "\\n" in shown and "\n" not in shown
    before = snapshot(repo)
    capsys.readouterr()

    def refused(code: int, command: list[str]) -> str:
        assert run(repo, *command, paths=Paths.of_project(tmp_path)) == code, command
        err = capsys.readouterr().err
        assert "Traceback" not in err and shown in err and "'penduduk.yml' (tautan simbolik" in err, command
        return err

    err = refused(EXIT_INPUT, ["digest", "--period", PERIODE, "--data-dir", str(repo / "data")])
    assert err.startswith("Kesalahan: Edisi ") and "ditolak" in err
    err = refused(EXIT_INPUT, ["verify", *chain_args(repo), "--no-pdf"])
    assert "TIDAK SAH" in err and f"[{EXIT_INPUT}] data/{PERIODE}/" in err
    err = refused(EXIT_REFUSED, ["approve", *chain_args(repo), "--step", "final", "--copies", "50",
                                 "--key", str(keys / "admin"), "--time", "2025-07-20T10:00:00+08:00"])
    assert "Kesalahan:" in err
    refused(EXIT_REFUSED, ["build", "--period", PERIODE, "--final", "--data-dir", str(repo / "data")])
    refused(EXIT_INPUT, ["build", "--no-pdf", "--data-dir", str(repo / "data")])
    refused(EXIT_INPUT, ["diff", "--period", PERIODE, "--data-dir", str(repo / "data"), "--base", "HEAD"])
    assert snapshot(repo) == before and git(repo, "rev-parse", "HEAD") == head
    assert not (tmp_path / "site").exists()


def _commit_tree_entry(repo, path: str, mode: str, sha: str) -> None:
    git(repo, "update-index", "--add", "--cacheinfo", f"{mode},{sha},{path}")
    git(repo, "commit", "-q", "-m", "entri aneh")


def test_verify_refuses_a_committed_symlink_folder_gitlink_or_undecodable_name(repo, capsys):
    """Each entry committed on its own: verify reads git objects, so each must be refused there too."""
    blob = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=repo, input=b"x\n", capture_output=True,
                          check=True).stdout.decode().strip()
    head = git(repo, "rev-parse", "HEAD").strip()
    cases = [("120000", blob, "tautan.yml", "'tautan.yml' (tautan simbolik"),
             ("100644", blob, "sub/isi.yml", "'sub' (folder"),
             ("160000", head, "modul", "'modul' (submodul git"),
             ("100644", blob, "Besar.yml", "'Besar.yml' (nama tidak diizinkan")]
    for mode, sha, name, expected in cases:
        git(repo, "reset", "-q", "--hard", head)
        _commit_tree_entry(repo, f"data/{PERIODE}/{name}", mode, sha)
        capsys.readouterr()
        assert verify(repo) == EXIT_INPUT, name
        err = capsys.readouterr().err
        assert expected in err and "Traceback" not in err, name
    # a name that is not UTF-8, committed as raw bytes
    git(repo, "reset", "-q", "--hard", head)
    raw = os.fsencode(repo / "data" / PERIODE) + b"/caf\xff.yml"
    with open(raw, "wb") as handle:
        handle.write(b"x\n")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    git(repo, "commit", "-q", "-m", "nama bukan UTF-8")
    capsys.readouterr()
    assert verify(repo) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "'caf\\xff.yml' (nama tidak diizinkan" in err and "Traceback" not in err
    assert run(repo, "digest", "--period", PERIODE, "--data-dir", str(repo / "data")) == EXIT_INPUT
    assert "'caf\\xff.yml'" in capsys.readouterr().err


def test_a_draft_edition_without_approvals_is_still_checked_by_verify(tmp_path, git_identity, capsys):
    repo = tmp_path / "repo"       # as test_pengesahan's draft-before-any-approval repository
    shutil.copytree(ROOT / "data" / PERIODE, repo / "data" / PERIODE)
    shutil.copy(ROOT / "kabupaten.yml", repo / "kabupaten.yml")
    wilayah = repo / "agregat" / "referensi" / "wilayah"
    wilayah.mkdir(parents=True)
    shutil.copy(ROOT / "agregat" / "referensi" / "wilayah" / "63.05.csv", wilayah)
    (repo / "data" / PERIODE / "analisa.md").unlink()
    os.symlink("/etc/hostname", repo / "data" / PERIODE / "analisa.md")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "draf")
    assert run(repo, "verify", *chain_args(repo)) == EXIT_INPUT
    assert "'analisa.md' (tautan simbolik" in capsys.readouterr().err


# ---- the book never reads through a symlink out of data/<P>/ ---------------------------------------------

@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    jobs.aggregate(GOLDEN / "register.csv", PERIODE, GOLDEN / "kabupaten.yml", folder)
    return folder


def test_a_symlinked_analisa_is_refused_never_published(data, tmp_path, capsys):
    from agregat.edisi.muat import muat_edisi

    secret = tmp_path / "rahasia.md"
    secret.write_text("# Bukan untuk terbit\n")
    os.symlink(secret, data / PERIODE / "analisa.md")
    with pytest.raises(EditionError, match="'analisa.md' \\(tautan simbolik"):
        muat_edisi(data, PERIODE)
    before = snapshot(tmp_path)
    assert cli.main(["build", "--no-pdf", "--data-dir", str(data)],
                    paths=Paths.of_project(tmp_path)) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "'analisa.md' (tautan simbolik" in err and "Traceback" not in err
    assert snapshot(tmp_path) == before and not (tmp_path / "site").exists()


def test_a_file_swapped_for_a_symlink_after_the_listing_is_not_read(data, tmp_path):
    target = tmp_path / "lain.yml"
    target.write_text("x: 1\n")
    names = digest.edition_entries(data / PERIODE)
    (data / PERIODE / "penduduk.yml").unlink()
    os.symlink(target, data / PERIODE / "penduduk.yml")
    assert "penduduk.yml" in names
    with pytest.raises(EditionError, match="tidak dapat dibuka sebagai berkas biasa"):
        digest.read_entry(data / PERIODE, "penduduk.yml")


# ---- hole 9: a shadow edition in data/ ---------------------------------------------------------------------

@pytest.mark.parametrize("name, shown", [
    ("٢٠٢٥-S1", "'\\u0662\\u0660\\u0662\\u0665-S1'"),     # Arabic-Indic digits
    ("２０２５-S1", "'\\uff12\\uff10\\uff12\\uff15-S1'"),  # full-width digits
    ("2025-S1 ", "'2025-S1 '"),
    ("2025-S1.bak", "'2025-S1.bak'"),
    ("catatan.txt", "'catatan.txt'"),
])
def test_anything_in_data_but_editions_readme_and_raw_makes_the_build_refuse(data, tmp_path, capsys,
                                                                            name, shown):
    shutil.copytree(data / PERIODE, data / name) if name != "catatan.txt" else (data / name).write_text("x")
    (data / "README.md").write_text("# data\n")
    (data / "raw").mkdir()
    (data / ".gitkeep").write_text("")
    before = snapshot(tmp_path)
    assert cli.main(["build", "--no-pdf", "--data-dir", str(data)],
                    paths=Paths.of_project(tmp_path)) == EXIT_INPUT
    err = capsys.readouterr().err
    assert f"berisi entri yang bukan edisi: {shown}" in err and "Traceback" not in err and err.isascii()
    assert snapshot(tmp_path) == before and not (tmp_path / "site").exists()


def test_a_symlinked_or_unfinished_edition_folder_in_data_is_refused(data, tmp_path):
    from agregat.edisi.muat import daftar_edisi

    (data / "README.md").write_text("# data\n")
    assert daftar_edisi(data) == [PERIODE]
    os.symlink(data / PERIODE, data / "2024-S2")
    with pytest.raises(EditionError, match="'2024-S2' \\(bukan folder biasa\\)"):
        daftar_edisi(data)
    (data / "2024-S2").unlink()
    (data / "2024-S1").mkdir()
    with pytest.raises(EditionError, match="'2024-S1' \\(tanpa manifest.yml\\)"):
        daftar_edisi(data)


def test_a_parsed_edition_is_reused_only_for_the_same_bytes(tmp_path):
    """The book parses an edition once per process, keyed by every byte of every entry: a file rewritten in
    place with the same size and modification time (what a size-and-mtime stamp could not see) is read
    again, and unchanged bytes give back the very same parsed edition."""
    from agregat.edisi.muat import muat_edisi

    shutil.copytree(GOLDEN / PERIODE, tmp_path / PERIODE)
    path = tmp_path / PERIODE / "penduduk.yml"
    first = muat_edisi(tmp_path, PERIODE)
    assert muat_edisi(tmp_path, PERIODE) is first
    before = os.stat(path)
    text = path.read_text(encoding="utf-8")
    old = re.search(r"jml: (\d+)", text).group(1)
    new = str((int(old) + 1) % 10 ** len(old)).zfill(len(old))
    path.write_text(text.replace(f"jml: {old}", f"jml: {new}", 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(path).st_size == before.st_size
    again = muat_edisi(tmp_path, PERIODE)
    assert again is not first and again.dokumen["penduduk"] != first.dokumen["penduduk"]


def test_the_pdf_never_reads_parsed_yaml_from_the_cache(tmp_path, monkeypatch):
    """Only the website takes parsed files from `.cache/yaml/` (trusted like the chart cache); the PDF, which
    may be signed, is made from the edition's bytes: an entry planted for those bytes does not reach it, not
    even through the Edisi the website already holds in the same process."""
    import marshal

    from agregat.core import yamlcepat
    from agregat.edisi import muat

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(muat, "CACHE_YAML", tmp_path / "yaml")
    shutil.copytree(GOLDEN / PERIODE, tmp_path / PERIODE)
    data = (tmp_path / PERIODE / "penduduk.yml").read_bytes()
    planted = {**yamlcepat.load(data.decode()), "judul": "DITANAM"}
    payload = marshal.dumps(planted)
    (tmp_path / "yaml").mkdir()
    (tmp_path / "yaml" / f"{hashlib.sha256(yamlcepat._CODE + data).hexdigest()}.marshal").write_bytes(
        hashlib.sha256(payload).digest() + payload)
    assert muat.muat_edisi(tmp_path, PERIODE, tembolok=True).dokumen["penduduk"]["judul"] == "DITANAM"
    assert muat.muat_edisi(tmp_path, PERIODE).dokumen["penduduk"]["judul"] != "DITANAM"
