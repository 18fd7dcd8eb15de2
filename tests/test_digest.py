"""The edition digest equals the coreutils pipeline the issue names."""

from __future__ import annotations

import subprocess

import pytest

from agregat import cli, digest

COREUTILS = "find . -type f | sed 's|^\\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum"


def coreutils_digest(folder) -> str:
    done = subprocess.run(COREUTILS, shell=True, cwd=folder, capture_output=True, text=True, check=True)
    return done.stdout.split()[0]


@pytest.fixture
def edition(tmp_path):
    folder = tmp_path / "data" / "2025-S1"
    (folder / "sub").mkdir(parents=True)
    (folder / "penduduk.yml").write_bytes(b"indikator: penduduk\n")
    (folder / "Zeta.yml").write_bytes(b"z\n")          # upper case sorts before lower case bytewise
    (folder / "analisa.md").write_bytes("Analisa — ringkas\r\n".encode())
    (folder / "sub" / "kosong.txt").write_bytes(b"")   # a subfolder, an empty file (xargs splits names on blanks: none here)
    (folder / ".tersembunyi").write_bytes(b"x")         # find lists hidden files too
    return folder


def test_digest_matches_coreutils(edition):
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
