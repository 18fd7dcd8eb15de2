"""The officials registry (approvals/pejabat.yml) and the approval policy (approvals/policy.yml).

Both files are signed by the root key whose fingerprint is pinned in kabupaten.yml; nothing in them is
trusted before that signature is checked (`load_trusted`). Everything here works on bytes, so the verifier
can feed git blobs and the command line the working tree. Dates in the files are WITA calendar days and
both ends are inclusive: a role or key with `sampai: "2025-06-30"` is valid until 23:59:59 WITA that day.
`allowed_signers` turns the registry into the file stock `ssh-keygen -Y verify` reads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time

from agregat.pengesahan import sshsig
from agregat.core import yamlketat
from agregat.core.errors import BadSignature, RegistryError, SignatureError, UsageError, YamlError
from agregat.core.periode import WITA
from agregat.pengesahan.sshsig import NAMESPACE_PERNYATAAN, NAMESPACE_REGISTRI

from agregat.core.peran import ROLES

REGISTRI_FILE = "approvals/pejabat.yml"
KEBIJAKAN_FILE = "approvals/policy.yml"
SIGNERS_FILE = "approvals/allowed_signers"
SIG_SUFFIX = ".sig"
ROOT_PRINCIPAL = "akar"


VERSION = 1
#: The head of the dinas: signs the surat pengantar and, electronically, the final PDF (TTE, `python build.py tte`).
KEPALA_DINAS = "kadis"
TTE_ROLE = KEPALA_DINAS
MAX_PROBLEMS = 12

REGISTRI_HEADER = ("# Daftar pejabat penanda tangan. Dibuat oleh `python build.py officials`; "
                   "jangan disunting tangan.\n")
KEBIJAKAN_HEADER = ("# Kebijakan pengesahan: langkah SOP, peran, keputusan dan standar waktu. "
                    "Ditandatangani kunci akar; jangan disunting tangan.\n")
SIGNERS_HEADER = ("# allowed_signers untuk 'ssh-keygen -Y verify'. Dibuat oleh `python build.py officials` "
                  "dari approvals/pejabat.yml; jangan disunting tangan.\n")


def wita_day(when: datetime) -> date:
    """The WITA calendar day of a timezone-aware moment."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("waktu harus memiliki zona waktu")
    return when.astimezone(WITA).date()


def _within(day: date, start: date, end: date | None) -> bool:
    return start <= day and (end is None or day <= end)


def _same_key(a: str, b: str) -> bool:
    return a.split()[:2] == b.split()[:2]


# ---- the registry -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Peran:
    """One role an official holds (or held) from `dari` to `sampai` (inclusive; None = still holds it)."""

    peran: str
    dari: date
    sampai: date | None = None
    keterangan: str = ""   # e.g. "Plt." / "Plh."


@dataclass(frozen=True)
class Kunci:
    """One Ed25519 public key of an official, valid from `berlaku_dari` to `berlaku_sampai` (inclusive)."""

    publik: str
    berlaku_dari: date
    berlaku_sampai: date | None = None


@dataclass(frozen=True)
class Pejabat:
    principal: str
    nama: str
    nip: str
    jabatan: str
    peran: tuple[Peran, ...] = ()
    kunci: tuple[Kunci, ...] = ()
    #: SHA-256 fingerprints (64 lower-case hex digits, over the DER bytes) of the official's X.509 TTE
    #: certificates; optional in the file (`sertifikat_tte`), written only when there is one.
    sertifikat_tte: tuple[str, ...] = ()

    def holds(self, peran: str, when: datetime) -> Peran | None:
        """The role entry giving this official `peran` at `when`, or None."""
        day = wita_day(when)
        return next((p for p in self.peran if p.peran == peran and _within(day, p.dari, p.sampai)), None)

    def key_valid(self, publik: str, when: datetime) -> Kunci | None:
        """The key entry for `publik` if it is valid at `when`, or None."""
        day = wita_day(when)
        return next((k for k in self.kunci if _same_key(k.publik, publik)
                     and _within(day, k.berlaku_dari, k.berlaku_sampai)), None)


