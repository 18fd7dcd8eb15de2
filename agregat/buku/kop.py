"""What the book takes from the project's configuration and the approvals besides the numbers: the logo of the
cover and the site's header, the place and date that close the Kata Pengantar, and its signer.

    kop = kop_proyek(root)              # from root/kabupaten.yml; an empty Kop when there is none
    kop.untuk(edisi)                    # the same, or empty when the configuration is of another region
    kepala_dinas(pengesahan)            # the Kepala Dinas's row of the lembar pengesahan, or None

Invariant: the print and the site read the configuration here only, and every byte of it they use is in
`Kop.kunci` (agregat.buku.cache_keys puts it in the PDF key and the build key).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from agregat.core.config import Logo, load_config
from agregat.core.errors import UsageError
from agregat.core.peran import ROLES
from agregat.core.periode import WITA
from agregat.edisi.muat import Edisi, tanggal_panjang

#: The configuration the book reads, relative to the project root (the one `build` and `serve` use).
BERKAS_KONFIGURASI = "kabupaten.yml"


@dataclass(frozen=True)
class Kop:
    """The region's logo and capital (ibu kota) as configured; empty fields when not set."""

    kode: str = ""              # the configured region's code: the Kop belongs to the editions of that region
    ibu_kota: str = ""          # "Rantau": the place before the Kata Pengantar's date
    logo: Logo | None = None
    alamat_situs: str = ""      # the site's address (MkDocs' site_url): the site's only, not in `kunci`

    def untuk(self, edisi: Edisi) -> Kop:
        """This Kop for an edition of its region, else an empty one (a province book built in the same folder
        gets neither the kabupaten's logo nor its capital)."""
        return self if self.kode == edisi.kabupaten[0] else Kop(alamat_situs=self.alamat_situs)

    def kunci(self) -> dict:
        """Everything of the Kop that can change a page of the PDF, for the cache keys (the site's key adds
        `alamat_situs`)."""
        logo = self.logo
        return {"kode": self.kode, "ibu_kota": self.ibu_kota,
                "logo": [logo.jenis, hashlib.sha256(logo.data).hexdigest()] if logo else None}

    def logo_uri(self) -> str:
        """The logo as a data: URI (the print embeds it: its URL fetcher fetches nothing from disk), "" if none."""
        if self.logo is None:
            return ""
        return f"data:{self.logo.jenis};base64,{base64.b64encode(self.logo.data).decode('ascii')}"


def kop_proyek(root: Path) -> Kop:
    """The Kop of the project in `root` (its kabupaten.yml, checked by agregat.core.config.load_config: a wrong
    `logo:` is a ConfigError); an empty Kop when the folder has no configuration."""
    path = Path(root) / BERKAS_KONFIGURASI
    if not path.is_file():
        return Kop()
    config = load_config(path)
    return Kop(config.kode, config.ibu_kota, config.logo, config.alamat_situs)


def kepala_dinas(pengesahan: list[dict] | None) -> dict | None:
    """The Kepala Dinas's row of the lembar pengesahan rows (jabatan, nama, nip, …), None until there is one."""
    jabatan = ROLES["kadis"].jabatan.lower()
    return next((p for p in pengesahan or () if str(p.get("jabatan", "")).strip().lower() == jabatan), None)


def tanggal_dokumen(edisi: Edisi) -> dt.datetime:
    """The PDF's creation/modification date: SOURCE_DATE_EPOCH when set, else the edition's data date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch not in (None, ""):
        if not (epoch.strip().isascii() and epoch.strip().isdigit()):
            raise UsageError("Variabel lingkungan SOURCE_DATE_EPOCH harus bilangan detik sejak 1970 (angka 0-9 "
                             "saja, mis. 1751241600). Perbaiki atau hapus variabel itu, lalu ulangi.")
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    date = dt.date.fromisoformat(edisi.dokumen["manifest"]["tanggal_data"])
    return dt.datetime(date.year, date.month, date.day, tzinfo=WITA)


def tanggal_kolofon(when: dt.datetime) -> str:
    """The document date as the colophon prints it, in WITA: "30 Juni 2025", with the time ("10 Juli 2025
    09.15 WITA") only when it is not midnight."""
    local = when.astimezone(WITA)
    day = tanggal_panjang(local.date())
    return day if (local.hour, local.minute) == (0, 0) else f"{day} {local:%H.%M} WITA"
