"""Strict YAML: no silent guesses when reading, one exact text when writing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agregat.core import yamlketat
from agregat.core.errors import YamlError


def test_yaml_1_1_guesses_stay_strings():
    data = b"a: no\nb: 0312\nc: 12:30\nd: yes\ne: 2024-01-01\nf: 1.5\ng: 0x1F\nh: on\ni: 1_000\nj: .inf\n"
    assert yamlketat.load(data, "x.yml") == {"a": "no", "b": "0312", "c": "12:30", "d": "yes", "e": "2024-01-01",
                                             "f": "1.5", "g": "0x1F", "h": "on", "i": "1_000", "j": ".inf"}


def test_plain_decimal_integers_and_null_are_resolved():
    assert yamlketat.load(b"a: 20\nb: -3\nc: 0\nd: null\ne: ~\nf:\ng: \"20\"\n", "x.yml") == \
        {"a": 20, "b": -3, "c": 0, "d": None, "e": None, "f": None, "g": "20"}


@pytest.mark.parametrize(("data", "message"), [
    (b"nip: \"1\"\nnama: \"A\"\nnip: \"2\"\n", "x.yml baris 3: kunci 'nip' muncul dua kali (pertama di baris 1)"),
    (b"a:\n  - b: 1\n    b: 2\n", "x.yml baris 3: kunci 'b' muncul dua kali (pertama di baris 2)"),
    (b"a: 1\r\nb: 2\r\n", "x.yml baris 1: berisi karakter CR"),
    (b"a: 1\nb: \"x\ry\"\n", "x.yml baris 2: berisi karakter CR"),
    (b"- 1\n- 2\n", "x.yml: isi berkas harus satu pemetaan"),
    (b"", "x.yml: isi berkas harus satu pemetaan"),
    (b"a: 1\n---\nb: 2\n", "x.yml baris 2: YAML tidak sah"),
    (b"a: [1,\n", "x.yml baris 2: YAML tidak sah"),
    (b"a: \"\xff\"\n", "x.yml baris 1: bukan teks UTF-8"),
    (b"\xef\xbb\xbfa: 1\n", "x.yml baris 1: diawali penanda BOM"),
    (b"a: !!python/object:os.system \"ls\"\n", "x.yml baris 1: tag YAML eksplisit"),
])
def test_refusals_name_the_file_and_line(data, message):
    with pytest.raises(YamlError) as info:
        yamlketat.load(data, "x.yml")
    assert str(info.value).startswith(message)


def test_dump_is_block_style_double_quoted_lf_with_a_trailing_newline():
    document = {"versi": 1, "akar": "ssh-ed25519 AAAA", "kosong": "", "tidak": "no", "kode": "0312",
                "jam": "12:30", "menit": None, "daftar": ["a", "b"], "nihil": [],
                "pejabat": [{"principal": "nip-1", "peran": [{"peran": "kadis"}]}]}
    text = yamlketat.dump(document).decode("utf-8")
    assert text == (
        'versi: 1\nakar: "ssh-ed25519 AAAA"\nkosong: ""\ntidak: "no"\nkode: "0312"\njam: "12:30"\nmenit: null\n'
        'daftar:\n  - "a"\n  - "b"\nnihil: []\npejabat:\n  - principal: "nip-1"\n    peran:\n      - peran: "kadis"\n')
    assert yamlketat.load(text.encode(), "t") == document


def test_dump_refuses_values_that_would_not_read_back_the_same():
    for value in (True, 1.5):
        with pytest.raises(TypeError):
            yamlketat.dump({"a": value})


def test_long_and_unicode_strings_stay_on_one_line():
    text = "Drs. H. Ahmad Fauzi, M.Si. — Kepala Dinas " * 20
    dumped = yamlketat.dump({"nama": text, "catatan": "baris satu\nbaris dua"})
    assert dumped.count(b"\n") == 2 and "—".encode() in dumped


scalars = st.one_of(st.none(), st.integers(-10**12, 10**12),
                    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\ufeff"), max_size=30))
documents = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text("abcdefghij_", min_size=1, max_size=8), inner, max_size=4)),
    max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=10), documents, max_size=5))
def test_dump_then_load_gives_the_same_document(document):
    data = yamlketat.dump(document)
    assert b"\r" not in data and data.endswith(b"\n")
    assert yamlketat.load(data, "p") == document
    assert yamlketat.dump(yamlketat.load(data, "p")) == data


@pytest.mark.parametrize(("data", "message"), [
    (b"a: " + b"1" * 5000 + b"\n", "x.yml baris 1: angka terlalu panjang"),
    (b"a: " + b"[" * 3000 + b"]" * 3000 + b"\n", "x.yml baris 1: bersarang terlalu dalam"),
    (b"a: &x [1]\nb: *x\n", "x.yml baris 2: alias YAML (*x) tidak dipakai"),
    (b"a: !!binary aGVsbG8=\n", "x.yml baris 1: tag YAML eksplisit"),
    (b"a: !!bool \"yes\"\n", "x.yml baris 1: tag YAML eksplisit"),
    (b"1: x\nfoo: y\n", "x.yml baris 1: kunci pemetaan harus teks"),
    (b"~: x\n", "x.yml baris 1: kunci pemetaan harus teks"),
])
def test_yaml_tricks_in_a_hand_made_file_are_refused_not_crashed_on(data, message):
    """A statement file reaches the parser before its signature is checked, so anyone who can push a
    commit controls these bytes: every trick must end as a YamlError, never ValueError/RecursionError."""
    with pytest.raises(YamlError) as info:
        yamlketat.load(data, "x.yml")
    assert str(info.value).startswith(message)
