"""The DKB aggregate workbook door: tiny workbooks written here with openpyxl (one per failure kind), and the
real Madiun workbook (../shared/reference/dkb/) read with the config from `init --code 35.19`."""

from __future__ import annotations

import time

import openpyxl
import pytest
import yaml

from agregat.cli.main import main
from agregat.core.errors import EXIT_DATA
from conftest import FIXTURES, ROOT, snapshot
from test_schema import check_edition

GOLDEN = FIXTURES / "golden"
DESA = [("63.05.01.1001", "BINUANG"), ("63.05.01.2003", "TUNGKAP"), ("63.05.08.2001", "PIPITAK JAYA")]
L, P = [10, 20, 30], [11, 21, 31]
BANDS = [f"{a:02d}-{a + 4:02d}" for a in range(0, 75, 5)] + ["75+"]
REAL = next((base / "shared" / "reference" / "dkb" / "DKB_SMSTR_2_2024_3519.xlsx" for base in (ROOT.parent, ROOT.parent.parent)
             if (base / "shared" / "reference" / "dkb" / "DKB_SMSTR_2_2024_3519.xlsx").is_file()),
            ROOT.parent / "shared" / "reference" / "dkb" / "DKB_SMSTR_2_2024_3519.xlsx")   # a worktree sits one deeper
PERIOD = "2024-S2"


def key_a(kode: str, nama: str) -> list:
    prop, kab, kec, kel = (int(p) for p in kode.split("."))
    return [prop, "KALIMANTAN SELATAN", kab, "TAPIN", kec, "KEC", kel, nama]


KEY_A = ["NO_PROP", "NAMA_PROP", "NO_KAB", "NAMA_KAB", "NO_KEC", "NAMA_KEC", "NO_KEL", "NAMA_KEL"]


def sheets(l=L, p=P, desa=DESA) -> dict[str, list[list]]:
    """A small workbook in the real layout: every desa's people in the first age band / first category."""
    out = {}
    header = KEY_A + [f"{s} {b}" for b in BANDS for s in ("L", "P", "JML")]
    out["Sheet1"] = [header] + [key_a(k, n) + sum(([a, b, a + b] if i == 0 else [0, 0, 0]
                                                   for i in range(len(BANDS))), [])
                                for (k, n), a, b in zip(desa, l, p)] + [[None] * 8 + [sum(l)]]   # SUM row
    agama = ["ISLAM", "KRISTEN", "KATHOLIK", "HINDU", "BUDHA", "KHONGHUCU", "KEPERCAYAAN"]
    out["Agama"] = [["KODE", "WILAYAH"] + [f"{g} {s}" for g in agama for s in ("L", "P")]] + \
        [[k.replace(".", ""), n, a, b] + [0] * 12 for (k, n), a, b in zip(desa, l, p)]
    out["Sheet10"] = [KEY_A + ["LK_BLM_KAWIN", "PR_BLM_KWN", "LK_KAWIN", "PR_KWN", "LK_CERAI_HIDUP",
                               "PR_CERAI_HIDUP", "LK_CERAI_MATI", "PR_CERAI_MATI", None]] + \
        [key_a(k, n) + [a - 2, b - 2, 2, 2, 0, 0, 0, 0, "=SUM(I2:P2)"] for (k, n), a, b in zip(desa, l, p)]
    kawin = ["'BELUM KAWIN'", "'KAWIN'", "'CERAI HIDUP'", "'CERAI MATI'"]
    out["Sheet5"] = [KEY_A + [None] + [f"{g}_{s}" for g in kawin for s in ("L", "P", "JML")]] + \
        [key_a(k, n) + [None, 0, 0, 0, 3, 1, 4] + [0] * 6 for k, n in desa]
    out["Laporan Bupati"] = [["BUKU DATA"], ["JUMLAH", 1, 2]]
    out["Sheet9"] = kk_ownership([(3, 1, 3, 1)] * len(desa), desa)
    return out


def kk_ownership(rows, desa=DESA, keys=("WILAYAH",)) -> list[list]:
    """Sheet9 of the real file (WILAYAH only): KK, owned semula, progres, dinamis, not owned dinamis; `rows`
    gives (KK L, P, owned L, P) per desa, all owned ones counted semula."""
    names = ["KK", "MMLK_KK_SEMULA", "MMLK_KK_PROGRES", "MMLK_KK_DINAMIS", "BLM_MMLK_KK_DINAMIS"]
    header = list(keys) + [h for name in names for h in (f"L_{name}", f"P_{name}", "JML_KK" if name == "KK" else name)]
    out = [header]
    for (kode, nama), (kl, kp, ol, op) in zip(desa, rows):
        key = [nama.replace(" ", "")] if keys == ("WILAYAH",) else [kode, nama]
        groups = [(kl, kp), (ol, op), (0, 0), (ol, op), (kl - ol, kp - op)]
        out.append(key + [v for a, b in groups for v in (a, b, a + b)])
    return out


