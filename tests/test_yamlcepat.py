"""The fast edition reader gives exactly what PyYAML's safe loader gives (CSafeLoader, what the book used
before): same values, same types, same errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from agregat.core import yamlcepat

ROOT = Path(__file__).resolve().parent.parent


def same(a, b) -> bool:
    """Equal with the same type at every level (1 == 1.0 == True would hide a wrong resolution)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(x, y) for x, y in zip(a, b)) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b or (a != a and b != b)   # NaN


def expected(text):
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@pytest.mark.parametrize("text", [
    "a: no\nb: 0312\nc: 12:30\nd: yes\ne: 2024-01-01\nf: 1.5\ng: 0x1F\nh: on\ni: 1_000\nj: .inf\nk: .nan\n",
    "a: 2024-01-01 10:00:00+07:00\nb: ~\nc:\nd: null\ne: '1'\nf: \"no\"\ng: |\n  x\n  y\nh: >\n  p\n  q\n",
    "'63.05': {lk: 1, pr: 2, jml: 3}\n63.05.01: [1, -2, +3, 0o17, 1e3, 1.0e+3, -.5, 0b101, 190:20:30]\n",
    "a: 1\na: 2\nb: 3\n",                       # a duplicate key: the last value, the first place
    "1: x\n2.5: y\n~: z\ntrue: w\n",          # keys that are not text
    "- 1\n- [a, {b: c}]\n- []\n- {}\n",
    "just a scalar\n", "", "# only a comment\n", "---\na: 1\n...\n",
    "a: &x [1, 2]\nb: *x\n",                  # anchors and aliases: PyYAML's loader shares the object
    "base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n",   # a merge key
    "a: !!str 12\nb: !!float 1\nc: !!binary aGVsbG8=\n",
    "a: " + "[" * 300 + "]" * 300 + "\n",   # deeper than the fast path goes
])
def test_the_same_objects_as_safe_load(text):
    assert same(yamlcepat.load(text), expected(text))


def test_an_alias_still_shares_one_object():
    document = yamlcepat.load("a: &x [1]\nb: *x\n")
    assert document["a"] is document["b"]


@pytest.mark.parametrize("text", [
    "a: 1\n---\nb: 2\n", "a: [1,\n", "a: b: c\n", "? [1]\n: x\n", "a: *nowhere\n", "a: !!python/name:os.system x\n", "a: =\n",
])
def test_the_same_error_as_safe_load(text):
    with pytest.raises(Exception) as stock:
        expected(text)
    with pytest.raises(type(stock.value)):
        yamlcepat.load(text)


@pytest.mark.slow
def test_every_demo_edition_file_reads_the_same():
    """Every file of the newest demo edition (the older one holds the same files with other numbers)."""
    newest = sorted((ROOT / "data").glob("20[0-9][0-9]-S[12]"))[-1]
    files = sorted(newest.glob("*.yml"))
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert same(yamlcepat.load(text), expected(text)), path.name


plain = st.text(st.characters(whitelist_categories=("Nd", "Ll", "Lu", "Pd", "Po", "Zs")), max_size=12)
leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.dates(), plain)
trees = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(plain, st.integers()), inner, max_size=4)),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(trees, st.booleans())
def test_any_safe_dump_reads_the_same(document, flow):
    text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=True)
    assert same(yamlcepat.load(text), expected(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(plain, min_size=1, max_size=6))
def test_plain_scalars_resolve_like_safe_load(words):
    text = "".join(f"k{i}: {w}\n" for i, w in enumerate(words))
    try:
        wanted = expected(text)
    except yaml.YAMLError:
        with pytest.raises(yaml.YAMLError):
            yamlcepat.load(text)
        return
    assert same(yamlcepat.load(text), wanted)


def test_a_parsed_file_is_kept_by_its_bytes_and_a_damaged_entry_parsed_again(tmp_path, monkeypatch):
    data = (ROOT / "data" / "2025-S1" / "indikator.yml").read_bytes()
    wanted = expected(data.decode("utf-8"))
    assert same(yamlcepat.load_cached(data, tmp_path), wanted)
    [entry] = tmp_path.iterdir()
    calls = []
    monkeypatch.setattr(yamlcepat, "load", lambda text: calls.append(text) or expected(text))
    assert same(yamlcepat.load_cached(data, tmp_path), wanted) and calls == []      # from the cache
    entry.write_bytes(entry.read_bytes()[:-10])                                      # cut short
    assert same(yamlcepat.load_cached(data, tmp_path), wanted) and len(calls) == 1
    assert same(yamlcepat.load_cached(data, tmp_path), wanted) and len(calls) == 1   # replaced whole
    other = data.replace(b"penduduk: 20", b"penduduk: 21", 1)
    assert other != data and same(yamlcepat.load_cached(other, tmp_path), expected(other.decode()))
    assert len(calls) == 2 and len(list(tmp_path.iterdir())) == 2


def test_a_document_marshal_cannot_hold_is_parsed_each_time(tmp_path):
    import datetime as dt

    assert yamlcepat.load_cached(b"a: 2024-01-01\n", tmp_path) == {"a": dt.date(2024, 1, 1)}
    assert list(tmp_path.iterdir()) == []
