"""Tangkapan layar README (`gambar/`): Beranda situs di ponsel (390 × 844) dan satu halaman PDF, dibuat dari
`site/` yang sudah dibangun (`build.py build`) dengan alat yang sama dengan build, bukan dengan tangan.

    .venv/bin/python tools/tangkapan.py [--site site] [--periode 2025-S1] [--cari "Tabel 3.1"] [--keluar gambar]

Tidak membangun apa pun: Chromium headless memotret `site/index.html` dibuka dari disk (file://), `pdftoppm`
merender halaman PDF `site/<periode>/buku-data-agregat-<periode>.pdf` yang pertama memuat teks `--cari`
(`pdftotext`), selain halaman daftar isi/tabel/gambar. Setiap PNG ditulis atomik dan harus < 200 KB (README tetap ringan).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from agregat.core.atomik import atomic_file  # noqa: E402

PONSEL = (390, 844)
MAKS_BYTE = 200_000
CHROMIUM = ("chromium", "chromium-browser")


def _alat(nama: str) -> str:
    found = shutil.which(nama)
    if found is None:
        sys.exit(f"Kesalahan: {nama} tidak ditemukan; pasang dulu (sh tools/setup.sh dev).")
    return found


DAFTAR = ("Daftar Isi", "Daftar Tabel", "Daftar Gambar")   # pages that only list the captions


def halaman_pdf(pdf: Path, cari: str) -> int:
    """Nomor halaman (mulai 1) pertama yang teksnya memuat `cari`, bukan halaman daftar isi/tabel/gambar."""
    teks = subprocess.run([_alat("pdftotext"), "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True, timeout=300).stdout
    for nomor, isi in enumerate(teks.split("\f"), start=1):
        if cari in isi and not any(d in isi for d in DAFTAR):
            return nomor
    sys.exit(f"Kesalahan: teks {cari!r} tidak ada di {pdf}; pilih teks lain dengan --cari.")


def _simpan(png: Path, tujuan: Path) -> Path:
    data = png.read_bytes()
    if not data.startswith(b"\x89PNG") or len(data) > MAKS_BYTE:
        sys.exit(f"Kesalahan: {tujuan.name} bukan PNG atau lebih dari {MAKS_BYTE} byte ({len(data)}).")
    with atomic_file(tujuan, mode=0o644) as out:
        out.write(data)
    return tujuan


def potret_situs(situs: Path, tujuan: Path, ukuran: tuple[int, int] = PONSEL) -> Path:
    """Beranda `situs/index.html` (file://) di jendela `ukuran` piksel, tanpa GPU, tanpa jaringan."""
    chromium = next((p for p in map(shutil.which, CHROMIUM) if p), None) or _alat("chromium")
    with tempfile.TemporaryDirectory(prefix="tangkapan-") as tmp:
        png = Path(tmp) / "situs.png"
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        "--force-device-scale-factor=1", "--no-first-run", f"--user-data-dir={tmp}/profil",
                        f"--window-size={ukuran[0]},{ukuran[1]}", "--virtual-time-budget=3000",
                        f"--screenshot={png}", (situs / "index.html").resolve().as_uri()],
                       check=True, capture_output=True, timeout=120)
        return _simpan(png, tujuan)


def potret_pdf(pdf: Path, nomor: int, tujuan: Path, dpi: int = 60) -> Path:
    """Halaman `nomor` dari `pdf` sebagai PNG `dpi` titik per inci."""
    with tempfile.TemporaryDirectory(prefix="tangkapan-") as tmp:
        subprocess.run([_alat("pdftoppm"), "-png", "-r", str(dpi), "-f", str(nomor), "-l", str(nomor),
                        "-singlefile", str(pdf), f"{tmp}/pdf"], check=True, capture_output=True, timeout=120)
        return _simpan(Path(tmp) / "pdf.png", tujuan)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Tangkapan layar README dari site/ yang sudah dibangun.")
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--periode", default="2025-S1")
    parser.add_argument("--cari", default="Tabel 3.1", help="teks halaman PDF yang dipotret")
    parser.add_argument("--keluar", type=Path, default=ROOT / "gambar")
    args = parser.parse_args(argv)
    pdf = args.site / args.periode / f"buku-data-agregat-{args.periode}.pdf"
    for perlu in (args.site / "index.html", pdf):
        if not perlu.is_file():
            sys.exit(f"Kesalahan: {perlu} tidak ada; bangun dulu: .venv/bin/python build.py build")
    args.keluar.mkdir(parents=True, exist_ok=True)
    situs = potret_situs(args.site, args.keluar / "beranda-ponsel.png")
    halaman = halaman_pdf(pdf, args.cari)
    cetak = potret_pdf(pdf, halaman, args.keluar / "halaman-pdf.png")
    print(f"{situs} ({situs.stat().st_size} byte), {cetak} (halaman {halaman}, {cetak.stat().st_size} byte)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
