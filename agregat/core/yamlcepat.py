"""Edition YAML read fast: the same Python objects as PyYAML's safe loader, in about a sixth of its time.

An edition holds ~2 MB of YAML (about 400.000 scalars); `yaml.load(…, CSafeLoader)` parses it in C but still
resolves and constructs every scalar in Python, one generic call chain per node. `load` reads libyaml's event
stream and builds the dicts and lists directly; each distinct plain scalar is resolved and constructed once
per document by PyYAML's own SafeLoader resolver and constructors (so `no`, `0312`, `1.5`, `2024-01-01` become
exactly what `safe_load` makes of them) and reused (every value it makes is immutable).

Invariant: `load(text)` equals `yaml.load(text, Loader=CSafeLoader)` (SafeLoader without libyaml) in value
and type, or raises the error that call raises.

`load_cached(data, cache_dir)` keeps what it parsed in `cache_dir` (marshal, behind a sha256 of its own
bytes), under a key of every byte of `data`, this module's code, PyYAML's version and the Python version:
the same file parses once across builds and processes (the site and the PDF worker). Anything the fast path does not build itself — an anchor or alias, an explicit tag, a
merge key `<<`, a collection as a key, no document or more than one, a parse error — makes it hand the whole
text to PyYAML's loader instead. Without libyaml the PyYAML loader is all there is.
"""

from __future__ import annotations

import hashlib
import marshal
import sys
from pathlib import Path

import yaml
from yaml.events import (DocumentEndEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent, ScalarEvent,
                         SequenceEndEvent, SequenceStartEvent, StreamEndEvent, StreamStartEvent)

try:
    from yaml import CSafeLoader as _Loader
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - the wheels ship libyaml on the platforms we support
    from yaml import SafeLoader as _Loader
    _CParser = None

from agregat.core.atomik import write_atomic_bytes

__all__ = ["load", "load_cached"]

_MERGE = "tag:yaml.org,2002:merge"
_DEEP = 64   # deeper nesting is left to PyYAML, whose recursion decides (an edition nests 5 levels)
_SCALAR = yaml.SafeLoader("")   # PyYAML's resolver and constructors for one plain scalar at a time
_OPEN = (MappingStartEvent, SequenceStartEvent)
_CLOSE = (MappingEndEvent, SequenceEndEvent)


class _Unusual(Exception):
    """Something the fast path leaves to PyYAML's loader."""


def load(text: str | bytes):
    """The document in `text`, exactly as `yaml.load(text, Loader=CSafeLoader)` gives it (see the module)."""
    if _CParser is not None:
        try:
            return _events_to_objects(text)
        except Exception:   # noqa: BLE001 - anything unusual, an error too: PyYAML's loader decides
            pass
    return yaml.load(text, Loader=_Loader)


_CODE = hashlib.sha256(Path(__file__).read_bytes() + f"|{yaml.__version__}|{_CParser is not None}|{sys.version}".encode()
                       ).digest()


def load_cached(data: bytes, cache_dir: Path | None):
    """`load(data.decode("utf-8"))`, from `cache_dir` when these bytes were parsed before by this code (a
    damaged entry is parsed again and replaced; a document marshal cannot hold is never kept)."""
    if cache_dir is None:
        return load(data.decode("utf-8"))
    path = Path(cache_dir) / f"{hashlib.sha256(_CODE + data).hexdigest()}.marshal"
    try:
        entry = path.read_bytes()
        if hashlib.sha256(entry[32:]).digest() == entry[:32]:
            return marshal.loads(entry[32:])
    except (OSError, ValueError, EOFError, TypeError):
        pass
    document = load(data.decode("utf-8"))
    try:
        payload = marshal.dumps(document)
    except ValueError:   # a date or another object marshal does not carry
        return document
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic_bytes(path, hashlib.sha256(payload).digest() + payload)
    return document


def _plain(value: str, seen: dict):
    """A plain scalar as SafeLoader makes it (remembered in `seen`)."""
    tag = _SCALAR.resolve(yaml.ScalarNode, value, (True, False))
    if tag == _MERGE:
        raise _Unusual
    constructors = _SCALAR.yaml_constructors
    made = constructors.get(tag, constructors[None])(_SCALAR, yaml.ScalarNode(tag, value))
    seen[value] = made
    return made


def _events_to_objects(text):
    """One document from libyaml's events; _Unusual (or PyYAML's error) for what `load` leaves to PyYAML."""
    get = _CParser(text).get_event
    if type(get()) is not StreamStartEvent or type(get()) is not DocumentStartEvent:
        raise _Unusual
    seen: dict = {}
    open_: list = []     # the collections being filled, innermost last
    keys: list = []      # per open collection: its pending key, or `none` (a list's stays `none`)
    none = keys          # a marker no YAML value can be
    root = none
    while True:
        event = get()
        kind = type(event)
        if kind in _CLOSE:
            open_.pop()
            keys.pop()
            if open_:
                continue
            break
        if event.anchor is not None or event.tag is not None:
            raise _Unusual
        if kind is ScalarEvent:
            value = event.value
            if event.implicit[0]:                     # plain: resolved like SafeLoader does
                value = seen[value] if value in seen else _plain(value, seen)
            collection = None
        elif kind in _OPEN:
            value = collection = {} if kind is MappingStartEvent else []
        else:
            raise _Unusual
        if not open_:
            root = value
            if collection is None:
                break
        else:
            parent = open_[-1]
            if type(parent) is list:
                parent.append(value)
            elif keys[-1] is none:
                if collection is not None:
                    raise _Unusual
                keys[-1] = value
            else:
                parent[keys[-1]] = value
                keys[-1] = none
        if collection is not None:
            if len(open_) >= _DEEP:
                raise _Unusual
            open_.append(collection)
            keys.append(none)
    if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
        raise _Unusual
    return root