def disability(desa=DESA) -> list[list]:
    kinds = ["DISABILITAS FISIK", "NETRA/BUTA", "RUNGU/WICARA", "MENTAL/JIWA", "FISIK DAN MENTAL", "LAINNYA"]
    return [["IDEM", "KODE", "WILAYAH"] + [f"{g}_{s}" for g in kinds for s in ("L", "P", "JML")]] + \
        [[4, k, n, 1, 1, 2] + [0] * 15 for k, n in desa]


def write(path, content: dict[str, list[list]]):
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in content.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def world(tmp_path):
    data, lap = tmp_path / "data", tmp_path / "lap"
    data.mkdir()
    (data / "README.md").write_text("tetap\n", encoding="utf-8")

    def aggregate(path, *extra):
        return ["--config", str(GOLDEN / "kabupaten.yml"), "aggregate", "--input", str(path), "--period", PERIOD,
                "--data-dir", str(data), "--report-dir", str(lap), *extra]
    return tmp_path, data, aggregate


def run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def load(data, name):
    return yaml.safe_load((data / PERIOD / f"{name}.yml").read_text(encoding="utf-8"))


def test_a_small_workbook_gives_the_edition(world, capsys):
    tmp, data, aggregate = world
    code, out, err = run(capsys, aggregate(write(tmp / "dkb.xlsx", sheets())))
    assert code == 0, err
    assert "diabaikan - lembar 'Laporan Bupati'" in out
    penduduk = load(data, "penduduk")["wilayah"]
    assert penduduk["63.05"]["data"]["PENDUDUK"] == {"lk": 60, "pr": 63, "jml": 123}
    assert penduduk["63.05.08.2001"]["data"]["PENDUDUK"] == {"lk": 30, "pr": 31, "jml": 61}
    assert load(data, "kartu_keluarga")["wilayah"]["63.05"]["data"]["KEPALA KELUARGA"] == {"lk": 9, "pr": 3, "jml": 12}
    assert load(data, "status_kawin")["wilayah"]["63.05"]["data"]["KAWIN"] == {"lk": 6, "pr": 6, "jml": 12}
    assert load(data, "agama")["wilayah"]["63.05"]["data"]["ISLAM"]["jml"] == 123
    manifest = load(data, "manifest")
    assert manifest["sumber"]["jenis"] == "dkb" and len(manifest["sumber"]["sha256"]) == 64
    assert manifest["lembar"]["kartu_keluarga"] == "Sheet5" and manifest["lembar"]["agama"] == "Agama"
    assert "Laporan Bupati" in manifest["lembar_diabaikan"]
    for absent in ("golongan_darah", "hubungan_keluarga", "wajib_ktp", "kia"):
        assert not (data / PERIOD / f"{absent}.yml").exists()
    assert load(data, "indikator")["wilayah"]["63.05"]["data"]["persen_wajib_ktp"] is None
    check_edition(data / PERIOD, min_whole=4)
    first = snapshot(data / PERIOD)
    assert run(capsys, aggregate(tmp / "dkb.xlsx"))[0] == 0
    assert snapshot(data / PERIOD) == first   # deterministic


def fails(world, capsys, content, *words, extra=()):
    tmp, data, aggregate = world
    before = snapshot(tmp)
    path = write(tmp / "dkb.xlsx", content)
    before["dkb.xlsx"] = path.read_bytes()
    code, out, err = run(capsys, aggregate(path, *extra))
    assert code == EXIT_DATA, (out, err)
    assert err.startswith("Kesalahan: Buku kerja DKB dkb.xlsx tidak dapat dipakai") and "Traceback" not in err
    for word in words:
        assert word in err, err
    assert snapshot(tmp) == before   # nothing written
    return err


def test_l_plus_p_not_jml_names_sheet_row_and_column(world, capsys):
    content = sheets()
    content["Sheet1"][2][10] = 999     # JML 00-04 of the second desa
    fails(world, capsys, content, "lembar 'Sheet1' baris 3 kolom K (JML 00-04)", "L + P")


def test_a_fraction_is_refused(world, capsys):
    content = sheets()
    content["Agama"][1][2] = 10.5
    fails(world, capsys, content, "lembar 'Agama' baris 2 kolom C (ISLAM L)", "bukan bilangan bulat")


def test_a_person_sheet_missing_a_desa(world, capsys):
    content = sheets()
    del content["Agama"][2]
    fails(world, capsys, content, "lembar 'Agama' tidak berisi desa 63.05.01.2003")


def test_a_desa_not_in_the_region_master(world, capsys):
    content = sheets()
    content["Agama"][1][0] = "6305019999"
    fails(world, capsys, content, "lembar 'Agama' berisi desa yang tidak ada di daftar wilayah: 63.05.01.9999")


def test_person_sheets_that_disagree(world, capsys):
    content = sheets()
    content["Agama"][3][3] = 32       # P of the third desa
    fails(world, capsys, content, "lembar 'Agama' dan 'Sheet1' tidak sepakat", "63.05.08.2001 PIPITAK JAYA")


def test_a_wilayah_only_sheet_out_of_order(world, capsys):
    content = sheets()
    content["Sheet9"][1][0], content["Sheet9"][2][0] = content["Sheet9"][2][0], content["Sheet9"][1][0]
    fails(world, capsys, content, "lembar 'Sheet9' (tanpa kode wilayah)", "baris 2 (TUNGKAP)")


