"""OpenSSH signatures (SSHSIG) through the real `ssh-keygen`: sign, verify, and the keys inside them.

Signing and verifying always run `ssh-keygen -Y …` (the same program anyone can use to check a file by
hand); only the small, fixed binary formats (public key lines, the SSHSIG armor, the header of an OpenSSH
private key file) are read in Python. Messages go through stdin and signatures come back on stdout, so
ssh-keygen never writes (or silently keeps) a `FILE.sig` of its own.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import shutil
import struct
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from agregat.core.errors import BadSignature, SignatureError
from agregat.core.periode import WITA

NAMESPACE_PERNYATAAN = "buku-agregat-pengesahan@dukcapil"   # statements
NAMESPACE_REGISTRI = "buku-agregat-registri@dukcapil"       # pejabat.yml and policy.yml, root key only
NAMESPACE_ROTASI = "buku-agregat-rotasi-akar@dukcapil"      # approvals/akar/NNNN.yml, the previous root key only

SSH_KEYGEN = "ssh-keygen"
KEY_TYPE = "ssh-ed25519"
_ARMOR_BEGIN = "-----BEGIN SSH SIGNATURE-----"
_ARMOR_END = "-----END SSH SIGNATURE-----"
_PRIVATE_BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----"
_PRIVATE_END = "-----END OPENSSH PRIVATE KEY-----"
_TIMEOUT = 300   # seconds: a person may be typing a passphrase


# ---- binary helpers ---------------------------------------------------------------------------------

class _Reader:
    """Reads the SSH wire format (RFC 4251): uint32 and length-prefixed strings."""

    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def uint32(self) -> int:
        if self.pos + 4 > len(self.data):
            raise ValueError("terpotong")
        (value,) = struct.unpack_from(">I", self.data, self.pos)
        self.pos += 4
        return value

    def string(self) -> bytes:
        size = self.uint32()
        if self.pos + size > len(self.data):
            raise ValueError("terpotong")
        value = self.data[self.pos:self.pos + size]
        self.pos += size
        return value

    def done(self) -> bool:
        return self.pos == len(self.data)


def _ed25519_blob_ok(blob: bytes) -> bool:
    try:
        reader = _Reader(blob)
        return reader.string() == KEY_TYPE.encode() and len(reader.string()) == 32 and reader.done()
    except ValueError:
        return False


def _key_type(blob: bytes) -> str:
    try:
        return _Reader(blob).string().decode("ascii", "replace")
    except ValueError:
        return "?"


def _b64decode(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def parse_public_key(line: str) -> bytes:
    """The key blob of an "ssh-ed25519 AAAA… [comment]" line; ValueError (Indonesian) when it is not one."""
    parts = line.strip().split()
    if len(parts) < 2:
        raise ValueError("bukan baris kunci publik OpenSSH (\"ssh-ed25519 AAAA…\")")
    try:
        blob = _b64decode(parts[1])
    except (binascii.Error, UnicodeEncodeError):
        raise ValueError("bagian base64 kunci publik rusak") from None
    if parts[0] != KEY_TYPE or _key_type(blob) != parts[0]:
        shown = parts[0] if parts[0] == _key_type(blob) else f"{parts[0]}/{_key_type(blob)}"
        raise ValueError(f"kunci bertipe {shown}; hanya Ed25519 (ssh-ed25519) yang diterima")
    if not _ed25519_blob_ok(blob):
        raise ValueError("kunci Ed25519 rusak (panjangnya salah)")
    return blob


def normalize_public_key(line: str) -> str:
    """"ssh-ed25519 AAAA…" without comment; ValueError when the line is not an Ed25519 public key."""
    return f"{KEY_TYPE} {base64.b64encode(parse_public_key(line)).decode('ascii')}"


def fingerprint(public_key_line: str) -> str:
    """"SHA256:…" of a public key, exactly as `ssh-keygen -lf` prints it."""
    try:
        blob = parse_public_key(public_key_line)
    except ValueError as exc:
        raise SignatureError(f"Sidik jari tidak dapat dihitung: {exc}.") from None
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii").rstrip("=")
    return f"SHA256:{digest}"


def read_public_key(path) -> str:
    """The "ssh-ed25519 AAAA…" line (without comment) of a `.pub` file; SignatureError otherwise."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SignatureError(f"Berkas kunci publik {path} tidak ditemukan. Periksa jalurnya "
                             "(biasanya berakhiran .pub).") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SignatureError(f"Berkas kunci publik {path} tidak dapat dibaca ({type(exc).__name__}).") from None
    if _PRIVATE_BEGIN in text or "PRIVATE KEY-----" in text:
        raise SignatureError(f"Berkas {path} adalah kunci privat. Berikan kunci publiknya (berkas .pub); "
                             "kunci privat jangan pernah dibagikan.")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if len(lines) != 1:
        raise SignatureError(f"Berkas {path} harus berisi tepat satu kunci publik OpenSSH.")
    try:
        return normalize_public_key(lines[0])
    except ValueError as exc:
        raise SignatureError(f"Berkas {path}: {exc}. Buat kunci dengan 'ssh-keygen -t ed25519'.") from None


