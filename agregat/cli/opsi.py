"""Options of the command line: English names (the glossary's rule for commands and options), each with the
Indonesian spelling of earlier editions accepted as a hidden alias for one edition."""

from __future__ import annotations

import argparse
import re

# new option → the old spelling it replaces (accepted, never shown in --help or messages)
RENAMED = {
    "--paper": "--ukuran",
    "--address": "--alamat",
    "--limit": "--batas",
    "--max-chars": "--maks-karakter",
    "--title": "--jabatan",
    "--remark": "--keterangan",
    "--tte-cert": "--sertifikat-tte",
    "--write-allowed-signers": "--tulis-allowed-signers",
    "--time": "--waktu",
    "--signed-pdf": "--pdf-ttd",
    "--direction": "--arahan",
    "--code": "--kode",
}
HIDDEN = frozenset(RENAMED.values())
_JOINED = re.compile("|".join(f"{re.escape(new)}/{re.escape(old)}" for new, old in RENAMED.items()))


def add_option(parser: argparse.ArgumentParser, name: str, **kwargs) -> argparse.Action:
    """`parser.add_argument(name, **kwargs)` that also accepts the old spelling (RENAMED), one action for both
    (so `required`, defaults and errors behave as for one option). `dest` defaults to the old spelling's, so
    the code reading the value is unchanged."""
    old = RENAMED[name]
    kwargs.setdefault("dest", old.lstrip("-").replace("-", "_"))
    return parser.add_argument(name, old, **kwargs)


def without_hidden(message: str) -> str:
    """An argparse message naming an option as `--new/--old`: the new name only."""
    return _JOINED.sub(lambda m: m[0].split("/")[0], message)


class HelpFormatter(argparse.HelpFormatter):
    """Help that lists an option by its visible names only."""

    def _format_action_invocation(self, action: argparse.Action) -> str:
        if not action.option_strings or not HIDDEN.intersection(action.option_strings):
            return super()._format_action_invocation(action)
        shown = argparse.Action([o for o in action.option_strings if o not in HIDDEN], action.dest,
                                nargs=action.nargs, metavar=action.metavar, choices=action.choices)
        return super()._format_action_invocation(shown)
