import pytest

from agregat.core.kode import load_code_lists, normalize_value


@pytest.mark.parametrize("raw, normalized", [
    ("  islam ", "ISLAM"), ("01", "1"), ("1.0", "1"), ("Tidak / Belum  Sekolah", "TIDAK/BELUM SEKOLAH"),
    ("laki - laki", "LAKI-LAKI"), (None, ""), ("0", "0"),
])
def test_normalize_value(raw, normalized):
    assert normalize_value(raw) == normalized


@pytest.mark.parametrize("name, cell, label", [
    ("jenis_kelamin", "1", "LAKI-LAKI"), ("jenis_kelamin", "perempuan", "PEREMPUAN"), ("jenis_kelamin", "L", "LAKI-LAKI"),
    ("agama", "Katolik", "KATHOLIK"), ("agama", "BUDDHA", "BUDHA"), ("agama", "07", "KEPERCAYAAN TERHADAP TUHAN YME"),
    ("pendidikan", "tidak/belum sekolah", "TIDAK/BELUM SEKOLAH"), ("pendidikan", "10", "STRATA III"),
    ("pekerjaan", "89", "LAINNYA"), ("pekerjaan", "Pekerjaan Lainnya", "LAINNYA"), ("pekerjaan", "ASN", "PEGAWAI NEGERI SIPIL (PNS)"),
    ("status_kawin", "KAWIN TERCATAT", "KAWIN"), ("status_kawin", "cerai hidup belum tercatat", "CERAI HIDUP"),
    ("hubungan_keluarga", "Kepala Keluarga", "KEPALA KELUARGA"), ("golongan_darah", "ab+", "AB+"),
    ("golongan_darah", "13", "TIDAK TAHU"), ("disabilitas", "cacat fisik", "DISABILITAS FISIK"),
])
def test_codes_and_labels_resolve_to_the_same_category(name, cell, label):
    code_list = load_code_lists()[name]
    index = code_list.resolve(cell)
    assert code_list.kategori[index][1] == label


@pytest.mark.parametrize("name, cell", [("agama", ""), ("agama", "8"), ("pekerjaan", "ARTIS"), ("golongan_darah", "-")])
def test_blank_or_unknown_is_minus_one(name, cell):
    assert load_code_lists()[name].resolve(cell) == -1


def test_code_lists_are_in_code_order_without_gaps():
    for code_list in load_code_lists().values():
        kodes = [int(k) for k, _ in code_list.kategori]
        assert kodes == list(range(1, len(kodes) + 1)), code_list.name