def test_a_document_sheet_lacking_a_desa_marks_it_unavailable(world, capsys):
    tmp, data, aggregate = world
    content = sheets()
    content["Disabilitas (2)"] = [row for row in disability() if row[1] != "63.05.01.2003"]
    code, out, err = run(capsys, aggregate(write(tmp / "dkb.xlsx", content)))
    assert code == 0, err
    assert "peringatan - lembar 'Disabilitas (2)': 1 desa tanpa baris (63.05.01.2003)" in out
    table = load(data, "disabilitas")
    assert table["tidak_tersedia"] == ["63.05.01.2003"]
    assert "63.05.01.2003" not in table["wilayah"]
    assert table["wilayah"]["63.05.08.2001"]["data"]["DISABILITAS FISIK"] == {"lk": 1, "pr": 1, "jml": 2}
    assert table["wilayah"]["63.05.08.2001"]["data"]["TIDAK ADA"] == {"lk": 29, "pr": 30, "jml": 59}
    assert load(data, "manifest")["tidak_tersedia"] == {"disabilitas": ["63.05.01.2003"]}
    check_edition(data / PERIOD, min_whole=4)


def test_format_is_recognised_by_content_and_can_be_forced(world, capsys):
    tmp, data, aggregate = world
    path = write(tmp / "bukan-nama.xlsx", sheets())
    assert run(capsys, aggregate(path, "--format", "dkb"))[0] == 0
    code, _, err = run(capsys, aggregate(path, "--format", "register"))
    assert code != 0 and "Traceback" not in err   # read as a register: refused, no DKB path


# ---- the real workbook ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def madiun(tmp_path_factory):
    if not REAL.is_file():
        pytest.skip(f"the real DKB workbook is not on this machine ({REAL})")
    tmp = tmp_path_factory.mktemp("madiun")
    from test_book import project_copy

    root = project_copy(tmp)
    assert main(["init", "--code", "35.19", "--output", str(tmp / "madiun.yml")]) == 0
    started = time.perf_counter()
    assert main(["--config", str(tmp / "madiun.yml"), "aggregate", "--input", str(REAL), "--period", PERIOD,
                 "--data-dir", str(root / "data"), "--report-dir", str(tmp / "lap")]) == 0
    return root, time.perf_counter() - started


@pytest.mark.slow
def test_the_real_workbook_gives_the_official_totals(madiun):
    root, seconds = madiun
    data = root / "data"
    assert seconds < 5, seconds
    total = load(data, "penduduk")["wilayah"]["35.19"]["data"]["PENDUDUK"]
    assert total == {"lk": 365305, "pr": 372570, "jml": 737875}
    manifest = load(data, "manifest")
    assert manifest["sumber"]["sha256"] == "48a781903f66554a4d74a5c0248ed8c7e43053b2f652f5be7d5a40de1c05dda6"
    persons = {"kelompok_umur": "Sheet1", "umur_tunggal": "Sheet1_UMUR", "pendidikan": "Sheet3",
               "pekerjaan": "Sheet4", "status_kawin": "Sheet10", "agama": "Sheet7"}
    assert {t: manifest["lembar"][t] for t in persons} == persons   # the reader refuses any disagreement
    for table in persons:
        regions = load(data, table)["wilayah"]
        for kode in ("35.19", "35.19.01.2001"):
            cells = regions[kode]["data"].values()
            assert sum(c["lk"] for c in cells) == load(data, "penduduk")["wilayah"][kode]["data"]["PENDUDUK"]["lk"]
    assert manifest["lembar"]["kartu_keluarga"] == "Sheet5"
    assert manifest["lembar"]["kk_kepemilikan"] == "Sheet9"
    assert load(data, "kk_kepemilikan")["wilayah"]["35.19"]["data"]["KARTU KELUARGA"]["jml"] == 281482
    assert load(data, "kk_kepemilikan")["wilayah"]["35.19"]["data"]["MEMILIKI KK"]["jml"] == 274401
    assert {"Sheet2", "UMUR_TUNGGAL_KEC"} <= set(manifest["lembar_diabaikan"])
    assert load(data, "indikator")["wilayah"]["35.19"]["data"]["kepadatan"] is None
    check_edition(data / PERIOD, min_whole=4)


@pytest.mark.slow
def test_the_book_builds_from_the_real_workbook_in_strict_mode(madiun):
    from agregat.buku.build import build_book

    root, _ = madiun
    site = build_book(root=root, site_dir=root / "site", pdf=False).site_dir
    bab6 = (site / PERIOD / "bab-6-dokumen-kependudukan.html").read_text(encoding="utf-8")
    assert "Wajib KTP-el: tidak tersedia pada sumber data edisi ini" in bab6
    bab4 = (site / PERIOD / "bab-4-komposisi-penduduk.html").read_text(encoding="utf-8")
    assert "Golongan Darah: tidak tersedia pada sumber data edisi ini" in bab4
    assert "737.875" in (site / PERIOD / "bab-3-jumlah-dan-struktur-penduduk.html").read_text(encoding="utf-8")
    bab5 = (site / PERIOD / "bab-5-keluarga.html").read_text(encoding="utf-8")
    assert "Dari 281.482 kartu keluarga, 274.401" in bab5 and "MEMILIKI KK %" in bab5
    assert "Kepemilikan Akta Perkawinan: tidak tersedia pada sumber data edisi ini" in bab6   # by agama only


