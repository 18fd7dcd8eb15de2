"""`python build.py officials …`: set up and change the root-signed registry of officials.

Every command gathers and checks everything first (the registry as it is, the new content, the root
signature over it) and only then writes, each file atomically.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import yaml

from agregat.pengesahan import akar
from agregat.pengesahan import pejabat
from agregat.pengesahan import sshsig
from agregat.core.paths import shown
from agregat.core.config import load_config, with_root_fingerprint
from agregat.core.errors import ConfigError, SignatureError, UsageError
from agregat.pengesahan.pejabat import KEBIJAKAN_FILE, REGISTRI_FILE, SIG_SUFFIX, SIGNERS_FILE, Registri
from agregat.core.periode import WITA
from agregat.pengesahan.sshsig import NAMESPACE_REGISTRI

SIGNED_FILES = (REGISTRI_FILE, REGISTRI_FILE + SIG_SUFFIX, KEBIJAKAN_FILE, KEBIJAKAN_FILE + SIG_SUFFIX)


def _local(approvals_dir: Path, name: str) -> Path:
    """Where "approvals/<file>" lives in the working tree for this approvals folder."""
    return Path(approvals_dir) / name.split("/", 1)[1]


def read_approvals(approvals_dir: Path) -> dict[str, bytes]:
    """The signed registry files of the working tree, keyed as `pejabat.load_trusted` wants them."""
    files = {}
    for name in SIGNED_FILES:
        try:
            files[name] = _local(approvals_dir, name).read_bytes()
        except FileNotFoundError:
            continue
    return files


def today() -> date:
    return datetime.now(WITA).date()


def parse_day(value: str, option: str) -> date:
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r} bukan tanggal TTTT-BB-HH (mis. 2025-01-31).") from None


def _sign_as_root(data: bytes, key: Path, akar: str) -> bytes:
    signature = sshsig.sign(data, key, NAMESPACE_REGISTRI)
    if sshsig.public_key_of(signature).split() != akar.split()[:2]:
        raise SignatureError(f"Kunci {key} bukan kunci akar registri ({sshsig.fingerprint(akar)}). Registri "
                             "pejabat hanya dapat ditandatangani dengan kunci akar; berikan kunci itu di --root-key.")
    return signature


def _write(approvals_dir: Path, files: dict[str, bytes]) -> None:
    from agregat.core.atomik import write_atomic

    for name, data in files.items():
        write_atomic(_local(approvals_dir, name), data.decode("utf-8"))


@dataclass(frozen=True)
class InitResult:
    fingerprint: str
    written: tuple[Path, ...]
    replaced: str = ""      # the root pinned before, when --force replaced it (no signed rotation)


def init(config_path: Path, approvals_dir: Path, root_pubkey: Path, root_key: Path | None = None,
         force: bool = False) -> InitResult:
    """An empty registry with `akar`, the default policy, both root-signed, allowed_signers, and the pin."""
    config_path, approvals_dir = Path(config_path), Path(approvals_dir)
    akar = sshsig.read_public_key(root_pubkey)
    fp = sshsig.fingerprint(akar)
    config = load_config(config_path)
    existing = [path for path in (_local(approvals_dir, REGISTRI_FILE), _local(approvals_dir, KEBIJAKAN_FILE))
                if path.exists()]
    if existing and not force:
        raise UsageError(f"Registri sudah ada ({', '.join(map(shown, existing))}); init tidak menimpanya. Untuk "
                         "menambah pejabat pakai `officials add`; untuk memulai dari awal (semua pejabat "
                         "terhapus) tambahkan --force.")
    if config.sidik_jari_akar and config.sidik_jari_akar != fp and not force:
        raise UsageError(f"{shown(config_path)} sudah menyematkan kunci akar lain ({config.sidik_jari_akar}). Tambahkan "
                         "--force untuk mengganti kunci akar.")
    new_config = with_root_fingerprint(config_path.read_text(encoding="utf-8"), fp)
    pinned = (yaml.safe_load(new_config).get("pengesahan") or {}).get("sidik_jari_akar")
    if pinned != fp:   # the targeted edit must give exactly the pin, or nothing is written
        raise ConfigError(f"Sidik jari kunci akar tidak dapat ditulis ke {shown(config_path)}. Tulis sendiri:\n"
                          f'pengesahan:\n  sidik_jari_akar: "{fp}"')
    registri = pejabat.dump_registri(Registri(akar))
    kebijakan = pejabat.dump_kebijakan(pejabat.DEFAULT_POLICY)
    key = Path(root_key) if root_key else Path(root_pubkey)
    files = {REGISTRI_FILE: registri, REGISTRI_FILE + SIG_SUFFIX: _sign_as_root(registri, key, akar),
             KEBIJAKAN_FILE: kebijakan, KEBIJAKAN_FILE + SIG_SUFFIX: _sign_as_root(kebijakan, key, akar)}
    trusted, _ = pejabat.load_trusted(files, fp)
    files[SIGNERS_FILE] = pejabat.allowed_signers(trusted)
    _write(approvals_dir, files)
    from agregat.core.atomik import write_atomic

    if new_config != config_path.read_text(encoding="utf-8"):
        write_atomic(config_path, new_config)
    return InitResult(fp, tuple(_local(approvals_dir, n) for n in files) + (config_path,),
                      config.sidik_jari_akar if config.sidik_jari_akar not in ("", fp) else "")


def load(config_path: Path, approvals_dir: Path) -> tuple[str, Registri, pejabat.Kebijakan]:
    """(pinned fingerprint, registry, policy) of the working tree, signatures checked."""
    pin = load_config(config_path).sidik_jari_akar
    registri, kebijakan = pejabat.load_trusted(read_approvals(approvals_dir), pin)
    return pin, registri, kebijakan


def change(config_path: Path, approvals_dir: Path, root_key: Path, edit) -> Registri:
    """Apply `edit(registri) -> Registri`, re-sign with the root key, rewrite the registry and allowed_signers."""
    pin, registri, _ = load(config_path, approvals_dir)
    new = edit(registri)
    data = pejabat.dump_registri(new)
    pejabat.parse_registri(data, REGISTRI_FILE)   # the change must give a registry the checks accept
    signature = _sign_as_root(data, Path(root_key), registri.akar)
    pejabat.verify_signed(data, signature, pin, registri.akar, REGISTRI_FILE)
    _write(approvals_dir, {REGISTRI_FILE: data, REGISTRI_FILE + SIG_SUFFIX: signature,
                           SIGNERS_FILE: pejabat.allowed_signers(new)})
    return new


@dataclass(frozen=True)
class RotateResult:
    rotasi: akar.Rotasi
    written: tuple[Path, ...]


def rotate_root(config_path: Path, approvals_dir: Path, root_key: Path, new_root_pubkey: Path | None = None,
                new_root_key: Path | None = None) -> RotateResult:
    """Replace the root key and/or the TTE root certificate (agregat.pengesahan.akar): a rotation statement naming the
    setting committed at HEAD and the new one, signed by the CURRENT root key; with a new key, the registry
    and the policy re-signed by it (same officials) and the pin rewritten. Everything is checked before
    anything is written."""
    from agregat.core.gitobjek import open_repo, path_in_repo, resolve

    config_path, approvals_dir = Path(config_path), Path(approvals_dir)
    pin, registri, kebijakan = load(config_path, approvals_dir)
    repo = open_repo(config_path.parent)
    head = resolve(repo, "HEAD").hexsha
    lama = akar.setelan_riwayat(repo, [head], path_in_repo(repo, config_path))[head]
    if lama.sidik_jari != pin:
        raise UsageError(f"Sematan kunci akar di {shown(config_path)} ({pin}) bukan yang di-commit di HEAD "
                         f"({lama.sidik_jari or 'kosong'}). Commit atau pulihkan berkas itu dulu, lalu ulangi.")
    new_public = sshsig.read_public_key(new_root_pubkey) if new_root_pubkey else registri.akar
    baru = akar.Setelan(sshsig.fingerprint(new_public), akar.setelan_kerja(load_config(config_path)).akar_tte)
    if baru.akar_tte.startswith("hilang:"):
        raise UsageError(f"Sertifikat akar TTE pengesahan.akar_tte ({baru.akar_tte.removeprefix('hilang:')}) tidak "
                         "dapat dibaca. Letakkan berkasnya di repositori, lalu ulangi.")
    if baru == lama:
        raise UsageError("Tidak ada yang diganti: kunci akar dan sertifikat akar TTE sama dengan yang di-commit. "
                         "Untuk mengganti kunci beri --new-root-pubkey; untuk akar TTE ubah dulu "
                         "pengesahan.akar_tte di konfigurasi.")
    existing = sorted((approvals_dir / "akar").glob("*.yml")) if (approvals_dir / "akar").is_dir() else []
    rotasi = akar.Rotasi(len(existing) + 1, lama, baru, datetime.now(WITA).replace(microsecond=0))
    data = akar.dump_rotasi(rotasi)
    signature = akar.sign_rotasi(data, Path(root_key))
    if sshsig.fingerprint(sshsig.public_key_of(signature)) != lama.sidik_jari:
        raise SignatureError(f"Kunci {root_key} bukan kunci akar yang sekarang disematkan ({lama.sidik_jari}). "
                             "Penggantian akar ditandatangani pemegang kunci akar lama; berikan kunci itu di "
                             "--root-key.")
    akar.verify_rotasi(data, signature, rotasi, rotasi.path)
    files = {rotasi.path: data, rotasi.path + SIG_SUFFIX: signature}
    new_config = None
    if baru.sidik_jari != lama.sidik_jari:
        key = Path(new_root_key) if new_root_key else Path(new_root_pubkey)
        registri_data = pejabat.dump_registri(replace(registri, akar=new_public))
        kebijakan_data = pejabat.dump_kebijakan(kebijakan)
        files |= {REGISTRI_FILE: registri_data,
                  REGISTRI_FILE + SIG_SUFFIX: _sign_as_root(registri_data, key, new_public),
                  KEBIJAKAN_FILE: kebijakan_data,
                  KEBIJAKAN_FILE + SIG_SUFFIX: _sign_as_root(kebijakan_data, key, new_public)}
        trusted, _ = pejabat.load_trusted(files, baru.sidik_jari)
        files[SIGNERS_FILE] = pejabat.allowed_signers(trusted)
        new_config = with_root_fingerprint(config_path.read_text(encoding="utf-8"), baru.sidik_jari)
        if (yaml.safe_load(new_config).get("pengesahan") or {}).get("sidik_jari_akar") != baru.sidik_jari:
            raise ConfigError(f"Sidik jari kunci akar tidak dapat ditulis ke {shown(config_path)}.")
    _write(approvals_dir, files)
    written = [_local(approvals_dir, n) for n in files]
    if new_config is not None:
        from agregat.core.atomik import write_atomic

        write_atomic(config_path, new_config)
        written.append(config_path)
    return RotateResult(rotasi, tuple(written))


def write_signers(approvals_dir: Path, registri: Registri) -> None:
    """Rewrite approvals/allowed_signers from a registry whose signature was checked."""
    _write(approvals_dir, {SIGNERS_FILE: pejabat.allowed_signers(registri)})


def signers_stale(approvals_dir: Path, registri: Registri) -> bool:
    path = _local(approvals_dir, SIGNERS_FILE)
    return not path.is_file() or path.read_bytes() != pejabat.allowed_signers(registri)


def describe(registri: Registri, kebijakan: pejabat.Kebijakan, pin: str) -> str:
    """The registry and policy as `officials list` prints them."""
    lines = [f"Registri pejabat sah: ditandatangani kunci akar {pin} (sesuai kabupaten.yml)."]
    if not registri.pejabat:
        lines.append("Belum ada pejabat terdaftar. Tambahkan dengan `python build.py officials add …`.")
    for official in sorted(registri.pejabat, key=lambda p: p.principal):
        lines.append(f"{official.principal}  {official.nama} — {official.jabatan}")
        for role in official.peran:
            note = f" {role.keterangan}" if role.keterangan else ""
            lines.append(f"  peran {role.peran} ({pejabat.ROLES[role.peran].nama}){note}: "
                         f"{pejabat.span_text(role.dari, role.sampai)}")
        for key in official.kunci:
            end = key.berlaku_sampai.isoformat() if key.berlaku_sampai else "seterusnya"
            lines.append(f"  kunci {sshsig.fingerprint(key.publik)}: {key.berlaku_dari.isoformat()} s.d. {end}")
        for fingerprint in official.sertifikat_tte:
            lines.append(f"  sertifikat TTE sha256 {fingerprint}")
    steps = " → ".join(f"{s.nomor}. {s.nama} ({s.peran})" for s in kebijakan.langkah)
    lines.append(f"Kebijakan sah: {len(kebijakan.langkah)} langkah: {steps}.")
    return "\n".join(lines)
