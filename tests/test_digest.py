"""The edition digest equals the coreutils pipeline the issue names."""

from __future__ import annotations

import os
import subprocess

import pytest

from agregat.cli import main as cli
from agregat.core import digest
from agregat.core.errors import EXIT_INPUT, EditionError
from conftest import snapshot

COREUTILS = "find . -type f | sed 's|^\\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum"


def coreutils_digest(folder) -> str:
    done = subprocess.run(COREUTILS, shell=True, cwd=folder, capture_output=True, text=True, check=True)
    return done.stdout.split()[0]


@pytest.fixture
def edition(tmp_path):
    folder = tmp_path / "data" / "2025-S1"
    folder.mkdir(parents=True)
    (folder / "penduduk.yml").write_bytes(b"indikator: penduduk\n")
    (folder / "pendidikan.yml").write_bytes(b"z\n")
    (folder / "analisa.md").write_bytes("Analisa — ringkas\r\n".encode())
    (folder / "kosong_1.txt").write_bytes(b"")          # an empty file; '_' and digits sort bytewise
    (folder / "a-b.c.yml").write_bytes(b"x")             # every character the safe set allows
    return folder


def test_digest_matches_coreutils(edition):
    assert digest.edition_digest(edition) == coreutils_digest(edition)


@pytest.mark.parametrize("name", ["0.yml", "_.md", "a-", "z.9", "a" * 200])
def test_digest_matches_coreutils_for_every_safe_name(edition, name):
    (edition / name).write_bytes(name.encode())
    assert digest.is_safe_name(name)
    assert digest.edition_digest(edition) == coreutils_digest(edition)


def test_digest_changes_when_one_byte_changes(edition):
    before = digest.edition_digest(edition)
    (edition / "penduduk.yml").write_bytes(b"indikator: penduduK\n")
    assert digest.edition_digest(edition) != before


def test_digest_command_prints_the_value(edition, capsys):
    assert cli.main(["digest", "--period", "2025-S1", "--data-dir", str(edition.parent)]) == 0
    assert capsys.readouterr().out.strip() == coreutils_digest(edition)


def test_digest_of_a_missing_edition_is_a_clear_error(tmp_path, capsys):
    assert cli.main(["digest", "--period", "2024-S2", "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Kesalahan: Edisi 2024-S2 belum ada")
    assert "Traceback" not in err


# ---- the edition rule: only regular files with safe names --------------------------------------------

def _fifo(folder, name):
    os.mkfifo(folder / name)


def _symlink(folder, name):
    (folder.parent / "palsu.yml").write_bytes(b"angka palsu\n")
    (folder / name).unlink(missing_ok=True)
    os.symlink(folder.parent / "palsu.yml", folder / name)


BAD_ENTRIES = {   # id → (make the entry, the escaped name the message shows, what it is)
    "symlink": (lambda f: _symlink(f, "analisa.md"), "'analisa.md'", "tautan simbolik"),
    "dangling symlink": (lambda f: os.symlink("/tidak/ada", f / "kia.yml"), "'kia.yml'", "tautan simbolik"),
    "folder": (lambda f: (f / "sub").mkdir(), "'sub'", "folder"),
    "fifo": (lambda f: _fifo(f, "antrean"), "'antrean'", "FIFO"),
    "newline": (lambda f: (f / "a.yml\n0000  penduduk.yml").write_bytes(b"x"), "'a.yml\\n0000  penduduk.yml'",
                "nama tidak diizinkan"),
    "upper case": (lambda f: (f / "Zeta.yml").write_bytes(b"z"), "'Zeta.yml'", "nama tidak diizinkan"),
    "non-ascii": (lambda f: (f / "café.yml").write_bytes(b"z"), "'caf\\xe9.yml'", "nama tidak diizinkan"),
    "arabic digits": (lambda f: (f / "٢.yml").write_bytes(b"z"), "'\\u0662.yml'", "nama tidak diizinkan"),
    "not utf-8": (lambda f: open(os.fsencode(f) + b"/caf\xff.yml", "wb").close(), "'caf\\xff.yml'",
                  "nama tidak diizinkan"),
    "leading dot": (lambda f: (f / ".tersembunyi").write_bytes(b"x"), "'.tersembunyi'", "nama tidak diizinkan"),
    "leading hyphen": (lambda f: (f / "-b.yml").write_bytes(b"x"), "'-b.yml'", "nama tidak diizinkan"),
    "blank": (lambda f: (f / "a b.yml").write_bytes(b"x"), "'a b.yml'", "nama tidak diizinkan"),
    "tab and escape": (lambda f: (f / "a\t\x1b.yml").write_bytes(b"x"), "'a\\t\\x1b.yml'", "nama tidak diizinkan"),
}


@pytest.mark.parametrize("kind", BAD_ENTRIES)
def test_an_edition_with_anything_but_safe_regular_files_is_refused_by_digest(edition, kind, capsys):
    make, shown, what = BAD_ENTRIES[kind]
    make(edition)
    before = snapshot(edition.parent)
    with pytest.raises(EditionError) as raised:
        digest.edition_digest(edition)
    assert shown in str(raised.value) and what in str(raised.value)
    assert cli.main(["digest", "--period", "2025-S1", "--data-dir", str(edition.parent)]) == EXIT_INPUT == 4
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err
    assert err.startswith("Kesalahan: Edisi ") and "ditolak" in err and shown in err and what in err
    assert "Traceback" not in err and err.isascii() and err.count("\n") == 1
    assert snapshot(edition.parent) == before


def test_an_edition_folder_that_is_a_symlink_is_refused(tmp_path, capsys):
    real = tmp_path / "lain"
    real.mkdir()
    (real / "penduduk.yml").write_bytes(b"x\n")
    (tmp_path / "data").mkdir()
    os.symlink(real, tmp_path / "data" / "2025-S1")
    assert cli.main(["digest", "--period", "2025-S1", "--data-dir", str(tmp_path / "data")]) == 4
    assert "tautan simbolik" in capsys.readouterr().err


def test_the_listing_is_never_ambiguous_the_digest_input_is_only_checked_names():
    with pytest.raises(EditionError, match="nama tidak diizinkan"):
        digest.digest_of_contents({"a.yml\n" + "0" * 64 + "  penduduk.yml": b"x"})


@pytest.mark.parametrize("name, safe", [("penduduk.yml", True), ("a-b_c.9", True), ("", False), (".", False),
                                        ("..", False), (".x", False), ("-x", False), ("A.yml", False),
                                        ("a/b", False), ("a\nb", False), ("ä", False), (b"caf\xff", False),
                                        (b"kia.yml", True), ("a\x00b", False)])
def test_safe_name_predicate(name, safe):
    assert digest.is_safe_name(name) is safe


@pytest.mark.parametrize("name, shown", [("a\nb", "'a\\nb'"), ("a'b\\c", "'a\\'b\\\\c'"), (b"\xff\xfe", "'\\xff\\xfe'"),
                                         (os.fsdecode(b"x\xff"), "'x\\xff'"), ("\u202e", "'\\u202e'")])
def test_names_are_shown_escaped_and_ascii_whatever_they_hold(name, shown):
    assert digest.shown_name(name) == shown
