"""The same tables as `build.py aggregate`, computed by DuckDB from the same CSV: the benchmark's yardstick.

Run as a separate process by bench_aggregate.py: `python bench/duckdb_tables.py REGISTER.csv PERIOD`.
It applies the same rules (16-digit NIK, first occurrence of a NIK kept, sex, the three date formats,
region in the kabupaten, codes given as numbers or labels) and groups by (desa, sex, category) for every
table, then prints the kabupaten count per table and category (JSON) so the benchmark can check that
both engines agree.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agregat.core.config import load_config  # noqa: E402  (after the path set-up)
from agregat.core.kode import load_code_lists  # noqa: E402
from agregat.core.periode import Periode  # noqa: E402
from agregat.core.wilayah import load_wilayah  # noqa: E402

CODED = {"agama": "AGAMA", "pendidikan": "PDDK_AKH", "pekerjaan": "JENIS_PKRJN", "status_kawin": "STAT_KWN",
         "hubungan_keluarga": "STAT_HBKEL", "golongan_darah": "GOL_DRH", "disabilitas": "PNYDNG_CCT"}


def run(register: Path, period: str) -> dict:
    periode = Periode.parse(period)
    config = load_config(ROOT / "kabupaten.yml")
    wilayah = load_wilayah(config.wilayah, config.kode)
    codes = load_code_lists()
    con = duckdb.connect()
    con.execute("CREATE TABLE lookup(kolom VARCHAR, nilai VARCHAR, idx INTEGER)")
    rows = [(column, value, index) for name, column in CODED.items()
            for value, index in codes[name].lookup.items()]
    rows += [("JENIS_KLMIN", value, index) for value, index in codes["jenis_kelamin"].lookup.items()]
    con.executemany("INSERT INTO lookup VALUES (?, ?, ?)", rows)
    con.execute("CREATE TABLE desa(kunci BIGINT, idx INTEGER)")
    con.executemany("INSERT INTO desa VALUES (?, ?)", [(int(k), i) for i, k in enumerate(wilayah.desa_keys)])
    ref = periode.tanggal.isoformat()

    def norm(column: str) -> str:
        # numbers or labels, as the pipeline reads them: `01` and `1` are the same code; labels any case
        return f"coalesce(CAST(TRY_CAST({column} AS INTEGER) AS VARCHAR), upper(trim({column})))"

    columns = dict(CODED, jenis_kelamin="JENIS_KLMIN")
    quoted = lambda values: ", ".join(f"'{v}'" for v in sorted(values))  # noqa: E731
    none, ada, tidak = (quoted(v) for v in (codes["disabilitas"].none_values | {"TIDAK ADA"},
                                             config.akta_ada, config.akta_tidak_ada))
    joins = "\n".join(f"LEFT JOIN (SELECT nilai, idx FROM lookup WHERE kolom = '{col}') l_{name} "
                      f"ON l_{name}.nilai = {norm('r.' + col)}" for name, col in columns.items())
    con.execute(f"""
        CREATE TABLE facts AS
        WITH r AS (SELECT row_number() OVER () AS rn, * FROM read_csv('{register}', all_varchar = true, header = true)),
        f AS (
          SELECT rn,
            CASE WHEN regexp_full_match(trim(NIK), '[0-9]{{16}}') THEN CAST(trim(NIK) AS BIGINT) END AS nik,
            l_jenis_kelamin.idx AS sex,
            coalesce(try_strptime(TGL_LHR, '%Y-%m-%d'), try_strptime(TGL_LHR, '%d-%m-%Y'),
                     try_strptime(TGL_LHR, '%d/%m/%Y'))::DATE AS born,
            d.idx AS desa,
            {', '.join(f"coalesce(l_{name}.idx, -1) AS {name}" for name in CODED if name != "disabilitas")},
            coalesce(l_disabilitas.idx, CASE WHEN r.PNYDNG_CCT IS NULL OR {norm('r.PNYDNG_CCT')} IN ({none})
                     THEN 6 ELSE -1 END) AS disabilitas,
            CASE WHEN {norm('r.AKTA_LHR')} IN ({ada}) THEN 0 WHEN {norm('r.AKTA_LHR')} IN ({tidak}) THEN 1
                 ELSE -1 END AS akta
          FROM r
          LEFT JOIN desa d ON d.kunci = ((TRY_CAST(r.NO_PROP AS BIGINT) * 100 + TRY_CAST(r.NO_KAB AS BIGINT)) * 100
                 + TRY_CAST(r.NO_KEC AS BIGINT)) * 10000 + TRY_CAST(r.NO_KEL AS BIGINT)
          {joins})
        SELECT *, date_sub('year', born, DATE '{ref}') AS umur
        FROM f
        WHERE nik IS NOT NULL AND sex IS NOT NULL AND born IS NOT NULL AND born <= DATE '{ref}' AND desa IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY nik ORDER BY rn) = 1
    """)
    tables = dict(CODED)
    tables.update({"kelompok_umur": "least(umur // 5, 15)", "umur_tunggal": "least(umur, 100)",
                   "struktur_umur": "CASE WHEN umur < 15 THEN 0 WHEN umur < 65 THEN 1 ELSE 2 END",
                   "wajib_ktp": "CASE WHEN umur >= 17 OR status_kawin IN (1, 2, 3) THEN 0 ELSE 1 END",
                   "penduduk": "0", "akta_kelahiran": "akta",
                   "akta_kelahiran_0_17": "CASE WHEN umur <= 17 THEN akta END",
                   "kia": "CASE WHEN umur < 17 AND status_kawin = 0 THEN (CASE WHEN umur < 5 THEN 0 ELSE 1 END) END"})
    totals = {}
    for name, expression in tables.items():
        category = name if name in CODED else expression
        result = con.execute(f"SELECT desa, sex, {category} AS k, count(*) FROM facts GROUP BY ALL").fetchall()
        per_category: dict[int, int] = {}
        for _, _, k, n in result:
            if k is not None:   # NULL: not in this table's population
                per_category[k] = per_category.get(k, 0) + n
        totals[name] = per_category
    heads = con.execute("SELECT desa, sex, count(*) FROM facts WHERE hubungan_keluarga = 0 GROUP BY ALL").fetchall()
    totals["kartu_keluarga"] = {0: sum(n for *_, n in heads)}
    print(json.dumps(totals))
    return totals

if __name__ == "__main__":
    run(Path(sys.argv[1]), sys.argv[2])