@dataclass(frozen=True)
class Registri:
    akar: str
    pejabat: tuple[Pejabat, ...] = ()

    def find(self, principal: str) -> Pejabat | None:
        return next((p for p in self.pejabat if p.principal == principal), None)

    def holders(self, peran: str, when: datetime) -> list[Pejabat]:
        """Officials who may sign as `peran` at `when`: holding the role and with a key valid then."""
        day = wita_day(when)
        return [p for p in self.pejabat if p.holds(peran, when)
                and any(_within(day, k.berlaku_dari, k.berlaku_sampai) for k in p.kunci)]

    def tte_signer(self, fingerprint: str, when: datetime) -> Pejabat | None:
        """The official who held TTE_ROLE (Kepala Dinas, also Plt./Plh.) at `when` and for whom the TTE
        certificate with SHA-256 `fingerprint` is recorded, or None: the only one whose TTE is accepted."""
        return next((p for p in self.pejabat if fingerprint in p.sertifikat_tte and p.holds(TTE_ROLE, when)),
                    None)


# ---- the policy ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Langkah:
    nomor: int
    nama: str
    peran: str
    keputusan: tuple[str, ...]
    standar_menit: int | None
    judul: str


@dataclass(frozen=True)
class Kebijakan:
    langkah: tuple[Langkah, ...]
    boleh_rangkap: tuple[frozenset[str], ...] = field(default=())

    def step(self, nama: str) -> Langkah | None:
        return next((s for s in self.langkah if s.nama == nama), None)

    def next_after(self, nama: str | None) -> Langkah | None:
        """The step after `nama` (the first step for None); None after the last one."""
        if nama is None:
            return self.langkah[0] if self.langkah else None
        step = self.step(nama)
        if step is None:
            raise KeyError(nama)
        index = self.langkah.index(step)
        return self.langkah[index + 1] if index + 1 < len(self.langkah) else None

    def may_combine(self, a: str, b: str) -> bool:
        """Whether one person may sign both steps `a` and `b` of one revision."""
        return any(a in group and b in group for group in self.boleh_rangkap)


DEFAULT_POLICY = Kebijakan(
    langkah=(
        Langkah(1, "draf", "admin", ("diajukan",), None, "Draf buku agregat disusun"),
        Langkah(2, "analisa", "kasi", ("diteruskan",), None, "Analisa Kasi"),
        Langkah(3, "koreksi", "kabid", ("setuju", "tolak"), 20, "Koreksi dan persetujuan Kabid"),
        Langkah(4, "paraf-sekretaris", "sekretaris", ("paraf",), 10, "Paraf Sekretaris"),
        Langkah(5, "paraf-kadis", "kadis", ("paraf",), None, "Paraf dan arahan Kepala Dinas"),
        Langkah(6, "arahan", "kasi", ("diteruskan",), 10, "Arahan diteruskan Kasi"),
        Langkah(7, "final", "admin", ("final",), 20160, "Finalisasi, cetak dan penggandaan"),
        Langkah(8, "registrasi", "admin", ("terdaftar",), 1440, "Registrasi dan distribusi"),
    ),
    boleh_rangkap=(frozenset({"draf", "final", "registrasi"}), frozenset({"analisa", "arahan"})),
)
#: The steps and the decision the code gives a meaning of its own (each is in DEFAULT_POLICY).
ARAHAN_STEP = "paraf-kadis"        # carries the Kepala Dinas's arahan (`approve --direction`)
BEFORE_FINAL = "arahan"            # the final PDF is built once the revision is signed through this step
FINAL_STEP = "final"               # records the final PDF's sha256, paper and copies
REGISTRATION_STEP = "registrasi"   # records the registration number, date and recipients
TOLAK = "tolak"                    # the decision that closes a revision (the next starts again at step 1)


# ---- strict parsing -----------------------------------------------------------------------------------

