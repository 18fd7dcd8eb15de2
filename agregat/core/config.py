"""The configuration (`kabupaten.yml`, or e.g. `provinsi-63.yml`): typed, every problem reported at once.

`kode` chooses the root of the book's regions: a kabupaten/kota ("63.05") or a whole provinsi ("63").
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from agregat.core.errors import ConfigError

REQUIRED_COLUMNS = (
    "NIK", "NO_KK", "JENIS_KLMIN", "TGL_LHR", "AGAMA", "PDDK_AKH", "JENIS_PKRJN",
    "STAT_KWN", "STAT_HBKEL", "GOL_DRH", "NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL",
)
# Optional columns: each adds the tables it feeds when the extract has it (otherwise "tidak tersedia").
# PNYDNG_CCT disabilitas; AKTA_LHR akta kelahiran; AKTA_KWN / AKTA_CRAI akta perkawinan / perceraian;
# STAT_KIA kepemilikan KIA; STAT_KTP status KTP-el (code list `ktp_el`: belum rekam, sudah rekam, sudah cetak).
OPTIONAL_COLUMNS = ("PNYDNG_CCT", "AKTA_LHR", "AKTA_KWN", "AKTA_CRAI", "STAT_KIA", "STAT_KTP")
# The optional columns that are ada / tidak ada flags, read with the codes of `akta_lahir` in kabupaten.yml
# (one SIAK convention, commonly 1 = tidak ada, 2 = ada).
FLAG_COLUMNS = ("AKTA_LHR", "AKTA_KWN", "AKTA_CRAI", "STAT_KIA")
KNOWN_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

ROOT_FINGERPRINT = re.compile(r"SHA256:[A-Za-z0-9+/]{43}")

PACKAGE_DIR = Path(__file__).resolve().parents[1]          # agregat/
REFERENSI_DIR = PACKAGE_DIR / "referensi"                  # the shipped reference data


def project_root(package_dir: Path = PACKAGE_DIR) -> Path:
    """The book's project folder (kabupaten.yml, data/, approvals/, mkdocs.yml): the checkout the package lives
    in, recognised by its mkdocs.yml; for an installed wheel (site-packages), the working directory."""
    checkout = package_dir.parent
    return checkout if (checkout / "mkdocs.yml").is_file() else Path.cwd().resolve()


PROJECT_ROOT = project_root()
DEFAULT_CONFIG = PROJECT_ROOT / "kabupaten.yml"
#: The build caches (`pdf/` of agregat.buku.build, `grafik/` of agregat.buku.makro, `unduhan/` of
#: agregat.buku.mkdocs_hooks, `yaml/` of agregat.edisi.muat); the environment variable AGREGAT_CACHE
#: moves them (the tests keep theirs in a temporary folder, never in the repository).
CACHE_DIR = Path(os.environ.get("AGREGAT_CACHE") or PROJECT_ROOT / ".cache")


def cache_dipakai() -> bool:
    """Whether the charts, downloads and parsed-YAML caches are used: never under CI (env `CI`), where what
    is published is made in that run."""
    return not os.environ.get("CI")


@dataclass(frozen=True)
class Config:
    """What the pipeline needs to know about the region (kabupaten/kota or provinsi) whose book it builds."""

    kode: str                   # "63.05" (kabupaten/kota) or "63" (provinsi): the root of the region master
    nama: str
    wilayah: Path
    luas_sumber: str
    provinsi: str = ""
    ibu_kota: str = ""
    dinas: str = ""
    luas_catatan: str = ""
    akta_ada: frozenset[str] = frozenset({"2"})
    akta_tidak_ada: frozenset[str] = frozenset({"1"})
    kolom: dict[str, str] = field(default_factory=dict)
    sidik_jari_akar: str = ""   # "SHA256:…" of the root key that signs approvals/pejabat.yml; "" = not set up
    akar_tte: Path | None = None   # trust root certificate (PEM/DER) for the PAdES-signed final PDF (BSrE's root)
    path: Path | None = None


def normalize_header(name: object) -> str:
    """Header names compare without case, surrounding blanks or a byte-order mark."""
    return str(name).replace("\ufeff", "").strip().upper()


def load_config(path: Path = DEFAULT_CONFIG) -> Config:
    """Read and check `kabupaten.yml`; raise one ConfigError listing every problem."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"Berkas konfigurasi {path} tidak ditemukan. Periksa jalurnya atau pakai --config.") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"Berkas konfigurasi {path} tidak dapat dibaca ({type(exc).__name__}). "
                          "Periksa bahwa isinya YAML yang benar.") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"Berkas konfigurasi {path} harus berisi pasangan kunci: nilai.")

    problems: list[str] = []

    def text(key: str, required: bool = True) -> str:
        value = raw.get(key)
        if value is None:
            if required:
                problems.append(f"kunci '{key}' wajib diisi")
            return ""
        if not isinstance(value, (str, int, float)):
            problems.append(f"kunci '{key}' harus berupa teks")
            return ""
        return str(value).strip()

    kode = text("kode")
    nama = text("nama")
    if kode and not re.fullmatch(r"\d{2}(\.\d{2})?", kode, re.ASCII):
        problems.append("kunci 'kode' harus kode provinsi atau kabupaten/kota Kemendagri seperti \"63\" atau "
                        "\"63.05\" (dalam tanda kutip)")
    wilayah = text("wilayah")
    wilayah_path = (path.parent / wilayah) if wilayah else Path()
    if wilayah and not wilayah_path.is_file():
        problems.append(f"kunci 'wilayah': berkas {wilayah_path} tidak ditemukan")

    luas = raw.get("luas") or {}
    if not isinstance(luas, dict) or not str(luas.get("sumber") or "").strip():
        problems.append("kunci 'luas.sumber' wajib diisi (sumber angka luas wilayah, dicetak di buku)")
        luas = luas if isinstance(luas, dict) else {}

    akta = raw.get("akta_lahir") or {}
    flags = {}
    for key, default in (("ada", {"2"}), ("tidak_ada", {"1"})):
        values = akta.get(key, sorted(default)) if isinstance(akta, dict) else None
        if not isinstance(values, list):
            problems.append(f"kunci 'akta_lahir.{key}' harus berupa daftar nilai")
            values = sorted(default)
        flags[key] = frozenset(normalize_header(v) for v in values)
    if flags["ada"] & flags["tidak_ada"]:
        problems.append("kunci 'akta_lahir': nilai yang sama ada di 'ada' dan 'tidak_ada'")

    kolom_raw = raw.get("kolom") or {}
    kolom: dict[str, str] = {}
    if not isinstance(kolom_raw, dict):
        problems.append("kunci 'kolom' harus berupa pemetaan {judul kolom ekspor: nama kolom SIAK}")
    else:
        for source, target in kolom_raw.items():
            target_name = normalize_header(target)
            if target_name not in KNOWN_COLUMNS:
                problems.append(f"kunci 'kolom': '{target}' bukan nama kolom SIAK yang dipakai "
                                f"({', '.join(KNOWN_COLUMNS)})")
            kolom[normalize_header(source)] = target_name

    sidik_jari_akar, root_cert, found = read_pengesahan(raw.get("pengesahan"))
    problems += found
    akar_tte = path.parent / root_cert if root_cert else None

    if problems:
        raise ConfigError(f"Konfigurasi {path} belum benar: " + "; ".join(problems) + ". Perbaiki lalu jalankan lagi.")
    return Config(
        kode=kode,
        nama=nama,
        wilayah=wilayah_path,
        luas_sumber=str(luas["sumber"]).strip(),
        luas_catatan=str(luas.get("catatan") or "").strip(),
        provinsi=text("provinsi", required=False),
        ibu_kota=text("ibu_kota", required=False),
        dinas=text("dinas", required=False),
        akta_ada=flags["ada"],
        akta_tidak_ada=flags["tidak_ada"],
        kolom=kolom,
        sidik_jari_akar=sidik_jari_akar,
        akar_tte=akar_tte,
        path=path,
    )