# ---- the SSHSIG armor ---------------------------------------------------------------------------------

def _signature_fields(signature: bytes) -> tuple[bytes, str]:
    """(public key blob, namespace) of an armored SSHSIG signature; BadSignature when malformed."""
    if b"\r" in signature:
        raise BadSignature("Tanda tangan berisi akhir baris CRLF (\\r). Berkas .sig harus tepat seperti "
                           "ditulis ssh-keygen (LF); periksa .gitattributes (approvals/** -text).")
    try:
        text = signature.decode("ascii")
    except UnicodeDecodeError:
        raise BadSignature("Tanda tangan bukan teks ASCII; berkas .sig rusak.") from None
    lines = text.strip("\n").split("\n")
    if len(lines) < 3 or lines[0] != _ARMOR_BEGIN or lines[-1] != _ARMOR_END:
        raise BadSignature("Berkas tanda tangan bukan tanda tangan SSH (SSHSIG) berlapis armor.")
    try:
        reader = _Reader(_b64decode("".join(lines[1:-1])))
        if reader.data[:6] != b"SSHSIG":
            raise ValueError("magic")
        reader.pos = 6
        if reader.uint32() != 1:
            raise ValueError("versi")
        blob = reader.string()
        namespace = reader.string().decode("utf-8")
        reader.string()   # reserved
        reader.string()   # hash algorithm
        reader.string()   # the signature itself
        if not reader.done():
            raise ValueError("sisa")
    except (ValueError, binascii.Error, UnicodeError):
        raise BadSignature("Tanda tangan SSHSIG rusak (isi armor tidak dapat dibaca).") from None
    return blob, namespace


def public_key_of(signature: bytes) -> str:
    """The "ssh-ed25519 AAAA…" key inside an armored SSHSIG signature (BadSignature if not Ed25519)."""
    blob, _ = _signature_fields(signature)
    if not _ed25519_blob_ok(blob):
        raise BadSignature(f"Tanda tangan dibuat dengan kunci {_key_type(blob)}; hanya Ed25519 yang diterima.")
    return f"{KEY_TYPE} {base64.b64encode(blob).decode('ascii')}"


def namespace_of(signature: bytes) -> str:
    """The namespace written inside an armored SSHSIG signature."""
    return _signature_fields(signature)[1]


# ---- ssh-keygen ---------------------------------------------------------------------------------------

def _ssh_keygen() -> str:
    found = shutil.which(SSH_KEYGEN)
    if not found:
        raise SignatureError("Program ssh-keygen (OpenSSH) tidak ditemukan. Pasang OpenSSH client "
                             "(mis. 'apt install openssh-client') lalu jalankan lagi.")
    return found