class _Checks:
    """Collects every problem of one file, each naming its field, then raises one RegistryError."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[str] = []

    def add(self, where: str, text: str) -> None:
        self.problems.append(f"{where}: {text}")

    def mapping(self, value, where: str, keys: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict | None:
        if not isinstance(value, dict):
            self.add(where, "harus berupa pemetaan kunci: nilai")
            return None
        missing = [k for k in keys if k not in value]
        unknown = [str(k) for k in value if k not in keys + optional]
        if missing:
            self.add(where, f"kunci wajib tidak ada: {', '.join(missing)}")
        if unknown:
            self.add(where, f"kunci tidak dikenal: {', '.join(unknown)}")
        return None if missing else value

    def text(self, value, where: str, *, empty: bool = False, pattern: str | None = None) -> str:
        if not isinstance(value, str):
            self.add(where, "harus teks dalam tanda kutip")
            return ""
        if not empty and not value.strip():
            self.add(where, "tidak boleh kosong")
        elif value != value.strip() or "\n" in value:
            self.add(where, "tidak boleh diawali/diakhiri spasi atau berisi baris baru")
        elif pattern and value and not re.fullmatch(pattern, value):
            self.add(where, f"bentuknya salah ({value!r})")
        return value

    def day(self, value, where: str, *, empty: bool = False) -> date | None:
        text = self.text(value, where, empty=empty)
        if not text:
            return None
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
                raise ValueError
            return date.fromisoformat(text)
        except ValueError:
            self.add(where, f"harus tanggal TTTT-BB-HH ({text!r})")
            return None

    def public_key(self, value, where: str) -> str:
        text = self.text(value, where)
        try:
            return sshsig.normalize_public_key(text) if text else ""
        except ValueError as exc:
            self.add(where, str(exc))
            return ""

    def version(self, raw: dict) -> None:
        if raw.get("versi") != VERSION or isinstance(raw.get("versi"), bool):
            self.add("versi", f"harus {VERSION} (versi format yang dikenal alat ini)")

    def done(self) -> None:
        if self.problems:
            shown = self.problems[:MAX_PROBLEMS]
            more = len(self.problems) - len(shown)
            raise RegistryError(f"{self.source} belum benar: " + "; ".join(shown)
                                + (f"; dan {more} masalah lain" if more else "")
                                + ". Berkas ini dibuat oleh `python build.py officials`; pulihkan versi yang "
                                "ditandatangani dari git atau buat ulang dengan perintah itu.")


def _load(data: bytes, source: str) -> dict:
    try:
        return yamlketat.load(data, source)
    except YamlError as exc:
        raise RegistryError(str(exc)) from None


def _span(checks: _Checks, start: date | None, end: date | None, where: str) -> None:
    if start and end and end < start:
        checks.add(where, "tanggal akhir sebelum tanggal mulai")


def parse_registri(data: bytes, source: str) -> Registri:
    """The registry in `data`, every field checked; RegistryError listing every problem otherwise."""
    raw = _load(data, source)
    checks = _Checks(source)
    checks.mapping(raw, "(berkas)", ("versi", "akar", "pejabat"))
    checks.version(raw)
    akar = checks.public_key(raw.get("akar"), "akar")
    entries = raw.get("pejabat")
    if not isinstance(entries, list):
        checks.add("pejabat", "harus berupa daftar (boleh kosong: [])")
        entries = []
    officials, key_owner, cert_owner = [], {}, {}
    for i, entry in enumerate(entries, 1):
        at = f"pejabat[{i}]"
        entry = checks.mapping(entry, at, ("principal", "nama", "nip", "jabatan", "peran", "kunci"),
                               optional=("sertifikat_tte",))
        if entry is None:
            continue
        nip = checks.text(entry["nip"], f"{at}.nip", pattern=r"[0-9]{18}")
        principal = checks.text(entry["principal"], f"{at}.principal")
        if nip and principal != f"nip-{nip}":
            checks.add(f"{at}.principal", f"harus \"nip-{nip}\" (dari NIP)")
        if any(p.principal == principal for p in officials):
            checks.add(f"{at}.principal", f"{principal} sudah tercatat di atas; satu NIP satu entri")
        roles = []
        for j, role in enumerate(_list(checks, entry["peran"], f"{at}.peran"), 1):
            where = f"{at}.peran[{j}]"
            role = checks.mapping(role, where, ("peran", "dari", "sampai", "keterangan"))
            if role is None:
                continue
            name = checks.text(role["peran"], f"{where}.peran")
            if name and name not in ROLES:
                checks.add(f"{where}.peran", f"{name!r} bukan peran yang dikenal ({', '.join(ROLES)})")
            start = checks.day(role["dari"], f"{where}.dari")
            end = checks.day(role["sampai"], f"{where}.sampai", empty=True)
            _span(checks, start, end, where)
            roles.append(Peran(name, start, end, checks.text(role["keterangan"], f"{where}.keterangan", empty=True)))
        keys = []
        for j, key in enumerate(_list(checks, entry["kunci"], f"{at}.kunci"), 1):
            where = f"{at}.kunci[{j}]"
            key = checks.mapping(key, where, ("publik", "berlaku_dari", "berlaku_sampai"))
            if key is None:
                continue
            publik = checks.public_key(key["publik"], f"{where}.publik")
            if publik and key_owner.setdefault(publik, principal) != principal:
                checks.add(f"{where}.publik", f"kunci ini sudah milik {key_owner[publik]}; satu kunci satu orang")
            if publik and any(_same_key(k.publik, publik) for k in keys):
                checks.add(f"{where}.publik", "kunci yang sama tercatat dua kali")
            start = checks.day(key["berlaku_dari"], f"{where}.berlaku_dari")
            end = checks.day(key["berlaku_sampai"], f"{where}.berlaku_sampai", empty=True)
            _span(checks, start, end, where)
            keys.append(Kunci(publik, start, end))
        certificates = []
        for j, fingerprint in enumerate(_list(checks, entry["sertifikat_tte"], f"{at}.sertifikat_tte")
                                        if "sertifikat_tte" in entry else (), 1):
            where = f"{at}.sertifikat_tte[{j}]"
            fingerprint = checks.text(fingerprint, where, pattern=CERT_FINGERPRINT)
            if fingerprint in certificates:
                checks.add(where, "sertifikat yang sama tercatat dua kali")
            elif fingerprint and cert_owner.setdefault(fingerprint, principal) != principal:
                checks.add(where, f"sertifikat ini sudah milik {cert_owner[fingerprint]}; satu sertifikat satu orang")
            certificates.append(fingerprint)
        officials.append(Pejabat(principal, checks.text(entry["nama"], f"{at}.nama"), nip,
                                 checks.text(entry["jabatan"], f"{at}.jabatan"), tuple(roles), tuple(keys),
                                 tuple(certificates)))
    checks.done()
    return Registri(akar, tuple(officials))


#: How a TTE certificate is recorded: the SHA-256 of its DER bytes, lower-case hex.
CERT_FINGERPRINT = r"[0-9a-f]{64}"


def _list(checks: _Checks, value, where: str) -> list:
    if not isinstance(value, list) or not value:
        checks.add(where, "harus daftar yang berisi sedikitnya satu entri")
        return []
    return value


def parse_kebijakan(data: bytes, source: str) -> Kebijakan:
    """The policy in `data`, every field checked; RegistryError listing every problem otherwise."""
    raw = _load(data, source)
    checks = _Checks(source)
    checks.mapping(raw, "(berkas)", ("versi", "langkah", "boleh_rangkap"))
    checks.version(raw)
    steps: list[Langkah] = []
    for i, entry in enumerate(_list(checks, raw.get("langkah"), "langkah"), 1):
        at = f"langkah[{i}]"
        entry = checks.mapping(entry, at, ("nomor", "nama", "peran", "keputusan", "standar_menit", "judul"))
        if entry is None:
            continue
        if entry["nomor"] != i or isinstance(entry["nomor"], bool):
            checks.add(f"{at}.nomor", f"harus {i} (langkah diberi nomor urut mulai 1)")
        nama = checks.text(entry["nama"], f"{at}.nama", pattern=r"[a-z][a-z0-9-]*")
        if any(s.nama == nama for s in steps):
            checks.add(f"{at}.nama", f"langkah {nama!r} sudah ada di atas")
        peran = checks.text(entry["peran"], f"{at}.peran")
        if peran and peran not in ROLES:
            checks.add(f"{at}.peran", f"{peran!r} bukan peran yang dikenal ({', '.join(ROLES)})")
        decisions = tuple(checks.text(d, f"{at}.keputusan", pattern=r"[a-z][a-z0-9-]*")
                          for d in _list(checks, entry["keputusan"], f"{at}.keputusan"))
        if len(set(decisions)) != len(decisions):
            checks.add(f"{at}.keputusan", "keputusan yang sama tercatat dua kali")
        minutes = entry["standar_menit"]
        if minutes is not None and (not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0):
            checks.add(f"{at}.standar_menit", "harus bilangan bulat menit > 0 atau null (tanpa standar)")
            minutes = None
        steps.append(Langkah(i, nama, peran, decisions, minutes, checks.text(entry["judul"], f"{at}.judul")))
    groups = []
    combined = raw.get("boleh_rangkap")
    if not isinstance(combined, list):
        checks.add("boleh_rangkap", "harus daftar kelompok langkah (boleh kosong: [])")
        combined = []
    for i, group in enumerate(combined, 1):
        where = f"boleh_rangkap[{i}]"
        if not isinstance(group, list) or len(group) < 2:
            checks.add(where, "harus daftar sedikitnya dua nama langkah")
            continue
        names = [checks.text(name, where) for name in group]
        for name in names:
            if name and not any(s.nama == name for s in steps):
                checks.add(where, f"langkah {name!r} tidak ada di 'langkah'")
        if len(set(names)) != len(names):
            checks.add(where, "nama langkah yang sama tercatat dua kali")
        groups.append(frozenset(names))
    checks.done()
    return Kebijakan(tuple(steps), tuple(groups))


# ---- writing ------------------------------------------------------------------------------------------

def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def dump_registri(registri: Registri) -> bytes:
    document = {"versi": VERSION, "akar": registri.akar, "pejabat": [
        {"principal": p.principal, "nama": p.nama, "nip": p.nip, "jabatan": p.jabatan,
         "peran": [{"peran": r.peran, "dari": _iso(r.dari), "sampai": _iso(r.sampai), "keterangan": r.keterangan}
                   for r in p.peran],
         "kunci": [{"publik": k.publik, "berlaku_dari": _iso(k.berlaku_dari),
                    "berlaku_sampai": _iso(k.berlaku_sampai)} for k in p.kunci],
         **({"sertifikat_tte": list(p.sertifikat_tte)} if p.sertifikat_tte else {})}
        for p in registri.pejabat]}
    return REGISTRI_HEADER.encode() + yamlketat.dump(document)


def dump_kebijakan(kebijakan: Kebijakan) -> bytes:
    order = {s.nama: s.nomor for s in kebijakan.langkah}
    groups = sorted((sorted(g, key=lambda n: (order.get(n, 0), n)) for g in kebijakan.boleh_rangkap),
                    key=lambda g: [(order.get(n, 0), n) for n in g])
    document = {"versi": VERSION, "langkah": [
        {"nomor": s.nomor, "nama": s.nama, "peran": s.peran, "keputusan": list(s.keputusan),
         "standar_menit": s.standar_menit, "judul": s.judul} for s in kebijakan.langkah],
        "boleh_rangkap": groups}
    return KEBIJAKAN_HEADER.encode() + yamlketat.dump(document)


def _ssh_time(day: date, end: bool) -> str:
    return sshsig.ssh_time(datetime.combine(day, time(23, 59, 59) if end else time(0, 0), WITA))


def allowed_signers(registri: Registri) -> bytes:
    """The `allowed_signers` file for the registry: the root key for the registry namespace, then one line
    per official key for statements, with its validity (WITA days → UTC, both ends inclusive)."""
    lines = [f'{ROOT_PRINCIPAL} namespaces="{NAMESPACE_REGISTRI}" {registri.akar}']
    for official in registri.pejabat:
        for key in official.kunci:
            options = [f'namespaces="{NAMESPACE_PERNYATAAN}"',
                       f'valid-after="{_ssh_time(key.berlaku_dari, end=False)}"']
            if key.berlaku_sampai:
                options.append(f'valid-before="{_ssh_time(key.berlaku_sampai, end=True)}"')
            lines.append(f"{official.principal} {','.join(options)} {key.publik}")
    return (SIGNERS_HEADER + "".join(f"{line}\n" for line in sorted(lines))).encode("ascii")


# ---- trust --------------------------------------------------------------------------------------------

def verify_signed(data: bytes, sig: bytes, root_fingerprint: str, akar_publik: str, source: str) -> None:
    """Check that `sig` is the pinned root key's signature over `data` (namespace NAMESPACE_REGISTRI)."""
    if not root_fingerprint:
        raise RegistryError("Sidik jari kunci akar belum disematkan (kabupaten.yml: pengesahan.sidik_jari_akar). "
                            "Jalankan `python build.py officials init --root-pubkey KUNCI.pub`.")
    try:
        akar_fp = sshsig.fingerprint(akar_publik)
    except SignatureError as exc:
        raise RegistryError(f"{source}: kunci akar tidak sah: {exc}") from None
    if akar_fp != root_fingerprint:
        raise RegistryError(f"{source}: kunci akar {akar_fp} bukan kunci akar yang disematkan di kabupaten.yml "
                            f"({root_fingerprint}). Registri ini tidak dipercaya; pulihkan registri yang sah "
                            "atau perbaiki pengesahan.sidik_jari_akar.")
    try:
        signer = sshsig.public_key_of(sig)
        if not _same_key(signer, akar_publik):
            raise RegistryError(f"{source}{SIG_SUFFIX}: ditandatangani kunci {sshsig.fingerprint(signer)}, "
                                f"bukan kunci akar {akar_fp}. Registri ini tidak dipercaya; hanya kunci akar "
                                "yang boleh mengubahnya (`python build.py officials … --root-key`).")
        sshsig.verify(data, sig, f'{ROOT_PRINCIPAL} namespaces="{NAMESPACE_REGISTRI}" {akar_publik}\n'.encode(),
                      ROOT_PRINCIPAL, NAMESPACE_REGISTRI, datetime.now(UTC))
    except BadSignature as exc:
        raise RegistryError(f"{source}{SIG_SUFFIX}: {exc} Registri/kebijakan ini tidak dipercaya; pulihkan "
                            "versi yang ditandatangani kunci akar.") from None


