"""Options are English (the README's glossary); the Indonesian spelling of earlier editions still works for
one edition, hidden from --help, and fills the same value."""

from __future__ import annotations

import argparse

import pytest

from agregat.cli.main import build_parser
from agregat.cli.opsi import RENAMED


def _options(parser: argparse.ArgumentParser):
    """(subcommand path, action) of every option of every (sub)command."""
    stack = [((), parser)]
    while stack:
        path, current = stack.pop()
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                stack += [((*path, name), sub) for name, sub in action.choices.items()]
            else:
                yield path, current, action


def test_every_renamed_option_is_shown_new_and_accepted_old():
    seen = set()
    for path, parser, action in _options(build_parser()):
        for new, old in RENAMED.items():
            if new in action.option_strings:
                seen.add(new)
                assert old in action.option_strings   # one action: required, default, errors as one option
                text = parser.format_help() + parser.format_usage()
                assert new in text and old not in text, path
    assert seen == set(RENAMED)


def test_a_missing_required_option_is_named_by_its_new_name_only(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["init", "--output", "x.yml"])
    err = capsys.readouterr().err
    assert "--code" in err and "--kode" not in err


@pytest.mark.parametrize("argv", [["build", "--paper", "F4"], ["build", "--ukuran", "F4"]])
def test_the_old_and_the_new_spelling_give_the_same_value(argv):
    assert build_parser().parse_args(argv).ukuran == "F4"


def test_an_option_not_given_keeps_its_default():
    args = build_parser().parse_args(["diff", "--period", "2025-S1", "--base", "main"])
    assert args.batas == 50