# ---- warnings that never block the book -----------------------------------------------------------

def kk_sheet(kk=((3, 1), (3, 1), (3, 1)), desa=DESA) -> list[list]:
    """Sheet11 of the real file: KK and KK printed (all printed here)."""
    return [["KODE", "WILAYAH", "L_KK", "P_KK", "JML_KK", "L_CETAK_KK", "P_CETAK_KK", "JML_CETAK_KK",
             "BLM_CETAK_KK_L", "BLM_CETAK_KK_P", "BLM_CETAK_KK_JML"]] + \
        [[k, n, a, b, a + b, a, b, a + b, 0, 0, 0] for (k, n), (a, b) in zip(desa, kk)]


def test_kk_counts_that_differ_are_warned_and_the_head_sheet_is_used(world, capsys):
    tmp, data, aggregate = world
    content = sheets()
    content["Sheet11"] = kk_sheet(kk=((3, 1), (5, 1), (3, 1)))   # a stale copy: TUNGKAP had 6 KK
    code, out, err = run(capsys, aggregate(write(tmp / "dkb.xlsx", content)))
    assert code == 0, err
    assert ("peringatan - lembar 'Sheet11': jumlah KK berbeda dengan lembar kepala keluarga 'Sheet5' di 1 desa "
            "(63.05.01.2003 TUNGKAP); tabel kartu_keluarga memakai lembar 'Sheet5'") in out
    assert "peringatan - lembar 'Sheet9'" not in out   # its KK counts equal the head sheet's
    assert load(data, "kartu_keluarga")["wilayah"]["63.05.01.2003"]["data"]["KEPALA KELUARGA"] == \
        {"lk": 3, "pr": 1, "jml": 4}
    assert load(data, "manifest")["lembar"]["kartu_keluarga"] == "Sheet5"
    code, _, err = run(capsys, aggregate(tmp / "dkb.xlsx", "--strict"))
    assert code == EXIT_DATA and "peringatan" in err   # --strict refuses a workbook with warnings


def single_ages(l=L, p=P, desa=DESA) -> list[list]:
    """Sheet1_UMUR: everyone aged 0 (consistent with `sheets`, which puts everyone in band 00-04)."""
    return [["KODE", "WILAYAH"] + [f"{s} {a}" for a in range(121) for s in ("L", "P", "JML")]] + \
        [[k.replace(".", ""), n, a, b, a + b] + [0] * 360 for (k, n), a, b in zip(desa, l, p)]


def akta_sheet(groups, desa=DESA) -> list[list]:
    """Sheet15: two header rows, akta kelahiran for all ages, 0-17 and 0-5; `groups` gives (ada L, P, belum L, P)
    per desa for each group."""
    names = ["LK_MMLK_DINAMIS", "P_MMLK_DINAMIS", "JML_MMLK_DINAMIS", "LK_BLM_MMLK_DINAMIS", "P_BLM_MMLK_DINAMIS",
             "JML_BLM_MMLK_DINAMIS", "PERSEN"]
    titles = [None] * 12
    for title in ("AKTA LAHIR ALL", "AKTA LAHIR 0_18", "AKTA LAHIR 0_5"):
        titles += [title] + [None] * 6
    rows = [titles, KEY_A + ["LK_KAWIN", "PR_KWN", "LK_CERAI", "PR_CERAI"] + names * 3]
    for i, (kode, nama) in enumerate(desa):
        row = key_a(kode, nama) + [0, 0, 0, 0]
        for group in groups:
            al, ap, bl, bp = group[i]
            row += [al, ap, al + ap, bl, bp, bl + bp, 50.0]
        rows.append(row)
    return rows


def test_dynamic_document_counts_above_the_people_are_warned(world, capsys):
    tmp, data, aggregate = world
    content = sheets()
    content["Sheet1_UMUR"] = single_ages()
    exact = [(a, b, 0, 0) for a, b in zip(L, P)]
    content["Sheet15"] = akta_sheet([[(12, 11, 0, 0)] + exact[1:], exact, exact])   # BINUANG: 12 L > 10 L
    content["Sheet6"] = [["KODE", "WILAYAH", "LK_JML_DINAMIS", "P_JML_DINAMIS", "JML_DINAMIS", "LK_MMLK_DINAMIS",
                          "P_MMLK_DINAMIS", "MMLK_DINAMIS", "LK_BLM_MMLK_DINAMIS", "P_BLM_MMLK_DINAMIS",
                          "BLM_MMLK_DINAMIS", "PERSEN_DINAMIS"]] + \
        [[k, n, a, b + (i == 2), a + b + (i == 2), a, b, a + b, 0, int(i == 2), int(i == 2), 100.0]
         for i, ((k, n), a, b) in enumerate(zip(DESA, L, P))]    # PIPITAK JAYA: one girl more than aged 0-16
    code, out, err = run(capsys, aggregate(write(tmp / "dkb.xlsx", content)))
    assert code == 0, err
    assert ("peringatan - lembar 'Sheet15': akta kelahiran semua umur (dinamis) melebihi jumlah penduduk umur itu "
            "di 1 desa (63.05.01.1001 BINUANG; selisih 2 orang); angka lembar dipakai apa adanya") in out
    assert ("peringatan - lembar 'Sheet6': sasaran KIA umur 0-16 tahun (dinamis) melebihi jumlah penduduk umur "
            "itu di 1 desa (63.05.08.2001 PIPITAK JAYA; selisih 1 orang)") in out
    assert out.count("(dinamis) melebihi") == 2    # the 0-17 and 0-5 groups equal the single ages
    assert load(data, "akta_kelahiran")["wilayah"]["63.05.01.1001"]["data"]["MEMILIKI"] == \
        {"lk": 12, "pr": 11, "jml": 23}           # used as delivered