def load_trusted(files: Mapping[str, bytes], root_fingerprint: str) -> tuple[Registri, Kebijakan]:
    """The registry and the policy, after checking both root signatures against the pinned fingerprint.

    `files` maps "approvals/pejabat.yml", "approvals/pejabat.yml.sig", "approvals/policy.yml" and
    "approvals/policy.yml.sig" to their bytes."""
    if not root_fingerprint:
        verify_signed(b"", b"", root_fingerprint, "", REGISTRI_FILE)   # raises the "pin missing" error
    missing = [name for name in (REGISTRI_FILE, REGISTRI_FILE + SIG_SUFFIX, KEBIJAKAN_FILE,
                                 KEBIJAKAN_FILE + SIG_SUFFIX) if files.get(name) is None]
    if missing:
        raise RegistryError(f"Berkas pengesahan tidak ada: {', '.join(missing)}. Jalankan "
                            "`python build.py officials init --root-pubkey KUNCI.pub` (sekali, oleh pemegang "
                            "kunci akar) atau pulihkan berkas itu dari git.")
    registri_sig = files[REGISTRI_FILE + SIG_SUFFIX]
    try:
        akar = sshsig.public_key_of(registri_sig)
    except BadSignature as exc:
        raise RegistryError(f"{REGISTRI_FILE}{SIG_SUFFIX}: {exc}") from None
    verify_signed(files[REGISTRI_FILE], registri_sig, root_fingerprint, akar, REGISTRI_FILE)
    registri = parse_registri(files[REGISTRI_FILE], REGISTRI_FILE)
    if not _same_key(registri.akar, akar):
        raise RegistryError(f"{REGISTRI_FILE}: kunci 'akar' di dalamnya bukan kunci yang menandatanganinya. "
                            "Pulihkan registri yang sah dari git.")
    verify_signed(files[KEBIJAKAN_FILE], files[KEBIJAKAN_FILE + SIG_SUFFIX], root_fingerprint, akar,
                  KEBIJAKAN_FILE)
    return registri, parse_kebijakan(files[KEBIJAKAN_FILE], KEBIJAKAN_FILE)


