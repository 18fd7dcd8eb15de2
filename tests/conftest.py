"""Shared test helpers: a small valid person factory and a register writer."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
COLUMNS = ["NIK", "NO_KK", "NAMA_LGKP", "JENIS_KLMIN", "TGL_LHR", "AKTA_LHR", "GOL_DRH", "AGAMA", "STAT_KWN",
           "STAT_HBKEL", "PNYDNG_CCT", "PDDK_AKH", "JENIS_PKRJN", "NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL"]


def person(serial: int, *, sex: int = 1, born: str = "1985-03-12", desa: str = "63.05.01.2003",
           kk: int = 1, **codes) -> dict:
    """One valid register row; the NIK encodes the birth date and sex, and is unique per serial."""
    date = dt.date.fromisoformat(born)
    prop, kab, kec, kel = desa.split(".")
    day = date.day + (40 if sex == 2 else 0)
    row = {
        "NIK": f"{prop}{kab}{kec}{day:02d}{date.month:02d}{date.year % 100:02d}{serial:04d}",
        "NO_KK": f"{prop}{kab}{kec}010120{kk:04d}",
        "NAMA_LGKP": f"ORANG CONTOH {serial}",
        "JENIS_KLMIN": str(sex), "TGL_LHR": born, "AKTA_LHR": "2", "GOL_DRH": "13", "AGAMA": "1",
        "STAT_KWN": "2", "STAT_HBKEL": "1", "PNYDNG_CCT": "", "PDDK_AKH": "5", "JENIS_PKRJN": "9",
        "NO_PROP": str(int(prop)), "NO_KAB": str(int(kab)), "NO_KEC": str(int(kec)), "NO_KEL": str(int(kel)),
    }
    row.update({key: str(value) for key, value in codes.items()})
    return row


def write_register(path: Path, rows: list[dict], delimiter: str = ",", encoding: str = "utf-8",
                   columns: list[str] = COLUMNS) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, delimiter=delimiter, lineterminator="\n",
                                extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file below a folder (hidden ones too) with its bytes."""
    return {p.relative_to(directory).as_posix(): p.read_bytes()
            for p in sorted(Path(directory).rglob("*")) if p.is_file()}


@pytest.fixture
def config_path() -> Path:
    return ROOT / "kabupaten.yml"


@pytest.fixture
def golden_config(tmp_path) -> Path:
    """The small three-desa kabupaten the golden register is written for."""
    return FIXTURES / "golden" / "kabupaten.yml"


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A throwaway copy of the configuration, for tests that change it."""
    target = tmp_path / "proyek"
    target.mkdir()
    shutil.copy(ROOT / "kabupaten.yml", target / "kabupaten.yml")
    shutil.copytree(ROOT / "agregat" / "referensi", target / "agregat" / "referensi")
    return target


@pytest.fixture
def ssh_key(tmp_path):
    """Factory of SSH key pairs made by the real ssh-keygen in tmp_path: `ssh_key("kabid")` returns the
    private key's path (the public key is beside it, `<path>.pub`); `passphrase=` protects it,
    `kind="rsa"` makes a key the project must refuse."""
    import subprocess

    folder = tmp_path / "kunci"

    def make(name: str, passphrase: str = "", kind: str = "ed25519") -> Path:
        folder.mkdir(exist_ok=True)
        path = folder / name
        command = ["ssh-keygen", "-q", "-t", kind, "-N", passphrase, "-C", f"{name}@tes", "-f", str(path)]
        subprocess.run(command + (["-b", "2048"] if kind == "rsa" else []), check=True,
                       stdin=subprocess.DEVNULL, capture_output=True)
        return path

    return make
