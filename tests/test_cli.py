"""The command line as users see it: help in Indonesian, every command documented, the summary."""

from __future__ import annotations

import re

import pytest

from agregat.cli import main as cli
from agregat.edisi import jobs
from conftest import FIXTURES, ROOT

COMMANDS = ("aggregate", "validate", "digest", "demo", "build", "serve", "diff", "verify", "status", "approve",
            "register", "tte", "officials", "init")


def test_commands_list_is_the_parsers():
    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    assert tuple(subparsers.choices) == COMMANDS
ENGLISH = re.compile(r"usage:|positional arguments|options:|show this help|required:|invalid choice")


def help_text(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*argv, "--help"])
    assert exit_info.value.code == 0
    return capsys.readouterr().out


def test_every_command_has_indonesian_help_and_is_in_the_readme(capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    main_help = help_text(capsys)
    assert "pemakaian: python build.py" in main_help and not ENGLISH.search(main_help)
    for command in COMMANDS:
        assert command in main_help
        text = help_text(capsys, command)
        assert text.startswith(f"pemakaian: python build.py {command}")
        assert not ENGLISH.search(text), command
        assert f"build.py {command}" in readme or command == "demo"


def test_argparse_errors_are_indonesian_and_name_the_subcommand_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["aggregate"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "Kesalahan: opsi wajib belum diisi: --input, --period. Lihat 'python build.py aggregate --help'." in err
    assert not ENGLISH.search(err.replace("pemakaian:", ""))


def test_summary_uses_indonesian_numbers_and_row_numbers(tmp_path):
    aggregation = jobs.validate(FIXTURES / "golden" / "register.csv", "2025-S1", FIXTURES / "golden" / "kabupaten.yml")
    summary = cli._summary(aggregation)
    assert summary.splitlines()[0] == ("Register register.csv (2025-S1, per 30-06-2025): 20 baris dibaca, 14 valid, "
                                       "6 dikecualikan.")
    assert "  dikecualikan - NIK bukan tepat 16 angka: 1 (baris 14)" in summary


def test_progress_is_reported_for_every_row(tmp_path):
    seen = []
    jobs.validate(FIXTURES / "golden" / "register.csv", "2025-S1", FIXTURES / "golden" / "kabupaten.yml",
                  progress=seen.append)
    assert sum(seen) == 20


def test_config_and_debug_are_accepted_after_the_command_too(tmp_path, capsys):
    argv = ["validate", "--input", str(FIXTURES / "golden" / "register.csv"), "--period", "2025-S1",
            "--report-dir", str(tmp_path), "--config", str(FIXTURES / "golden" / "kabupaten.yml"), "--debug"]
    assert cli.main(argv) == 0
    assert "20 baris dibaca, 14 valid" in capsys.readouterr().out