def trusted_or_none(data: bytes | None, sig: bytes | None, root_fingerprint: str) -> Registri | None:
    """An earlier version of the registry if the pinned root signed it, else None (never raises)."""
    if data is None or sig is None:
        return None
    try:
        akar = sshsig.public_key_of(sig)
        verify_signed(data, sig, root_fingerprint, akar, REGISTRI_FILE)
        registri = parse_registri(data, REGISTRI_FILE)
    except (RegistryError, BadSignature, SignatureError):
        return None
    return registri if _same_key(registri.akar, akar) else None


def widened_since(current: Registri, older: Registri) -> list[str]:
    """What `current` allows that the root had already taken back in `older` (a root-signed earlier version):
    a key valid longer or earlier, or moved to someone else, or an ended role open again. The registry only
    grows and roles/keys are only ever ended, so a difference here means an older registry was put back
    (a rollback that would revive a revoked key or an ended role)."""
    problems = []
    owners = {k.publik: (p, k) for p in current.pejabat for k in p.kunci}
    for old in older.pejabat:
        for old_key in old.kunci:
            official, key = owners.get(old_key.publik, (None, None))
            if key is None:
                continue
            if (official.principal != old.principal or key.berlaku_dari < old_key.berlaku_dari
                    or (old_key.berlaku_sampai is not None
                        and (key.berlaku_sampai is None or key.berlaku_sampai > old_key.berlaku_sampai))):
                problems.append(f"kunci {sshsig.fingerprint(old_key.publik)} ({old.principal}) sudah dibatasi/dicabut "
                                f"menjadi {span_text(old_key.berlaku_dari, old_key.berlaku_sampai)}, tetapi di registri "
                                f"ini berlaku {span_text(key.berlaku_dari, key.berlaku_sampai)} untuk {official.principal}")
        now = current.find(old.principal)
        for old_role in old.peran if now is not None else ():
            if old_role.sampai is None:
                continue
            for role in now.peran:
                if (role.peran, role.dari) == (old_role.peran, old_role.dari) and \
                        (role.sampai is None or role.sampai > old_role.sampai):
                    problems.append(f"peran {role.peran} {old.principal} sudah diakhiri "
                                    f"{old_role.sampai.isoformat()}, tetapi di registri ini "
                                    f"{span_text(role.dari, role.sampai)}")
    return problems


