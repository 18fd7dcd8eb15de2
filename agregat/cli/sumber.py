"""Command-line pieces of the two front doors: `init --code` (a config for any kabupaten/kota) and the
`--format dkb|register` option of `aggregate`/`validate`. Kept apart from cli.py, which only hooks them in."""

from __future__ import annotations

import argparse
from pathlib import Path

from agregat.cli.opsi import add_option
from agregat.core.errors import EXIT_OK

FORMATS = ("otomatis", "dkb", "register")


def init_command(commands) -> None:
    init = commands.add_parser(
        "init", help="buat konfigurasi kabupaten/kota mana pun menurut kode Kemendagri",
        description="Tulis berkas konfigurasi (dan daftar wilayahnya di sebelahnya) untuk satu kabupaten/kota "
                    "atau provinsi di Indonesia menurut kode Kemendagri, tanpa internet, dari daftar wilayah "
                    "nasional yang dibawa proyek ini.")
    add_option(init, "--code", required=True, metavar="KODE", help="kode Kemendagri, mis. 35.19 (Kabupaten Madiun)")
    init.add_argument("--output", required=True, type=Path, metavar="BERKAS", help="berkas konfigurasi, mis. madiun.yml")
    init.add_argument("--force", action="store_true", help="timpa berkas yang sudah ada")
    init.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                      help="tampilkan jejak lengkap bila terjadi kesalahan")


def format_option(command) -> None:
    command.add_argument("--format", choices=FORMATS, default="otomatis",
                         help="jenis masukan: dkb (buku kerja agregat DKB per desa, .xlsx), register (ekstrak "
                              "per orang) atau otomatis (dikenali dari isinya; bawaan)")


def cmd_init(args) -> int:
    from agregat.core.paths import shown
    from agregat.sumber.init_config import init_config

    written = init_config(args.kode, args.output, force=args.force)
    print(f"Konfigurasi {written.tingkat.capitalize()} {written.nama} ditulis ke {shown(written.config)}; "
          f"daftar wilayah ({written.n_desa} desa/kelurahan) ke {shown(written.wilayah)}.")
    print(f"Berikutnya: python build.py --config {shown(written.config)} aggregate --input BERKAS.xlsx "
          "--period 2024-S2")
    return EXIT_OK


def is_dkb(args) -> bool:
    """`--format dkb`, or an .xlsx whose content is a DKB aggregate workbook (`--format otomatis`)."""
    if args.format != "otomatis":
        return args.format == "dkb"
    from agregat.sumber.dkb import looks_like_dkb

    return looks_like_dkb(args.input)


def cmd_dkb(args, write: bool) -> int:
    """aggregate/validate of a DKB workbook: the summary, the report file, and the edition when `write`."""
    from agregat.edisi import jobs
    from agregat.core.angka import bilangan

    from agregat.core.paths import shown
    from agregat.core.errors import UsageError

    if args.engine != "stream" or args.scheduler or args.workers:
        raise UsageError("--engine, --scheduler dan --workers hanya berlaku untuk register; buku kerja DKB "
                         "dibaca langsung.")
    if write:
        result = jobs.aggregate_dkb(args.input, args.period, args.config, args.data_dir, report_dir=args.report_dir)
        aggregation, report_path = result.aggregation, result.report_path
    else:
        aggregation = jobs.validate_dkb(args.input, args.period, args.config)
        report_path = jobs.write_report(aggregation, args.report_dir)
    laporan = aggregation.report
    total = aggregation.counts["penduduk"].sum(axis=(0, 2))
    print(f"Buku kerja DKB {aggregation.workbook.display_name} ({aggregation.periode}, per "
          f"{aggregation.periode.tanggal:%d-%m-%Y}): {len(aggregation.wilayah.desa)} desa/kelurahan, penduduk "
          f"{bilangan(total.sum())} (L {bilangan(total[0])}, P {bilangan(total[1])}).")
    for table, sheet in aggregation.sources.items():
        print(f"  tabel {table}: lembar '{sheet}'")
    for _, sheet, _, pesan in laporan.of("diabaikan"):
        print(f"  diabaikan - lembar '{sheet}': {pesan}")
    for _, sheet, _, pesan in laporan.of("peringatan"):
        print(f"  peringatan - lembar '{sheet}': {pesan}")
    print(f"Laporan: {shown(report_path)}")
    if args.strict and laporan.of("peringatan"):
        from agregat.core.errors import DataError

        raise DataError(f"Mode --strict: {len(laporan.of('peringatan'))} peringatan pada buku kerja DKB. "
                        f"Lihat {shown(report_path)}.")
    if write:
        print(f"Edisi {aggregation.periode} ditulis ke {shown(result.edition_dir)} ({len(result.files)} berkas). "
              f"Digest: {result.digest}")
    return EXIT_OK