def test_the_book_names_the_desa_a_table_lacks(world, capsys):
    from agregat.buku.makro import Buku
    from agregat.edisi.muat import muat_edisi

    tmp, data, aggregate = world
    content = sheets()
    content["Disabilitas"] = [row for row in disability() if row[1] != "63.05.01.2003"]
    assert run(capsys, aggregate(write(tmp / "dkb.xlsx", content)))[0] == 0
    buku = Buku(muat_edisi(data, PERIOD), bab=5)
    note = ("Catatan: angka Disabilitas untuk 1 desa/kelurahan tidak tersedia pada sumber data edisi ini (lembar "
            "buku kerja DKB tanpa barisnya), jadi tidak termasuk dalam jumlah di atas: Desa Tungkap (Kecamatan "
            "Binuang).")
    assert note in buku.tabel_wilayah("disabilitas")
    assert note in buku.tabel_kategori("disabilitas")
    assert note in buku.tabel_wilayah("disabilitas", "63.05.01")
    assert "Catatan" not in buku.tabel_wilayah("disabilitas", "63.05.08")   # none lacking in that kecamatan
    assert "Catatan" not in buku.tabel_wilayah("agama")
    assert buku.desa_tidak_tersedia("wajib_ktp") == ""                       # a table the workbook lacks


def ktp_sheet(desa=DESA, l=L, p=P) -> list[list]:
    """Wajib KTP-el, rekam and cetak per desa (all of them wajib), with the unlabelled SUM row."""
    rows = [["IDEM", "KODE", "WILAYAH", "WKTP_LK", "WKTP_PR", "WKTP", "REKAM_LK", "REKAM_PR", "REKAM", "KTP_LK",
             "KTP_PR", "KTP"]]
    rows += [[4, k, n, a, b, a + b, a - 1, b, a + b - 1, a - 2, b - 1, a + b - 3] for (k, n), a, b in zip(desa, l, p)]
    return rows + [["", "", "", sum(l), sum(p), sum(l) + sum(p)] + [0] * 6]


def test_ktp_el_perekaman_and_pencetakan_from_the_workbook(world, capsys):
    from agregat.buku.makro import TIDAK_TERSEDIA, Buku
    from agregat.edisi.muat import muat_edisi

    tmp, data, aggregate = world
    content = sheets()
    content["Wajib KTP"] = ktp_sheet()
    code, out, err = run(capsys, aggregate(write(tmp / "dkb.xlsx", content)))
    assert code == 0, err
    ktp = load(data, "ktp_el")
    assert [k["label"] for k in ktp["kategori"]] == ["WAJIB KTP-EL", "SUDAH REKAM", "SUDAH CETAK"]
    assert ktp["wilayah"]["63.05"]["data"] == {"WAJIB KTP-EL": {"lk": 60, "pr": 63, "jml": 123},
                                               "SUDAH REKAM": {"lk": 57, "pr": 63, "jml": 120},
                                               "SUDAH CETAK": {"lk": 54, "pr": 60, "jml": 114}}
    assert load(data, "manifest")["lembar"]["ktp_el"] == "Wajib KTP"
    check_edition(data / PERIOD, min_whole=4)
    html = Buku(muat_edisi(data, PERIOD), bab=6).tabel_wilayah("ktp_el")
    assert "SUDAH REKAM %" in html and ">97,56<" in html and ">92,68<" in html     # 120 / 123, 114 / 123
    assert "Jumlah Kabupaten Tapin" in html and TIDAK_TERSEDIA not in html
    # a workbook without the sheet: no table, the book says so where it would stand
    assert run(capsys, aggregate(write(tmp / "dkb.xlsx", sheets())))[0] == 0
    assert not (data / PERIOD / "ktp_el.yml").exists()
    assert TIDAK_TERSEDIA in Buku(muat_edisi(data, PERIOD), bab=6).tabel_wilayah("ktp_el")


def test_a_wajib_ktp_sheet_without_rekam_columns_gives_only_wajib_ktp(world, capsys):
    tmp, data, aggregate = world
    content = sheets()
    content["Wajib KTP"] = [row[:6] for row in ktp_sheet()]
    assert run(capsys, aggregate(write(tmp / "dkb.xlsx", content)))[0] == 0
    assert load(data, "wajib_ktp")["wilayah"]["63.05"]["data"]["WAJIB KTP-EL"]["jml"] == 123
    assert not (data / PERIOD / "ktp_el.yml").exists()