# ---- changes (the registry only grows: roles and keys are ended, never deleted) ----------------------

def _clean(value: str, what: str) -> str:
    value = " ".join(str(value).split())
    if not value:
        raise UsageError(f"{what} tidak boleh kosong.")
    return value


def with_official(registri: Registri, *, nip: str, nama: str | None = None, jabatan: str | None = None,
                  peran: Peran | None = None, kunci: Kunci | None = None,
                  sertifikat_tte: str | None = None) -> tuple[Registri, list[str]]:
    """The registry with an official added, or an existing one extended by a role, a key and/or a TTE
    certificate (its SHA-256 fingerprint; one certificate belongs to one official).

    Returns the new registry and what changed (Indonesian lines); UsageError when the change is refused."""
    if not re.fullmatch(r"[0-9]{18}", nip or ""):
        raise UsageError(f"NIP {nip!r} tidak sah: NIP terdiri atas tepat 18 angka, tanpa spasi.")
    principal = f"nip-{nip}"
    current = registri.find(principal)
    if current is None:
        if nama is None or jabatan is None or peran is None or kunci is None:
            raise UsageError(f"{principal} belum terdaftar: pejabat baru perlu --name, --title, --role dan --pubkey.")
        current = Pejabat(principal, _clean(nama, "Nama"), nip, _clean(jabatan, "Jabatan"))
        changes = [f"pejabat baru {principal} ({current.nama}, {current.jabatan})"]
    else:
        changes = []
        if nama is not None and _clean(nama, "Nama") != current.nama:
            changes.append(f"nama {current.nama!r} → {_clean(nama, 'Nama')!r}")
            current = replace(current, nama=_clean(nama, "Nama"))
        if jabatan is not None and _clean(jabatan, "Jabatan") != current.jabatan:
            changes.append(f"jabatan {current.jabatan!r} → {_clean(jabatan, 'Jabatan')!r}")
            current = replace(current, jabatan=_clean(jabatan, "Jabatan"))
    if peran is not None and peran not in current.peran:
        if peran.peran not in ROLES:
            raise UsageError(f"Peran {peran.peran!r} tidak dikenal; pilih salah satu: {', '.join(ROLES)}.")
        _check_span(peran.dari, peran.sampai, "--to", "--from")
        for old in current.peran:
            if old.peran == peran.peran and _overlaps(old.dari, old.sampai, peran.dari, peran.sampai):
                raise UsageError(f"{principal} sudah memegang peran {peran.peran} {span_text(old.dari, old.sampai)}; "
                                 "masa peran yang sama tidak boleh tumpang tindih. Akhiri dulu dengan "
                                 "`python build.py officials end-role`.")
        current = replace(current, peran=current.peran + (peran,))
        changes.append(f"peran {peran.peran}{' ' + peran.keterangan if peran.keterangan else ''} "
                       f"{span_text(peran.dari, peran.sampai)}")
    if kunci is not None and not any(_same_key(k.publik, kunci.publik) for k in current.kunci):
        _check_span(kunci.berlaku_dari, kunci.berlaku_sampai, "--key-to", "--key-from")
        for other in registri.pejabat:
            if other.principal != principal and any(_same_key(k.publik, kunci.publik) for k in other.kunci):
                raise UsageError(f"Kunci {sshsig.fingerprint(kunci.publik)} sudah terdaftar untuk {other.principal}; "
                                 "setiap pejabat memakai kuncinya sendiri.")
        current = replace(current, kunci=current.kunci + (kunci,))
        changes.append(f"kunci {sshsig.fingerprint(kunci.publik)} berlaku "
                       f"{span_text(kunci.berlaku_dari, kunci.berlaku_sampai)}")
    if sertifikat_tte is not None and sertifikat_tte not in current.sertifikat_tte:
        if not re.fullmatch(CERT_FINGERPRINT, sertifikat_tte):
            raise UsageError(f"Sidik jari sertifikat TTE {sertifikat_tte!r} tidak sah: harus SHA-256, 64 angka heksadesimal.")
        for other in registri.pejabat:
            if other.principal != principal and sertifikat_tte in other.sertifikat_tte:
                raise UsageError(f"Sertifikat TTE sha256 {sertifikat_tte} sudah terdaftar untuk {other.principal}; "
                                 "setiap pejabat memakai sertifikatnya sendiri.")
        current = replace(current, sertifikat_tte=current.sertifikat_tte + (sertifikat_tte,))
        changes.append(f"sertifikat TTE sha256 {sertifikat_tte}")
    if not changes:
        raise UsageError(f"Tidak ada yang berubah untuk {principal}: peran, kunci dan sertifikat itu sudah tercatat.")
    return _put(registri, current), changes