def _key_file_public(path: Path) -> str | None:
    """The public key that goes with a key file: itself (a .pub), KEY.pub beside it, or the public part an
    OpenSSH private key file carries unencrypted. None when it cannot be told without the passphrase."""
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None
    if _PRIVATE_BEGIN in text:
        body = text.split(_PRIVATE_BEGIN, 1)[1].split(_PRIVATE_END, 1)[0]
        try:
            data = _b64decode("".join(body.split()))
            if not data.startswith(b"openssh-key-v1\0"):
                return None
            reader = _Reader(data)
            reader.pos = len(b"openssh-key-v1\0")
            reader.string(), reader.string(), reader.string()   # cipher, kdf, kdf options
            if reader.uint32() < 1:
                return None
            blob = reader.string()
        except (ValueError, binascii.Error):
            return None
        return f"{_key_type(blob)} {base64.b64encode(blob).decode('ascii')}"
    if "PRIVATE KEY-----" in text:   # PEM (RSA/ECDSA/DSA): never Ed25519 in this form
        return "pem -"
    first = text.strip().split("\n")[0].split()
    if len(first) >= 2 and first[0].startswith(("ssh-", "ecdsa-", "sk-")):
        return f"{first[0]} {first[1]}"
    sibling = path.with_name(path.name + ".pub")
    return _key_file_public(sibling) if sibling.is_file() else None