def test_kia_ownership_from_the_workbook(world, capsys):
    from agregat.buku.makro import Buku
    from agregat.edisi.muat import muat_edisi

    tmp, data, aggregate = world
    content = sheets()
    content["Sheet6"] = [["KODE", "WILAYAH", "LK_JML_DINAMIS", "P_JML_DINAMIS", "JML_DINAMIS", "LK_MMLK_DINAMIS",
                          "P_MMLK_DINAMIS", "MMLK_DINAMIS", "LK_BLM_MMLK_DINAMIS", "P_BLM_MMLK_DINAMIS",
                          "BLM_MMLK_DINAMIS", "PERSEN_DINAMIS"]] + \
        [[k.replace(".", ""), n, 4, 4, 8, 3, 1, 4, 1, 3, 4, 50.0] for k, n in DESA]
    code, out, err = run(capsys, aggregate(write(tmp / "dkb.xlsx", content)))
    assert code == 0, err
    kia = load(data, "kia_kepemilikan")
    assert kia["wilayah"]["63.05"]["data"] == {"ANAK UMUR 0-16": {"lk": 12, "pr": 12, "jml": 24},
                                               "MEMILIKI KIA": {"lk": 9, "pr": 3, "jml": 12},
                                               "BELUM MEMILIKI KIA": {"lk": 3, "pr": 9, "jml": 12}}
    assert load(data, "manifest")["lembar"]["kia_kepemilikan"] == "Sheet6"
    assert not (data / PERIOD / "kia.yml").exists()          # the target (by status kawin): register only
    check_edition(data / PERIOD, min_whole=4)
    html = Buku(muat_edisi(data, PERIOD), bab=6).tabel_wilayah("kia_kepemilikan")
    assert "MEMILIKI KIA %" in html and ">50,00<" in html


def test_kepala_keluarga_by_status_kawin_and_akta_0_5_from_the_workbook(world, capsys):
    from agregat.buku.makro import Buku
    from agregat.edisi.muat import muat_edisi

    tmp, data, aggregate = world
    content = sheets()
    content["Sheet15"] = akta_sheet([[(a, b, 0, 0) for a, b in zip(L, P)], [(2, 2, 1, 1)] * 3, [(1, 0, 0, 1)] * 3])
    code, out, err = run(capsys, aggregate(write(tmp / "dkb.xlsx", content)))
    assert code == 0, err
    heads = load(data, "kepala_keluarga_status_kawin")
    assert heads["wilayah"]["63.05"]["data"]["KAWIN"] == {"lk": 9, "pr": 3, "jml": 12}
    assert heads["wilayah"]["63.05"]["data"]["BELUM KAWIN"] == {"lk": 0, "pr": 0, "jml": 0}
    assert sum(c["jml"] for c in heads["wilayah"]["63.05"]["data"].values()) == \
        load(data, "kartu_keluarga")["wilayah"]["63.05"]["data"]["KEPALA KELUARGA"]["jml"]
    balita = load(data, "akta_kelahiran_0_5")["wilayah"]["63.05"]["data"]
    assert balita["MEMILIKI"] == {"lk": 3, "pr": 0, "jml": 3} and balita["BELUM MEMILIKI"]["jml"] == 3
    manifest = load(data, "manifest")
    assert manifest["lembar"]["kepala_keluarga_status_kawin"] == "Sheet5"
    assert manifest["lembar"]["akta_kelahiran_0_5"] == "Sheet15"
    check_edition(data / PERIOD, min_whole=4)
    buku = Buku(muat_edisi(data, PERIOD), bab=5)
    assert "Jumlah Kepala Keluarga Menurut Status Perkawinan" in buku.tabel_kategori("kepala_keluarga_status_kawin")
    assert ">50,00<" in buku.tabel_kategori("akta_kelahiran_0_5")     # memiliki 3 of 6


def test_kk_printed_from_the_workbook(world, capsys):
    from agregat.buku.makro import Buku
    from agregat.edisi.muat import muat_edisi

    tmp, data, aggregate = world
    content = sheets()
    content["Sheet11"] = [["KODE", "WILAYAH", "L_KK", "P_KK", "JML_KK", "L_CETAK_KK", "P_CETAK_KK", "JML_CETAK_KK",
                           "BLM_CETAK_KK_L", "BLM_CETAK_KK_P", "BLM_CETAK_KK_JML"]] + \
        [[k, n, 3, 1, 4, 2, 1, 3, 1, 0, 1] for k, n in DESA]
    code, out, err = run(capsys, aggregate(write(tmp / "dkb.xlsx", content)))
    assert code == 0, err
    kk = load(data, "kk_cetak")["wilayah"]["63.05"]["data"]
    assert kk == {"KARTU KELUARGA": {"lk": 9, "pr": 3, "jml": 12}, "SUDAH DICETAK": {"lk": 6, "pr": 3, "jml": 9},
                  "BELUM DICETAK": {"lk": 3, "pr": 0, "jml": 3}}
    assert load(data, "manifest")["lembar"]["kk_cetak"] == "Sheet11"
    check_edition(data / PERIOD, min_whole=4)
    html = Buku(muat_edisi(data, PERIOD), bab=5).tabel_wilayah("kk_cetak")
    assert "SUDAH DICETAK %" in html and ">75,00<" in html


