"""Strict YAML for the files the approval tools write (registry, policy, statements).

Reading refuses what `yaml.safe_load` silently accepts: duplicate keys (the last one would win), CR bytes
(ssh-keygen and git would see other bytes than a lenient reader), and the YAML 1.1 guesses that turn
`no` into False, `0312` into an octal number or `12:30` into 750. Only plain decimal integers and `null`
are resolved; every other plain scalar stays a string. Writing is deterministic: block style, strings
always double-quoted, LF line ends, one trailing newline.
"""

from __future__ import annotations

import re
from typing import ClassVar

import yaml

from agregat.core.errors import YamlError

__all__ = ["YamlError", "dump", "load"]

_INT = re.compile(r"^(?:[-+]?(?:0|[1-9][0-9]*))$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_DEPTH = 32          # the registry, the deepest file written, nests 5 levels
MAX_INT_DIGITS = 30


class _Loader(yaml.SafeLoader):
    """SafeLoader with its own, minimal implicit resolvers and a duplicate-key check.

    The files it reads may be made by hand by anyone who can push a commit (a statement is parsed before
    its signature is checked), so what the tools never write is refused here with a line number instead of
    surfacing later as ValueError/RecursionError/TypeError: aliases, explicit tags, deep nesting, very long
    integers and keys that are not text."""

    yaml_implicit_resolvers: ClassVar[dict] = {}
    _depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, f"alias YAML (*{event.anchor}) tidak dipakai di berkas ini", event.start_mark)
        if getattr(event, "tag", None) not in (None, "!"):
            raise yaml.composer.ComposerError(
                None, None, f"tag YAML eksplisit ({event.tag}) tidak dipakai di berkas ini", event.start_mark)
        if self._depth >= MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"bersarang terlalu dalam (lebih dari {MAX_DEPTH} tingkat)", event.start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_int(self, node):
        if len(node.value) > MAX_INT_DIGITS:
            raise yaml.constructor.ConstructorError(
                None, None, f"angka terlalu panjang (lebih dari {MAX_INT_DIGITS} digit)", node.start_mark)
        return super().construct_yaml_int(node)

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if not isinstance(key, str):
                    raise yaml.constructor.ConstructorError(
                        None, None, "kunci pemetaan harus teks", key_node.start_mark)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"kunci '{key}' muncul dua kali (pertama di baris {seen[key]})",
                        key_node.start_mark)
                seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


_Loader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""])
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


_OWN_PROBLEMS = ("kunci ", "alias ", "tag ", "bersarang ", "angka ")


def load(data: bytes, source: str) -> dict:
    """Read one YAML mapping from `data` strictly; YamlError naming `source` and the line otherwise."""
    if b"\r" in data:
        line = data[:data.index(b"\r")].count(b"\n") + 1
        raise YamlError(f"{source} baris {line}: berisi karakter CR (akhir baris CRLF/Windows). Berkas ini "
                        "ditulis alat dengan akhir baris LF; pulihkan berkas aslinya, jangan disunting tangan.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise YamlError(f"{source} baris {line}: bukan teks UTF-8.") from None
    if text.startswith("\ufeff"):
        raise YamlError(f"{source} baris 1: diawali penanda BOM; simpan tanpa BOM.")
    try:
        document = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" baris {mark.line + 1}" if mark is not None else ""
        problem = exc.problem or exc.context or ""
        if not problem.startswith(_OWN_PROBLEMS):   # PyYAML's own words, kept for the developer
            problem = f"YAML tidak sah ({problem})" if problem else "YAML tidak sah"
        raise YamlError(f"{source}{where}: {problem}. Berkas ini ditulis alat; pulihkan versi aslinya.") from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise YamlError(f"{source}: YAML tidak sah ({type(exc).__name__}). Berkas ini ditulis alat; pulihkan "
                        "versi aslinya.") from None
    if not isinstance(document, dict):
        raise YamlError(f"{source}: isi berkas harus satu pemetaan kunci: nilai.")
    return document


class _Dumper(yaml.SafeDumper):
    """Block style, sequences indented under their key, strings double-quoted."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data):
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')


def _represent_dict(dumper: yaml.SafeDumper, value: dict):
    pairs = []
    for key, item in value.items():
        if isinstance(key, str) and _PLAIN_KEY.match(key) and not _NULL.match(key):
            key_node = yaml.ScalarNode("tag:yaml.org,2002:str", key, style=None)
        else:
            key_node = dumper.represent_data(key)
        pairs.append((key_node, dumper.represent_data(item)))
    return yaml.MappingNode("tag:yaml.org,2002:map", pairs, flow_style=False)


def _refuse(dumper: yaml.SafeDumper, value):
    raise TypeError(f"yamlketat.dump tidak menulis {type(value).__name__}; ubah ke teks lebih dulu")


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(dict, _represent_dict)
for _kind in (bool, float):
    _Dumper.add_representer(_kind, _refuse)
_Dumper.add_multi_representer(object, _refuse)
_Dumper.add_representer(int, yaml.SafeDumper.represent_int)
_Dumper.add_representer(type(None), yaml.SafeDumper.represent_none)
_Dumper.add_representer(list, yaml.SafeDumper.represent_list)
_Dumper.add_representer(tuple, yaml.SafeDumper.represent_list)


def dump(obj) -> bytes:
    """`obj` (dicts, lists, str, int, None) as YAML bytes that `load` reads back to the same value."""
    text = yaml.dump(obj, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1 << 30,
                     default_flow_style=False, line_break="\n")
    if not text.endswith("\n"):
        text += "\n"
    return text.encode("utf-8")