def sign(message: bytes, key: Path, namespace: str) -> bytes:
    """Sign `message` with `ssh-keygen -Y sign` and return the armored signature.

    `key` is a private key file (a passphrase is asked on the terminal or through SSH_ASKPASS) or a `.pub`
    whose private half is in ssh-agent."""
    key = Path(key)
    if not key.is_file():
        raise SignatureError(f"Berkas kunci {key} tidak ditemukan. Berikan jalur kunci privat Anda "
                             "(mis. ~/.ssh/id_ed25519) atau berkas .pub yang kuncinya ada di ssh-agent.")
    expected = _key_file_public(key)
    if expected is not None and not expected.startswith(KEY_TYPE + " "):
        raise SignatureError(f"Kunci {key} bukan Ed25519 ({expected.split()[0]}). Buat kunci dengan "
                             "'ssh-keygen -t ed25519' dan daftarkan kunci publiknya.")
    command = [_ssh_keygen(), "-q", "-Y", "sign", "-n", namespace, "-f", str(key)]
    try:
        done = subprocess.run(command, input=message, capture_output=True, timeout=_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise SignatureError(f"ssh-keygen tidak selesai dalam {_TIMEOUT} detik (menunggu frasa sandi?). "
                             "Jalankan lagi di terminal.") from None
    if done.returncode != 0 or not done.stdout.startswith(_ARMOR_BEGIN.encode()):
        raise SignatureError(_sign_failure(key, done.stderr.decode("utf-8", "replace")))
    signature = done.stdout
    try:
        signer = public_key_of(signature)
    except BadSignature as exc:
        raise SignatureError(f"Kunci {key} tidak dapat dipakai: {exc}") from None
    if expected is not None and expected.split()[:2] != signer.split():
        raise SignatureError(f"ssh-keygen menandatangani dengan kunci lain ({fingerprint(signer)}) daripada "
                             f"kunci {key}. Periksa berkas kunci dan isi ssh-agent.")
    return signature


def _sign_failure(key: Path, stderr: str) -> str:
    if "incorrect passphrase" in stderr:
        if not _has_terminal() and not os.environ.get("SSH_ASKPASS"):
            return (f"Kunci {key} dilindungi frasa sandi, tetapi tidak ada terminal untuk menanyakannya. "
                    "Tambahkan kunci ke ssh-agent ('ssh-add') atau jalankan perintah ini di terminal.")
        return f"Frasa sandi kunci {key} salah. Jalankan lagi dan ketik frasa sandi yang benar."
    if "UNPROTECTED PRIVATE KEY FILE" in stderr or "bad permissions" in stderr:
        return (f"Izin berkas kunci {key} terlalu terbuka, jadi ssh-keygen menolak memakainya. Jalankan "
                f"'chmod 600 {key}' lalu ulangi.")
    if "No private key found" in stderr or ("agent" in stderr and key.suffix == ".pub"):
        return (f"Kunci privat untuk {key} tidak ada di ssh-agent. Jalankan 'ssh-add' untuk kunci itu, "
                "atau berikan berkas kunci privatnya.")
    if "invalid format" in stderr or "No such file" in stderr or "Couldn't load" in stderr:
        return (f"Berkas {key} tidak dapat dipakai untuk menandatangani (bukan kunci privat OpenSSH, atau "
                "berkas .pub yang kuncinya tidak ada di ssh-agent).")
    reason = " ".join(stderr.split())[:200] or "tanpa keterangan"
    return f"ssh-keygen gagal menandatangani dengan kunci {key} ({reason})."


def _has_terminal() -> bool:
    try:
        os.close(os.open("/dev/tty", os.O_RDWR))
        return True
    except OSError:
        return False


def ssh_time(at: datetime) -> str:
    """A timezone-aware time as ssh-keygen's UTC form, e.g. "20231231160000Z"."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("waktu harus memiliki zona waktu")
    return at.astimezone(UTC).strftime("%Y%m%d%H%M%SZ")


def verify(message: bytes, signature: bytes, allowed_signers: bytes, principal: str, namespace: str,
           at: datetime) -> None:
    """Check `signature` over `message` with `ssh-keygen -Y verify` at time `at`; BadSignature with the reason."""
    if b"\r" in message:
        raise BadSignature("Berkas yang ditandatangani berisi akhir baris CRLF (\\r); ssh-keygen dan Git "
                           "harus melihat byte yang sama. Pulihkan berkas aslinya (approvals/** -text).")
    signer, signed_namespace = _signature_fields(signature)
    if signed_namespace != namespace:
        raise BadSignature(f"Tanda tangan dibuat untuk namespace \"{signed_namespace}\", bukan "
                           f"\"{namespace}\"; tanda tangan ini tidak berlaku di sini.")
    when = ssh_time(at)
    with tempfile.TemporaryDirectory(prefix="sshsig.") as folder:
        signers_path, sig_path = Path(folder) / "allowed_signers", Path(folder) / "pesan.sig"
        signers_path.write_bytes(allowed_signers)
        sig_path.write_bytes(signature)
        command = [_ssh_keygen(), "-Y", "verify", "-f", str(signers_path), "-I", principal, "-n", namespace,
                   "-s", str(sig_path), "-O", f"verify-time={when}"]
        try:
            done = subprocess.run(command, input=message, capture_output=True, timeout=60, check=False)
        except subprocess.TimeoutExpired:
            raise BadSignature("ssh-keygen tidak selesai memeriksa tanda tangan dalam 60 detik.") from None
    if done.returncode == 0 and done.stdout.startswith(b"Good "):
        return
    stderr = done.stderr.decode("utf-8", "replace")
    shown = at.astimezone(WITA).strftime("%Y-%m-%d %H:%M:%S WITA")
    key_fp = fingerprint(f"{_key_type(signer)} {base64.b64encode(signer).decode()}") \
        if _ed25519_blob_ok(signer) else _key_type(signer)
    if "not yet valid" in stderr:
        reason = f"kunci {key_fp} belum berlaku untuk {principal} pada {shown}"
    elif "has expired" in stderr:
        reason = f"kunci {key_fp} sudah tidak berlaku untuk {principal} pada {shown}"
    elif "incorrect signature" in stderr:
        reason = "isi berkas tidak cocok dengan tanda tangannya (berkas diubah setelah ditandatangani?)"
    elif "namespace" in stderr:
        reason = f"namespace tanda tangan bukan \"{namespace}\""
    elif re.search(r"parse|armor|header", stderr):
        reason = "berkas tanda tangan rusak"
    else:
        reason = f"kunci {key_fp} tidak terdaftar untuk {principal} di allowed_signers"
    raise BadSignature(f"Tanda tangan tidak sah: {reason}.")