def test_akta_perkawinan_and_perceraian_by_agama_from_the_workbook(world, capsys):
    from agregat.buku.makro import Buku
    from agregat.edisi.muat import muat_edisi

    tmp, data, aggregate = world
    content = sheets()
    header = ["WILAYAH"]
    for akta in ("KWN", "CRAI"):
        for agama in ("ISLAM", "KRISTEN"):
            header += [f"LK_MMLK_AKTA_{akta}_{agama}", f"PR_MMLK_AKTA_{akta}_{agama}", f"JML_MMLK_AKTA_{akta}_{agama}",
                       f"JML_BLM_MMLK_AKTA_{akta}_{agama}"]
    content["Sheet16"] = [header] + [[n, 2, 2, 4, 1, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 0, 0] for _, n in DESA]
    code, out, err = run(capsys, aggregate(write(tmp / "dkb.xlsx", content)))
    assert code == 0, err
    kawin = load(data, "akta_perkawinan")["wilayah"]["63.05"]["data"]
    assert kawin["ISLAM"] == {"lk": 6, "pr": 6, "jml": 12} and kawin["KRISTEN"] == {"lk": 3, "pr": 0, "jml": 3}
    cerai = load(data, "akta_perceraian")["wilayah"]["63.05"]["data"]
    assert cerai["ISLAM"] == {"lk": 3, "pr": 0, "jml": 3} and cerai["KRISTEN"]["jml"] == 0
    manifest = load(data, "manifest")
    assert manifest["lembar"]["akta_perkawinan"] == manifest["lembar"]["akta_perceraian"] == "Sheet16"
    check_edition(data / PERIOD, min_whole=4)
    assert "Pemilik Akta Perkawinan Menurut Agama" in Buku(muat_edisi(data, PERIOD), bab=6).tabel_kategori(
        "akta_perkawinan")


def test_kk_ownership_from_the_workbook(world, capsys):
    from agregat.buku.makro import Buku
    from agregat.edisi.muat import muat_edisi

    tmp, data, aggregate = world
    content = sheets()
    content["Sheet9"] = kk_ownership([(3, 1, 2, 1), (3, 1, 3, 1), (3, 1, 1, 0)])
    code, out, err = run(capsys, aggregate(write(tmp / "dkb.xlsx", content)))
    assert code == 0, err
    kk = load(data, "kk_kepemilikan")
    assert [k["label"] for k in kk["kategori"]] == ["KARTU KELUARGA", "MEMILIKI KK", "BELUM MEMILIKI KK"]
    assert kk["wilayah"]["63.05"]["data"] == {"KARTU KELUARGA": {"lk": 9, "pr": 3, "jml": 12},
                                              "MEMILIKI KK": {"lk": 6, "pr": 2, "jml": 8},
                                              "BELUM MEMILIKI KK": {"lk": 3, "pr": 1, "jml": 4}}
    assert kk["wilayah"]["63.05.08.2001"]["data"]["MEMILIKI KK"] == {"lk": 1, "pr": 0, "jml": 1}
    assert load(data, "manifest")["lembar"]["kk_kepemilikan"] == "Sheet9"
    assert "peringatan - lembar 'Sheet9'" not in out   # its KK counts equal the head sheet's
    check_edition(data / PERIOD, min_whole=4)
    html = Buku(muat_edisi(data, PERIOD), bab=5).tabel_wilayah("kk_kepemilikan")
    assert "MEMILIKI KK %" in html and ">66,67<" in html     # 8 of 12


def kawin_cerai_sheet(rows, desa=DESA) -> list[list]:
    """The older akta perkawinan/perceraian sheet, without agama: per desa (kawin L, P, memiliki L, P, cerai L,
    P, memiliki L, P); a BATAS column holding `<>` between the KWN and the CRAI groups."""
    header = ["KODE", "WILAYAH"]
    for i, event in enumerate(("KWN", "CRAI")):
        header += ["BATAS"] * i + [f"LK_{event}", f"P_{event}", f"JML_{event}", f"LK_MMLK_AKTA_{event}",
                                   f"P_MMLK_AKTA_{event}", f"JML_MMLK_AKTA_{event}", f"LK_BLM_MMLK_AKTA_{event}",
                                   f"P_BLM_MMLK_AKTA_{event}", f"JML_BLM_MMLK_AKTA_{event}", f"PERSEN_{event}"]
    out = [header]
    for (kode, nama), row in zip(desa, rows):
        cells = [kode.replace(".", ""), nama]
        for i in (0, 4):
            kl, kp, ol, op = row[i:i + 4]
            cells += ["<>"] * (i > 0) + [kl, kp, kl + kp, ol, op, ol + op, kl - ol, kp - op, kl - ol + kp - op, 50.0]
        out.append(cells)
    return out