def with_role_ended(registri: Registri, principal: str, peran: str, sampai: date) -> Registri:
    """The registry with the open `peran` of `principal` ended on `sampai` (inclusive)."""
    official = _official(registri, principal)
    open_roles = [r for r in official.peran if r.peran == peran and r.sampai is None]
    if not open_roles:
        raise UsageError(f"{principal} tidak memegang peran {peran} yang masih berjalan; tidak ada yang diakhiri.")
    role = open_roles[0]
    _check_span(role.dari, sampai, "--to", "tanggal mulai peran")
    roles = tuple(replace(r, sampai=sampai) if r is role else r for r in official.peran)
    return _put(registri, replace(official, peran=roles))


def with_key_ended(registri: Registri, principal: str, publik: str, sampai: date) -> Registri:
    """The registry with `publik` of `principal` valid only until `sampai` (inclusive); never lengthened."""
    official = _official(registri, principal)
    key = next((k for k in official.kunci if _same_key(k.publik, publik)), None)
    if key is None:
        raise UsageError(f"Kunci {sshsig.fingerprint(publik)} tidak terdaftar untuk {principal}.")
    if key.berlaku_sampai is not None and key.berlaku_sampai <= sampai:
        raise UsageError(f"Kunci {sshsig.fingerprint(publik)} sudah berakhir {key.berlaku_sampai.isoformat()}; "
                         "masa berlaku kunci hanya dapat diperpendek, tidak diperpanjang.")
    _check_span(key.berlaku_dari, sampai, "--to", "awal berlaku kunci")
    keys = tuple(replace(k, berlaku_sampai=sampai) if k is key else k for k in official.kunci)
    return _put(registri, replace(official, kunci=keys))


def _official(registri: Registri, principal: str) -> Pejabat:
    official = registri.find(principal)
    if official is None:
        raise UsageError(f"{principal} tidak terdaftar di registri pejabat. Lihat `python build.py officials list`.")
    return official


def _put(registri: Registri, official: Pejabat) -> Registri:
    others = [p for p in registri.pejabat if p.principal != official.principal]
    if len(others) == len(registri.pejabat):
        return replace(registri, pejabat=registri.pejabat + (official,))
    return replace(registri, pejabat=tuple(official if p.principal == official.principal else p
                                           for p in registri.pejabat))


def _check_span(start: date, end: date | None, end_option: str, start_name: str) -> None:
    if end is not None and end < start:
        raise UsageError(f"Tanggal {end_option} ({end.isoformat()}) sebelum {start_name} ({start.isoformat()}).")


def _overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return (a_end is None or b_start <= a_end) and (b_end is None or a_start <= b_end)


def span_text(start: date, end: date | None) -> str:
    return f"{start.isoformat()} s.d. {end.isoformat() if end else 'sekarang'}"