def read_pengesahan(pengesahan) -> tuple[str, str, list[str]]:
    """(root fingerprint, akar_tte as written, problems) of the `pengesahan:` section; "" when not set.

    The one reading of these two settings: `load_config` uses it on the working tree and agregat.pengesahan.akar on
    every committed version of the configuration."""
    pengesahan = pengesahan or {}
    sidik_jari_akar, akar_tte, problems = "", "", []
    if not isinstance(pengesahan, dict):
        return "", "", ["kunci 'pengesahan' harus berupa pemetaan, mis. {sidik_jari_akar: \"SHA256:…\"}"]
    for key in pengesahan:
        if key not in ("sidik_jari_akar", "akar_tte"):
            problems.append(f"kunci 'pengesahan.{key}' tidak dikenal (yang dikenal: sidik_jari_akar, akar_tte)")
    root_cert = pengesahan.get("akar_tte")
    if root_cert is not None and not isinstance(root_cert, str):
        problems.append("kunci 'pengesahan.akar_tte' harus jalur berkas sertifikat akar (teks), atau kosong")
    elif root_cert and root_cert.strip():
        akar_tte = root_cert.strip()
    value = pengesahan.get("sidik_jari_akar")
    if value is not None and not isinstance(value, str):
        problems.append("kunci 'pengesahan.sidik_jari_akar' harus teks dalam tanda kutip")
    elif value and not ROOT_FINGERPRINT.fullmatch(value.strip()):
        problems.append("kunci 'pengesahan.sidik_jari_akar' harus sidik jari seperti \"SHA256:…\" "
                        "(43 karakter base64, keluaran 'ssh-keygen -lf KUNCI.pub'), atau kosong")
    else:
        sidik_jari_akar = (value or "").strip()
    return sidik_jari_akar, akar_tte, problems