def test_the_older_akta_kawin_sheet_feeds_the_ownership_tables(world, capsys):
    from agregat.buku.makro import TIDAK_TERSEDIA, Buku
    from agregat.edisi.muat import muat_edisi

    tmp, data, aggregate = world
    content = sheets()
    content["Akta Kawin"] = kawin_cerai_sheet([(2, 2, 1, 2, 1, 0, 1, 0)] * 3)
    code, out, err = run(capsys, aggregate(write(tmp / "dkb.xlsx", content)))
    assert code == 0, err
    kawin = load(data, "akta_perkawinan_kepemilikan")
    assert kawin["wilayah"]["63.05"]["data"] == {"PENDUDUK KAWIN": {"lk": 6, "pr": 6, "jml": 12},
                                                 "MEMILIKI AKTA PERKAWINAN": {"lk": 3, "pr": 6, "jml": 9},
                                                 "BELUM MEMILIKI AKTA PERKAWINAN": {"lk": 3, "pr": 0, "jml": 3}}
    cerai = load(data, "akta_perceraian_kepemilikan")["wilayah"]["63.05.01.1001"]["data"]
    assert cerai == {"PENDUDUK CERAI HIDUP": {"lk": 1, "pr": 0, "jml": 1},
                     "MEMILIKI AKTA PERCERAIAN": {"lk": 1, "pr": 0, "jml": 1},
                     "BELUM MEMILIKI AKTA PERCERAIAN": {"lk": 0, "pr": 0, "jml": 0}}
    for absent in ("akta_perkawinan", "akta_perceraian"):   # no agama in the sheet: no table by agama
        assert not (data / PERIOD / f"{absent}.yml").exists()
    manifest = load(data, "manifest")
    assert manifest["lembar"]["akta_perkawinan_kepemilikan"] == manifest["lembar"]["akta_perceraian_kepemilikan"] \
        == "Akta Kawin"
    check_edition(data / PERIOD, min_whole=4)
    buku = Buku(muat_edisi(data, PERIOD), bab=6)
    assert "MEMILIKI AKTA PERKAWINAN %" in buku.tabel_wilayah("akta_perkawinan_kepemilikan")
    assert ">75,00<" in buku.tabel_wilayah("akta_perkawinan_kepemilikan")     # 9 of 12
    assert TIDAK_TERSEDIA in buku.tabel_kategori("akta_perkawinan")


def test_the_batas_column_and_its_cells_are_ignored(world, capsys):
    from agregat.sumber.dkb_lembar import parse_header

    tmp, data, aggregate = world
    content = sheets()
    content["Akta Kawin"] = kawin_cerai_sheet([(2, 2, 1, 2, 1, 0, 1, 0)] * 3)
    assert content["Akta Kawin"][0][12] == "BATAS" and content["Akta Kawin"][1][12] == "<>"
    assert parse_header("BATAS") is None and parse_header(" batas ") is None
    code, out, err = run(capsys, aggregate(write(tmp / "dkb.xlsx", content)))
    assert code == 0, err                         # `<>` is no count: not refused as "bukan bilangan bulat"
    assert "BATAS" not in out and "<>" not in out
    for table in ("akta_perkawinan_kepemilikan", "akta_perceraian_kepemilikan"):
        assert len(load(data, table)["kategori"]) == 3   # no category from the separator


def test_document_sheets_lacking_desa_rows_mark_them_unavailable(world, capsys):
    from agregat.buku.makro import Buku
    from agregat.edisi.muat import muat_edisi

    tmp, data, aggregate = world
    content = sheets()
    lacking = [d for d in DESA if d[0] != "63.05.01.2003"]
    content["Sheet9"] = kk_ownership([(3, 1, 2, 1)] * 2, lacking, keys=("KODE", "WILAYAH"))
    content["Akta Kawin"] = kawin_cerai_sheet([(2, 2, 1, 2, 1, 0, 1, 0)] * 2, lacking)
    code, out, err = run(capsys, aggregate(write(tmp / "dkb.xlsx", content)))
    assert code == 0, err
    for sheet in ("Sheet9", "Akta Kawin"):
        assert f"peringatan - lembar '{sheet}': 1 desa tanpa baris (63.05.01.2003)" in out
    for table in ("kk_kepemilikan", "akta_perkawinan_kepemilikan", "akta_perceraian_kepemilikan"):
        document = load(data, table)
        assert document["tidak_tersedia"] == ["63.05.01.2003"] and "63.05.01.2003" not in document["wilayah"]
    assert load(data, "kk_kepemilikan")["wilayah"]["63.05"]["data"]["KARTU KELUARGA"] == {"lk": 6, "pr": 2, "jml": 8}
    assert set(load(data, "manifest")["tidak_tersedia"]) == {"kk_kepemilikan", "akta_perkawinan_kepemilikan",
                                                             "akta_perceraian_kepemilikan"}
    check_edition(data / PERIOD, min_whole=4)
    assert "Desa Tungkap (Kecamatan Binuang)" in Buku(muat_edisi(data, PERIOD), bab=5).tabel_wilayah("kk_kepemilikan")
