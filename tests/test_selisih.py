"""`python build.py diff`: the changes between a git ref and now, in real git repositories made by the tests."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

from agregat.cli import main as cli
from agregat.core.paths import Paths
from agregat.edisi import selisih
from agregat.core.digest import digest_of_contents, edition_digest

PERIOD = "2025-S1"
ENGLISH = re.compile(r"usage:|positional arguments|options:|show this help|required:|invalid choice")


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), "-c", "user.name=Uji", "-c", "user.email=uji@contoh.id",
                             "-c", "commit.gpgsign=false", *args], check=True, capture_output=True, text=True)
    return result.stdout.strip()


@pytest.fixture
def repo(tmp_path) -> Path:
    """A git repository holding the demo edition 2025-S1, committed on `main`."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "data" / PERIOD, repo / "data" / PERIOD)
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "edisi demo")
    return repo


def set_cell(path: Path, kode: str, label: str, lk: int, pr: int) -> None:
    """Rewrite one `{lk, pr, jml}` line of a table YAML in place (jml = lk + pr)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip().strip("'\"").rstrip(":").strip("'\"") == kode
                 and line.startswith("  ") and not line.startswith("   "))
    row = next(i for i in range(start + 1, len(lines)) if lines[i].startswith(f"      {label}: {{"))
    lines[row] = f"      {label}: {{lk: {lk}, pr: {pr}, jml: {lk + pr}}}"
    path.write_text("\n".join(lines), encoding="utf-8", newline="\n")


def get_cell(path: Path, kode: str, label: str) -> tuple[int, int]:
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip().strip("'\"").rstrip(":").strip("'\"") == kode
                 and line.startswith("  ") and not line.startswith("   "))
    row = next(lines[i] for i in range(start + 1, len(lines)) if lines[i].startswith(f"      {label}: {{"))
    lk, pr = re.search(r"lk: (\d+), pr: (\d+)", row).groups()
    return int(lk), int(pr)


def change(path: Path, kode: str, label: str, lk: int = 0, pr: int = 0) -> None:
    was_lk, was_pr = get_cell(path, kode, label)
    set_cell(path, kode, label, was_lk + lk, was_pr + pr)


def edit_edition(edition: Path) -> None:
    """A reviewer-sized change: one desa gains 25 men, a kelurahan loses 3 women (and their kecamatan and the
    kabupaten follow); in agama 4 Kristen men become women in one desa; one sentence of the analysis."""
    penduduk = edition / "penduduk.yml"
    change(penduduk, "63.05.01.2003", "PENDUDUK", lk=25)
    change(penduduk, "63.05.01.1001", "PENDUDUK", pr=-3)
    for kode in ("63.05.01", "63.05"):
        change(penduduk, kode, "PENDUDUK", lk=25, pr=-3)
    agama = edition / "agama.yml"
    change(agama, "63.05.01.1001", "KRISTEN", lk=-4, pr=4)
    analisa = edition / "analisa.md"
    text = analisa.read_text(encoding="utf-8")
    assert "tersebar di 12 kecamatan" in text
    analisa.write_text(text.replace("tersebar di 12 kecamatan", "tersebar merata di 12 kecamatan"),
                       encoding="utf-8", newline="\n")


def table_rows(markdown: str, title: str) -> list[str]:
    """The data rows of the table under the section `### title…`."""
    section = markdown.split(f"### {title}", 1)[1].split("\n### ", 1)[0].splitlines()
    return [line for line, following in zip(section, section[1:] + [""])
            if line.startswith("| ") and not following.startswith("|---")]   # a header row precedes |---|


def test_changed_cells_largest_first_with_indicators_and_analysis(repo):
    edition = repo / "data" / PERIOD
    digest_before = edition_digest(edition)
    edit_edition(edition)
    markdown = selisih.diff_edition(repo / "data", PERIOD, "main")
    sha = git(repo, "rev-parse", "HEAD")[:12]
    lines = markdown.splitlines()
    assert lines[0] == f"## Perubahan edisi {PERIOD}: main ({sha}) → folder kerja (data/{PERIOD})"
    assert lines[2] == (f"Digest: `{digest_before}` → `{edition_digest(edition)}` · berkas: 0 ditambah, "
                        "0 dihapus, 3 berubah.")
    assert "Berubah: `agama.yml`, `analisa.md`, `penduduk.yml`" in lines
    # penduduk before agama (the book's order from manifest.yml), and no section for unchanged tables
    titles = [line for line in lines if line.startswith("### ")]
    assert titles == ["### Indikator utama (Kabupaten TAPIN)", "### Jumlah Penduduk (`penduduk.yml`)",
                      "### Jumlah Penduduk Menurut Agama (`agama.yml`)", "### Bab VII Analisa (`analisa.md`)"]
    assert table_rows(markdown, "Jumlah Penduduk (`penduduk.yml`)") == [
        "| TUNGKAP | 63.05.01.2003 | PENDUDUK | 1.701 | 1.726 | +25 | +1,47% | +25 / 0 |",
        "| TAPIN | 63.05 | PENDUDUK | 203.215 | 203.237 | +22 | +0,01% | +25 / -3 |",
        "| BINUANG | 63.05.01 | PENDUDUK | 33.915 | 33.937 | +22 | +0,06% | +25 / -3 |",
        "| BINUANG | 63.05.01.1001 | PENDUDUK | 3.395 | 3.392 | -3 | -0,09% | 0 / -3 |",
    ]
    assert "4 sel berubah." in lines
    assert table_rows(markdown, "Jumlah Penduduk Menurut Agama") == [
        "| BINUANG | 63.05.01.1001 | KRISTEN | 10 | 10 | 0 | 0,00% | -4 / +4 |"]
    # indikator.yml was not touched: the headline shows the same figures before and after
    assert "| Jumlah penduduk | 203.215 | 203.215 | 0 | 0,00% |" in lines
    assert "| Rasio jenis kelamin | 101,37 | 101,37 | 0,00 | – |" in lines
    assert "Berubah: 1 baris ditambah, 1 baris dihapus." in lines
    assert any(line.startswith("+") and "tersebar merata di 12 kecamatan" in line for line in lines)
    assert any(line.startswith("-") and "tersebar di 12 kecamatan" in line for line in lines)


def test_the_cap_per_table_names_what_was_left_out(repo):
    edit_edition(repo / "data" / PERIOD)
    markdown = selisih.diff_edition(repo / "data", PERIOD, "main", limit=1)
    assert table_rows(markdown, "Jumlah Penduduk (`penduduk.yml`)") == [
        "| TUNGKAP | 63.05.01.2003 | PENDUDUK | 1.701 | 1.726 | +25 | +1,47% | +25 / 0 |"]
    assert "… dan 3 perubahan lain." in markdown.splitlines()


def test_head_ref_reads_git_objects_not_the_working_folder(repo):
    edition = repo / "data" / PERIOD
    edit_edition(edition)
    from_folder = selisih.diff_edition(repo / "data", PERIOD, "main")
    git(repo, "checkout", "-q", "-b", "revisi")
    git(repo, "commit", "-q", "-am", "revisi angka")
    (edition / "penduduk.yml").write_text("rusak: [", encoding="utf-8")   # the checkout is not what is read
    from_git = selisih.diff_edition(repo / "data", PERIOD, "main", "revisi")
    sha = git(repo, "rev-parse", "revisi")[:12]
    assert from_git.splitlines()[0].endswith(f"→ revisi ({sha})")
    assert from_git.split("\n", 1)[1].replace(f"revisi ({sha})", "X") == \
        from_folder.split("\n", 1)[1].replace(f"folder kerja (data/{PERIOD})", "X")


def test_unchanged_edition(repo):
    markdown = selisih.diff_edition(repo / "data", PERIOD, "HEAD")
    assert markdown.splitlines()[-1] == "Tidak ada perubahan: isi edisi sama byte demi byte."


def test_new_edition_lists_its_totals(tmp_path):
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    (repo / "README.md").write_text("repo uji\n", encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "awal")
    shutil.copytree(ROOT / "data" / PERIOD, repo / "data" / PERIOD)   # added in the working folder only
    markdown = selisih.diff_edition(repo / "data", PERIOD, "main")
    lines = markdown.splitlines()
    sha = git(repo, "rev-parse", "HEAD")[:12]
    assert lines[0] == f"## Edisi {PERIOD}: edisi baru"
    assert lines[2] == (f"Edisi {PERIOD} belum ada di main ({sha}); ini edisi baru (folder kerja (data/{PERIOD})). "
                        f"Digest: `{edition_digest(repo / 'data' / PERIOD)}` · 26 berkas.")
    assert "| Jumlah penduduk | – | 203.215 | – | – |" in lines
    assert table_rows(markdown, "Jumlah Penduduk (`penduduk.yml`)") == ["| PENDUDUK | 102.299 | 100.916 | 203.215 |"]
    umur = table_rows(markdown, "Jumlah Penduduk Menurut Umur Tunggal")
    assert len(umur) == 50 and umur[0].startswith("| 0 | ")
    assert "… dan 51 kategori lain." in markdown
    assert "Baru (belum ada sebelumnya)." in lines


def test_an_edition_removed_at_head(repo):
    shutil.rmtree(repo / "data" / PERIOD)
    markdown = selisih.diff_edition(repo / "data", PERIOD, "main")
    assert markdown.startswith(f"## Edisi {PERIOD}: dihapus\n")


def test_digest_of_bytes_is_the_edition_digest():
    snapshot = selisih.snapshot_from_folder(ROOT / "data" / PERIOD, "x")
    assert digest_of_contents(snapshot.files) == edition_digest(ROOT / "data" / PERIOD)


def test_fit_leaves_out_whole_sections_and_names_them():
    sections = [["## Ringkasan", "", "x" * 50], ["### Tabel A", "", "a" * 3000], ["### Tabel B", "", "b" * 500]]
    assert selisih.fit(sections, None) == "\n".join("\n".join(section) + "\n" for section in sections)
    assert selisih.fit(sections, 3700) == selisih.fit(sections, None)
    text = selisih.fit(sections, 1500)
    assert text.startswith("## Ringkasan\n\n" + "x" * 50 + "\n\n### Tabel B\n\n" + "b" * 500 + "\n\n")
    assert text.endswith("_Dipotong agar muat: 1 bagian tidak ditampilkan (Tabel A). Jalankan `python build.py "
                         "diff` sendiri untuk keluaran lengkap._\n")
    assert len(text) <= 1500


def test_table_changes_orders_ties_by_moved_men_and_women_then_region_code_then_category():
    def doc(cells):
        return {"kategori": [{"kode": "1", "label": "A"}, {"kode": "2", "label": "B"}],
                "wilayah": {kode: {"nama": kode, "tingkat": "desa", "data": data} for kode, data in cells.items()}}
    before = doc({"63.05.01.2001": {"A": {"lk": 1, "pr": 1, "jml": 2}, "B": {"lk": 0, "pr": 0, "jml": 0}},
                  "63.05.01.2002": {"A": {"lk": 5, "pr": 5, "jml": 10}},
                  "63.05.01.2003": {"A": {"lk": 5, "pr": 5, "jml": 10}, "B": {"lk": 0, "pr": 0, "jml": 0}}})
    after = doc({"63.05.01.2001": {"A": {"lk": 2, "pr": 1, "jml": 3}, "B": {"lk": 1, "pr": 0, "jml": 1}},
                 "63.05.01.2002": {"A": {"lk": 5, "pr": 4, "jml": 9}, "B": {"lk": 7, "pr": 0, "jml": 7}},
                 "63.05.01.2003": {"A": {"lk": 8, "pr": 3, "jml": 11}, "B": {"lk": 0, "pr": 0, "jml": 0}}})
    changes = selisih.table_changes(before, after)
    assert [(c.kode, c.kategori, c.delta("jml")) for c in changes] == [
        ("63.05.01.2002", "B", 7), ("63.05.01.2003", "A", 1),   # the same total change, but 3 + 2 moved
        ("63.05.01.2001", "A", 1), ("63.05.01.2001", "B", 1), ("63.05.01.2002", "A", -1)]
    assert changes[0].sebelum is None and changes[0].persen is None
    assert selisih.render_changes(changes, 5)[2] == "| 63.05.01.2002 | 63.05.01.2002 | B | – | 7 | +7 | – | +7 / 0 |"


# ---- through the command line ----------------------------------------------------------------------------

def test_cli_writes_the_markdown_atomically_to_output(repo, tmp_path, capsys):
    edit_edition(repo / "data" / PERIOD)
    out = tmp_path / "keluaran" / "diff.md"
    argv = ["diff", "--period", PERIOD, "--base", "main", "--data-dir", str(repo / "data"), "--output", str(out)]
    assert cli.main(argv) == 0
    assert capsys.readouterr().out == f"Perbedaan edisi {PERIOD} ditulis ke {cli.shown(out)}.\n"
    assert out.read_text(encoding="utf-8") == selisih.diff_edition(repo / "data", PERIOD, "main")
    assert [p.name for p in out.parent.iterdir()] == ["diff.md"]   # no temporary file left behind


def test_cli_prints_to_stdout_with_the_default_data_dir(repo, capsys):
    edit_edition(repo / "data" / PERIOD)
    assert cli.main(["diff", "--period", PERIOD, "--base", "main", "--limit", "2"], paths=Paths.of_project(repo)) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"## Perubahan edisi {PERIOD}: main (")
    assert "… dan 2 perubahan lain." in out


@pytest.mark.parametrize("argv, code, message", [
    (["--base", "origin/tidak-ada"], 2,
     ("Kesalahan: Ref git 'origin/tidak-ada' tidak ditemukan (atau bukan commit) di {repo}. Periksa namanya "
      "dengan 'git log --oneline' atau 'git branch -a' (mis. HEAD, main, origin/main, sebuah hash commit); di CI ambil "
      "seluruh riwayat (fetch-depth: 0).\n")),
    (["--base", "HEAD~5"], 2, None),
    (["--base", "HEAD^{tree}"], 2, None),
    (["--base", "main", "--period", "2030-S1"], 2,
     ("Kesalahan: Edisi 2030-S1 tidak ada di main ({sha}) maupun di folder kerja (data/2030-S1). Periksa "
      "periode dan ref-nya; 'ls data/' menunjukkan edisi yang ada.\n")),
    (["--base", "main", "--period", "2025-S3"], 2, None),
    (["--base", "main", "--limit", "0"], 2, "Kesalahan: --limit harus paling sedikit 1, bukan 0.\n"),
])
def test_cli_refuses_with_an_indonesian_line_and_no_traceback(repo, capsys, argv, code, message):
    period = [] if "--period" in argv else ["--period", PERIOD]
    assert cli.main(["diff", *period, *argv, "--data-dir", str(repo / "data")]) == code
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert captured.err.startswith("Kesalahan: ") and captured.err.count("\n") == 1
    if message:
        sha = git(repo, "rev-parse", "HEAD")[:12]
        assert captured.err == message.format(repo=repo, sha=sha)


def test_cli_outside_a_git_repository(tmp_path, capsys):
    shutil.copytree(ROOT / "data" / PERIOD, tmp_path / "data" / PERIOD)
    assert cli.main(["diff", "--period", PERIOD, "--base", "main", "--data-dir", str(tmp_path / "data")]) == 2
    assert capsys.readouterr().err == (
        f"Kesalahan: Folder {tmp_path / 'data'} tidak berada di dalam repositori git; pengesahan dan perbandingan "
        "dibaca dari riwayat git. Jalankan perintah ini di salinan (clone) repositori proyek.\n")


def test_diff_help_is_indonesian(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["diff", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("pemakaian: python build.py diff") and not ENGLISH.search(text)
    assert "--base REF" in text and "--output BERKAS" in text
