"""SSHSIG signatures through the real ssh-keygen: keys on disk, passphrases, ssh-agent, validity times."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agregat.pengesahan import sshsig
from agregat.core.errors import EXIT_BAD_SIGNATURE, EXIT_USAGE, BadSignature, SignatureError
from agregat.core.periode import WITA
from agregat.pengesahan.sshsig import NAMESPACE_PERNYATAAN, NAMESPACE_REGISTRI

MESSAGE = b"periode: \"2025-S1\"\nlangkah: \"koreksi\"\nkeputusan: \"setuju\"\n"
NOW = datetime(2025, 7, 10, 9, 15, tzinfo=WITA)


def signers_line(key: Path, principal: str = "nip-197001011990031001", options: str = "") -> bytes:
    namespaces = f'namespaces="{NAMESPACE_PERNYATAAN}"'
    return f"{principal} {namespaces}{',' + options if options else ''} {sshsig.read_public_key(f'{key}.pub')}\n".encode()


def stock_verify(signers: Path, principal: str, namespace: str, sig: Path, message: bytes) -> subprocess.CompletedProcess:
    return subprocess.run(["ssh-keygen", "-Y", "verify", "-f", str(signers), "-I", principal, "-n", namespace,
                           "-s", str(sig)], input=message, capture_output=True, check=False)


def test_sign_then_verify_round_trip_and_stock_ssh_keygen_agrees(ssh_key, tmp_path):
    key = ssh_key("kabid")
    before = sorted(p.name for p in key.parent.iterdir())
    signature = sshsig.sign(MESSAGE, key, NAMESPACE_PERNYATAAN)
    assert signature.startswith(b"-----BEGIN SSH SIGNATURE-----\n") and signature.endswith(b"-----END SSH SIGNATURE-----\n")
    assert sorted(p.name for p in key.parent.iterdir()) == before          # ssh-keygen wrote no FILE.sig
    assert sshsig.public_key_of(signature) == sshsig.read_public_key(f"{key}.pub")
    assert sshsig.namespace_of(signature) == NAMESPACE_PERNYATAAN
    sshsig.verify(MESSAGE, signature, signers_line(key), "nip-197001011990031001", NAMESPACE_PERNYATAAN, NOW)

    (tmp_path / "allowed_signers").write_bytes(signers_line(key))
    (tmp_path / "m.sig").write_bytes(signature)
    done = stock_verify(tmp_path / "allowed_signers", "nip-197001011990031001", NAMESPACE_PERNYATAAN,
                        tmp_path / "m.sig", MESSAGE)
    assert done.returncode == 0, done.stderr


def test_ed25519_signatures_are_deterministic(ssh_key):
    key = ssh_key("admin")
    assert sshsig.sign(MESSAGE, key, NAMESPACE_PERNYATAAN) == sshsig.sign(MESSAGE, key, NAMESPACE_PERNYATAAN)


def test_fingerprint_equals_ssh_keygen_lf(ssh_key):
    for name in ("a", "b", "c"):
        key = ssh_key(name)
        listed = subprocess.run(["ssh-keygen", "-lf", f"{key}.pub"], capture_output=True, text=True, check=True)
        assert sshsig.fingerprint(Path(f"{key}.pub").read_text()) == listed.stdout.split()[1]
        assert sshsig.fingerprint(sshsig.read_public_key(f"{key}.pub")) == listed.stdout.split()[1]


def test_a_changed_message_or_an_unknown_principal_fails(ssh_key):
    key = ssh_key("kasi")
    signature = sshsig.sign(MESSAGE, key, NAMESPACE_PERNYATAAN)
    with pytest.raises(BadSignature, match="isi berkas tidak cocok dengan tanda tangannya") as info:
        sshsig.verify(MESSAGE.replace(b"setuju", b"tolak"), signature, signers_line(key),
                      "nip-197001011990031001", NAMESPACE_PERNYATAAN, NOW)
    assert info.value.exit_code == EXIT_BAD_SIGNATURE == 21
    with pytest.raises(BadSignature, match="tidak terdaftar untuk nip-199001012020121001 di allowed_signers"):
        sshsig.verify(MESSAGE, signature, signers_line(key), "nip-199001012020121001", NAMESPACE_PERNYATAAN, NOW)
    other = ssh_key("orang-lain")
    with pytest.raises(BadSignature, match="tidak terdaftar"):
        sshsig.verify(MESSAGE, signature, signers_line(other), "nip-197001011990031001", NAMESPACE_PERNYATAAN, NOW)


def test_verify_time_outside_the_validity_fails_at_both_ends(ssh_key):
    key = ssh_key("sekretaris")
    signature = sshsig.sign(MESSAGE, key, NAMESPACE_PERNYATAAN)
    # valid 2025-01-01 00:00 WITA .. 2025-06-30 23:59:59 WITA
    line = signers_line(key, options='valid-after="20241231160000Z",valid-before="20250630155959Z"')
    first, last = datetime(2025, 1, 1, 0, 0, tzinfo=WITA), datetime(2025, 6, 30, 23, 59, 59, tzinfo=WITA)
    sshsig.verify(MESSAGE, signature, line, "nip-197001011990031001", NAMESPACE_PERNYATAAN, first)
    sshsig.verify(MESSAGE, signature, line, "nip-197001011990031001", NAMESPACE_PERNYATAAN, last)
    with pytest.raises(BadSignature, match=r"belum berlaku untuk nip-197001011990031001 pada 2024-12-31 23:59:59 WITA"):
        sshsig.verify(MESSAGE, signature, line, "nip-197001011990031001", NAMESPACE_PERNYATAAN,
                      first - timedelta(seconds=1))
    with pytest.raises(BadSignature, match=r"sudah tidak berlaku untuk nip-197001011990031001 pada 2025-07-01 00:00:00"):
        sshsig.verify(MESSAGE, signature, line, "nip-197001011990031001", NAMESPACE_PERNYATAAN,
                      last + timedelta(seconds=1))
    with pytest.raises(ValueError):
        sshsig.verify(MESSAGE, signature, line, "nip-197001011990031001", NAMESPACE_PERNYATAAN, datetime(2025, 2, 1))


def test_wrong_namespace_fails(ssh_key):
    key = ssh_key("kadis")
    signature = sshsig.sign(MESSAGE, key, NAMESPACE_REGISTRI)
    with pytest.raises(BadSignature, match='namespace "buku-agregat-registri@dukcapil", bukan '
                                           '"buku-agregat-pengesahan@dukcapil"'):
        sshsig.verify(MESSAGE, signature, signers_line(key), "nip-197001011990031001", NAMESPACE_PERNYATAAN, NOW)


def test_crlf_in_signature_or_message_is_refused(ssh_key):
    key = ssh_key("admin")
    signature = sshsig.sign(MESSAGE, key, NAMESPACE_PERNYATAAN)
    with pytest.raises(BadSignature, match="CRLF"):
        sshsig.verify(MESSAGE, signature.replace(b"\n", b"\r\n"), signers_line(key), "nip-197001011990031001",
                      NAMESPACE_PERNYATAAN, NOW)
    with pytest.raises(BadSignature, match="CRLF"):
        sshsig.verify(MESSAGE.replace(b"\n", b"\r\n"), signature, signers_line(key), "nip-197001011990031001",
                      NAMESPACE_PERNYATAAN, NOW)
    with pytest.raises(BadSignature, match="CRLF"):
        sshsig.public_key_of(signature.replace(b"\n", b"\r\n"))


def test_malformed_signatures_are_refused_in_indonesian():
    with pytest.raises(BadSignature, match="bukan tanda tangan SSH"):
        sshsig.public_key_of(b"bukan tanda tangan\n")
    with pytest.raises(BadSignature, match="rusak"):
        sshsig.public_key_of(b"-----BEGIN SSH SIGNATURE-----\nQUJD\n-----END SSH SIGNATURE-----\n")


def askpass(tmp_path: Path, answer: str) -> Path:
    script = tmp_path / f"askpass-{answer}.sh"
    script.write_text(f"#!/bin/sh\necho '{answer}'\n")
    script.chmod(0o700)
    return script


def test_passphrase_through_ssh_askpass(ssh_key, tmp_path, monkeypatch):
    key = ssh_key("kabid-rahasia", passphrase="kata sandi rahasia")
    monkeypatch.setenv("SSH_ASKPASS_REQUIRE", "force")
    monkeypatch.setenv("SSH_ASKPASS", str(askpass(tmp_path, "kata sandi rahasia")))
    signature = sshsig.sign(MESSAGE, key, NAMESPACE_PERNYATAAN)
    sshsig.verify(MESSAGE, signature, signers_line(key), "nip-197001011990031001", NAMESPACE_PERNYATAAN, NOW)

    monkeypatch.setenv("SSH_ASKPASS", str(askpass(tmp_path, "salah")))
    with pytest.raises(SignatureError, match=re.escape(f"Frasa sandi kunci {key} salah")) as info:
        sshsig.sign(MESSAGE, key, NAMESPACE_PERNYATAAN)
    assert info.value.exit_code == EXIT_USAGE


@pytest.fixture
def agent(monkeypatch):
    """A real ssh-agent on a short socket path (sun_path is limited to 108 bytes), killed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="agen.", dir="/tmp"))
    socket = folder / "s"
    process = subprocess.Popen(["ssh-agent", "-D", "-a", str(socket)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if socket.exists():
                break
            time.sleep(0.05)
        assert socket.exists(), "ssh-agent did not start"
        monkeypatch.setenv("SSH_AUTH_SOCK", str(socket))
        yield socket
    finally:
        process.kill()
        process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def test_a_public_key_whose_private_half_is_in_ssh_agent_signs(ssh_key, agent, tmp_path):
    key = ssh_key("kadis-agen")
    subprocess.run(["ssh-add", "-q", str(key)], check=True, capture_output=True, env=os.environ | {"SSH_AUTH_SOCK": str(agent)})
    pub = tmp_path / "kadis.pub"
    shutil.copy(f"{key}.pub", pub)
    key.unlink()                       # only the agent holds the private key now
    signature = sshsig.sign(MESSAGE, pub, NAMESPACE_PERNYATAAN)
    assert sshsig.public_key_of(signature) == sshsig.read_public_key(pub)
    sshsig.verify(MESSAGE, signature, signers_line(Path(str(pub)[:-4])), "nip-197001011990031001",
                  NAMESPACE_PERNYATAAN, NOW)

    stranger = ssh_key("tidak-di-agen")
    lonely = tmp_path / "sendiri.pub"
    shutil.copy(f"{stranger}.pub", lonely)
    with pytest.raises(SignatureError, match=re.escape(f"Kunci privat untuk {lonely} tidak ada di ssh-agent")):
        sshsig.sign(MESSAGE, lonely, NAMESPACE_PERNYATAAN)


def test_missing_key_files_and_other_key_types_are_refused(ssh_key, tmp_path):
    with pytest.raises(SignatureError, match=re.escape(f"Berkas kunci {tmp_path / 'tidak-ada'} tidak ditemukan")):
        sshsig.sign(MESSAGE, tmp_path / "tidak-ada", NAMESPACE_PERNYATAAN)
    with pytest.raises(SignatureError, match="tidak ditemukan"):
        sshsig.read_public_key(tmp_path / "tidak-ada.pub")
    rsa = ssh_key("lama", kind="rsa")
    with pytest.raises(SignatureError, match="bukan Ed25519 \\(ssh-rsa\\)"):
        sshsig.sign(MESSAGE, rsa, NAMESPACE_PERNYATAAN)
    with pytest.raises(SignatureError, match="kunci bertipe ssh-rsa; hanya Ed25519"):
        sshsig.read_public_key(f"{rsa}.pub")
    ed = ssh_key("baru")
    with pytest.raises(SignatureError, match="adalah kunci privat"):
        sshsig.read_public_key(ed)
    garbage = tmp_path / "sampah.pub"
    garbage.write_text("ssh-ed25519 bukan-base64!!\n")
    with pytest.raises(SignatureError, match="base64"):
        sshsig.read_public_key(garbage)


def test_a_private_key_readable_by_others_is_refused_with_the_fix(ssh_key):
    key = ssh_key("terbuka")
    key.chmod(0o644)
    with pytest.raises(SignatureError, match=re.escape(f"Izin berkas kunci {key} terlalu terbuka")) as info:
        sshsig.sign(MESSAGE, key, NAMESPACE_PERNYATAAN)
    assert f"'chmod 600 {key}'" in str(info.value)


def test_read_public_key_drops_the_comment(ssh_key):
    key = ssh_key("dengan-komentar")
    line = Path(f"{key}.pub").read_text()
    assert line.rstrip().endswith("dengan-komentar@tes")
    assert sshsig.read_public_key(f"{key}.pub") == " ".join(line.split()[:2])


def test_ssh_time_is_utc_with_z():
    assert sshsig.ssh_time(datetime(2024, 1, 1, 0, 0, tzinfo=WITA)) == "20231231160000Z"
    assert sshsig.ssh_time(datetime(2024, 1, 1, 0, 0, 0, 999999, tzinfo=UTC)) == "20240101000000Z"