_PIN_LINE = re.compile(r"^(?P<indent>[ \t]+)sidik_jari_akar:[ \t]*(?:\"[^\"\n]*\"|'[^'\n]*'|[^#\n]*?)"
                       r"(?P<rest>[ \t]*(?:#[^\n]*)?)$", re.MULTILINE)
_PIN_BLOCK = re.compile(r"^pengesahan:[ \t]*(?:#[^\n]*)?$", re.MULTILINE)


def with_root_fingerprint(text: str, fingerprint: str) -> str:
    """`kabupaten.yml` text with `pengesahan.sidik_jari_akar` set to `fingerprint`; other lines and comments
    are kept. Raises ConfigError when the file has a shape this targeted edit does not understand."""
    if not ROOT_FINGERPRINT.fullmatch(fingerprint):
        raise ValueError(fingerprint)
    block = _PIN_BLOCK.search(text)
    pins = list(_PIN_LINE.finditer(text))
    if block is None and not pins and not re.search(r"^pengesahan\b", text, re.MULTILINE):
        return text + ("" if text.endswith("\n") or not text else "\n") + \
            f'\npengesahan:\n  sidik_jari_akar: "{fingerprint}"\n'
    if block is not None and len(pins) == 1 and pins[0].start() > block.end():
        pin = pins[0]
        return f'{text[:pin.start()]}{pin["indent"]}sidik_jari_akar: "{fingerprint}"{pin["rest"]}{text[pin.end():]}'
    if block is not None and not pins:
        return f'{text[:block.end()]}\n  sidik_jari_akar: "{fingerprint}"{text[block.end():]}'
    raise ConfigError("Bagian 'pengesahan' di berkas konfigurasi tidak dapat diubah otomatis. Tulis sendiri:\n"
                      f'pengesahan:\n  sidik_jari_akar: "{fingerprint}"')
