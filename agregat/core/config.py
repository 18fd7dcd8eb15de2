"""The configuration (`kabupaten.yml`, or e.g. `provinsi-63.yml`): typed, every problem reported at once.

`kode` chooses the root of the book's regions: a kabupaten/kota ("63.05") or a whole provinsi ("63").
"""

from __future__ import annotations

import os
import re
import stat
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
ALAMAT_SITUS = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~%/-]*)?", re.ASCII)

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
    """Whether the charts, downloads, parsed-YAML and PDF-part caches are used: never under CI (env `CI`), where what
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
    logo: Logo | None = None    # the Pemerintah Kabupaten's logo for the cover and the site's header; None = none
    alamat_situs: str = ""      # the site's public address ("https://…/", MkDocs' site_url); "" = not published yet
    path: Path | None = None


#: The logo's file types: suffix → (media type, how its bytes begin once leading blanks are stripped).
LOGO_JENIS = {".svg": ("image/svg+xml", (b"<svg", b"<?xml", b"<!--")), ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",))}
LOGO_MAKS = 2 << 20   # bytes: a logo, not a photograph


@dataclass(frozen=True)
class Logo:
    """The logo named by `logo:` in the configuration, read once and checked (`read_logo`): a regular file
    inside the project folder, SVG or PNG by name and by content."""

    nama: str                   # the file name as written in the configuration, for messages
    jenis: str                  # media type: image/svg+xml or image/png
    data: bytes


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

    logo = None
    logo_name = raw.get("logo")
    if logo_name is not None and not isinstance(logo_name, str):
        problems.append("kunci 'logo' harus jalur berkas logo (teks), atau kosong")
    elif logo_name and logo_name.strip():
        logo, problem = read_logo(path.parent, logo_name.strip())
        if problem:
            problems.append(problem)

    alamat_situs = text("alamat_situs", required=False)
    if alamat_situs and not ALAMAT_SITUS.fullmatch(alamat_situs):
        problems.append("kunci 'alamat_situs' harus alamat http:// atau https:// situs buku, mis. "
                        "\"https://disdukcapil.tapinkab.go.id/buku/\", atau kosong")
    elif alamat_situs and not alamat_situs.endswith("/"):
        alamat_situs += "/"

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
        logo=logo,
        alamat_situs=alamat_situs,
        path=path,
    )


def read_logo(folder: Path, name: str) -> tuple[Logo | None, str]:
    """(the logo, "") of the file `name` (relative to the project `folder`), or (None, the problem in words).

    Invariant: the bytes come from a regular file whose real path lies inside `folder` (no `..`, no absolute
    path, no symlink leading out of the project), end in .svg or .png, begin as that type's files begin, and
    are at most LOGO_MAKS bytes. Nothing else is ever read through `logo:`."""
    where = f"kunci 'logo': berkas {name}"
    suffix = Path(name).suffix.lower()
    if suffix not in LOGO_JENIS:
        return None, f"{where} harus SVG (.svg) atau PNG (.png)"
    base = Path(folder).resolve()
    target = (base / name).resolve()
    if Path(name).is_absolute() or not target.is_relative_to(base):
        return None, f"{where} harus di dalam folder proyek ({base}), dengan jalur relatif terhadap berkas konfigurasi"
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None, f"{where} tidak ditemukan"
    except OSError:
        return None, f"{where} tidak dapat dibaca"
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None, f"{where} bukan berkas biasa"
        data = b""
        while len(data) <= LOGO_MAKS and (block := os.read(fd, LOGO_MAKS + 1 - len(data))):
            data += block
    except OSError:
        return None, f"{where} tidak dapat dibaca"
    finally:
        os.close(fd)
    jenis, awal = LOGO_JENIS[suffix]
    if len(data) > LOGO_MAKS:
        return None, f"{where} lebih dari {LOGO_MAKS >> 20} MB; perkecil logonya"
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(awal) or (suffix == ".svg" and b"<svg" not in data):
        return None, f"{where} bukan berkas {suffix[1:].upper()} yang benar"
    return Logo(name, jenis, data), ""



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
