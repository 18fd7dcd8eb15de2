"""Command-line pieces of the two front doors: `init --kode` (a config for any kabupaten/kota) and the
`--format dkb|register` option of `aggregate`/`validate`. Kept apart from cli.py, which only hooks them in."""

from __future__ import annotations

import argparse
from pathlib import Path

from .errors import EXIT_OK

FORMATS = ("otomatis", "dkb", "register")


def init_command(commands) -> None:
    init = commands.add_parser(
        "init", help="buat konfigurasi kabupaten/kota mana pun menurut kode Kemendagri",
        description="Tulis berkas konfigurasi (dan daftar wilayahnya di sebelahnya) untuk satu kabupaten/kota "
                    "atau provinsi di Indonesia menurut kode Kemendagri, tanpa internet, dari daftar wilayah "
                    "nasional yang dibawa proyek ini.")
    init.add_argument("--kode", required=True, metavar="KODE", help="kode Kemendagri, mis. 35.19 (Kabupaten Madiun)")
    init.add_argument("--output", required=True, type=Path, metavar="BERKAS", help="berkas konfigurasi, mis. madiun.yml")
    init.add_argument("--force", action="store_true", help="timpa berkas yang sudah ada")
    init.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                      help="tampilkan jejak lengkap bila terjadi kesalahan")


def format_option(command) -> None:
    command.add_argument("--format", choices=FORMATS, default="otomatis",
                         help="jenis masukan: dkb (buku kerja agregat DKB per desa, .xlsx), register (ekstrak "
                              "per orang) atau otomatis (dikenali dari isinya; bawaan)")


def cmd_init(args) -> int:
    from .cli import shown
    from .init_config import init_config

    written = init_config(args.kode, args.output, force=args.force)
    print(f"Konfigurasi {written.tingkat.capitalize()} {written.nama} ditulis ke {shown(written.config)}; "
          f"daftar wilayah ({written.n_desa} desa/kelurahan) ke {shown(written.wilayah)}.")
    print(f"Berikutnya: python build.py --config {shown(written.config)} aggregate --input BERKAS.xlsx "
          "--period 2024-S2")
    return EXIT_OK
