"""The final PDF signed as PAdES (TTE, tanda tangan elektronik) with a PKCS#12 certificate, and its check.

    sign_pdf(final_pdf, p12, passphrase, out)                 # PAdES baseline B-B, an incremental update
    check_signed_pdf(out, final_pdf_sha256, [akar_bsre_pem])  # [] when everything holds
    check_signed_pdf(…, signer_check=kadis_certificate(registri, final_time))  # and bound to the Kepala Dinas

The signature is PAdES B-B: a CAdES detached CMS (`/SubFilter /ETSI.CAdES.detached`) with the signing
certificate attribute, the signing time in the signature dictionary, no time-stamp (B-T needs a TSA, which
this tool does not call) and no revocation data (B-LT). A certificate issued by BSrE (Balai Sertifikasi
Elektronik) is used the same way as the throwaway CA of the tests: the signer's `.p12` file and BSrE's root
certificate as the trust root.

What `check_signed_pdf` holds a signed PDF to:
- it *extends* the approved final PDF: its first N bytes are exactly a file whose sha256 is the `final`
  statement's `pdf_sha256`, and the very next revision is the one holding the signature (an incremental
  update; nothing was added in between);
- that revision (and any later one) changes nothing of the final PDF's content: only the catalog's
  form/metadata entries, the form's /Fields and /SigFlags, the document information's producer/date, XMP
  metadata, and a page's /Annots gaining one *invisible* signature widget per revision: a zero-area /Rect
  ([0 0 0 0]), no appearance stream that paints (no /AP, or only empty streams), no action (/A, /AA); the
  catalog (/Root) stays the same object, so /OpenAction, /Names (JavaScript), /AA cannot be added;
- every signature is intact (the digest over its byte range matches), cryptographically valid, PAdES,
  and its certificate chains to one of the given trust roots (key usage: non-repudiation or digital
  signature), checked at the time of validation (a B-B signature carries no trusted time);
- the last signature covers the whole file except its own /Contents (nothing was appended after it);
- with `signer_check` (`kadis_certificate`): the signer's certificate (its SHA-256 fingerprint) is the one
  the root-signed registry records for the official who held the Kepala Dinas role at the signing time the
  signature claims (/M), and that time lies between the `final` step and now.

pyHanko logs a failed path building with a traceback (logger `pyhanko…`); the result already says so, so
those loggers are silenced while a signature is validated (`_quiet_pyhanko`).

pyHanko is imported inside the functions so that `python build.py --help` stays fast.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from agregat.core.atomik import write_atomic_bytes
from agregat.core.errors import RefusedError, SignatureError, UsageError

#: The PAdES subfilter (ETSI EN 319 142-1); the older adbe.pkcs7.detached is not PAdES.
PADES_SUBFILTER = "/ETSI.CAdES.detached"
FIELD_NAME = "TTE-Pengesahan"
PROFILE = "PAdES B-B"

#: Entries of an object that existed in the final PDF which the signing revision may change, per kind.
_CATALOG_KEYS = {"/AcroForm", "/Extensions", "/Metadata", "/Perms", "/DSS", "/Version"}
_INFO_KEYS = {"/Producer", "/ModDate"}
_PAGE_KEYS = {"/Annots"}
_FORM_KEYS = {"/Fields", "/SigFlags"}
#: The loggers pyHanko reports validation failures on (with a traceback) although the result carries them.
_PYHANKO_LOGGERS = ("pyhanko", "pyhanko_certvalidator")

#: `signer_check(fingerprint, claimed_signing_time)`: a problem sentence, or None when the signer may sign.
SignerCheck = Callable[[str, "datetime | None"], "str | None"]


@contextmanager
def _quiet_pyhanko() -> Iterator[None]:
    """pyHanko's own log lines (a failed path building logged as a warning with its traceback) off for the
    duration; the loggers' levels are restored after."""
    loggers = [logging.getLogger(name) for name in _PYHANKO_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


# ---- certificates and the registry ------------------------------------------------------------------

def load_certificate(path: Path, what: str = "Sertifikat akar",
                     hint: str = "Beri sertifikat akar penerbit TTE, mis. akar BSrE."):
    """The X.509 certificate (PEM or DER) in `path` as an asn1crypto certificate; UsageError otherwise."""
    from pyhanko.keys import load_cert_from_pemder

    try:
        return load_cert_from_pemder(str(path))
    except OSError:
        raise UsageError(f"{what} {path} tidak dapat dibaca. Periksa jalurnya.") from None
    except (ValueError, TypeError):
        raise UsageError(f"Berkas {path} bukan sertifikat X.509 (PEM atau DER). {hint}") from None


def certificate_fingerprint(cert) -> str:
    """The SHA-256 of the certificate's DER bytes, lower-case hex: how the registry records a TTE certificate
    (the same value as `openssl x509 -noout -fingerprint -sha256`, without colons)."""
    return hashlib.sha256(cert.dump()).hexdigest()


def kadis_certificate(registri, not_before: datetime, now: Callable[[], datetime] | None = None) -> SignerCheck:
    """The check binding a TTE to the registry: the certificate is recorded (`sertifikat_tte`) for the
    official holding the Kepala Dinas role (`pejabat.TTE_ROLE`) at the claimed signing time, which is not
    before `not_before` (the `final` step) nor after now (+ the statements' clock tolerance)."""
    from agregat.pengesahan import verifikasi
    from agregat.pengesahan.pernyataan import waktu_text

    clock = now or verifikasi.now

    def problem(fingerprint: str, when: datetime | None) -> str | None:
        if when is None or when.tzinfo is None:
            return "tidak mencatat waktu penandatanganan (/M) dengan zona waktu; tandatangani ulang dengan `tte`."
        if when < not_before:
            return (f"waktu penandatanganannya ({waktu_text(when)}) sebelum langkah final "
                    f"({waktu_text(not_before)}); PDF final ditandatangani sesudah disahkan.")
        if when > clock() + verifikasi.TOLERANSI_JAM:
            return f"waktu penandatanganannya ({waktu_text(when)}) di masa depan."
        if registri.tte_signer(fingerprint, when) is None:
            return (f"sertifikat penanda tangan (sha256 {fingerprint}) bukan sertifikat TTE yang tercatat di "
                    f"registri pejabat untuk Kepala Dinas yang menjabat pada {waktu_text(when)}. Hanya Kepala "
                    "Dinas (termasuk Plt./Plh.) yang menandatangani PDF final; pemegang kunci akar mencatat "
                    "sertifikatnya dengan `python build.py officials add --nip NIP --tte-cert "
                    "SERTIFIKAT.pem --root-key KUNCI_AKAR`, lalu commit folder approvals/.")
        return None

    return problem


# ---- signing ----------------------------------------------------------------------------------------

def sign_pdf(pdf: Path, p12: Path, passphrase: bytes | None, out: Path,
             reason: str = "Pengesahan Buku Data Agregat Kependudukan",
             location: str = "", name: str | None = None, signer_check: SignerCheck | None = None) -> Path:
    """Sign `pdf` (PAdES B-B, incremental update: the original bytes stay the first bytes of the result,
    with one invisible signature widget) with the key and certificate in the PKCS#12 file `p12`, and write
    the result atomically to `out`.

    Raises SignatureError (Indonesian message, nothing written) when the PKCS#12 file cannot be read or
    opened with `passphrase`, the PDF cannot be signed, or the result fails `signed_pdf_problems`;
    RefusedError when `signer_check` refuses the certificate (checked before signing, at this moment)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError

    pdf, p12, out = Path(pdf), Path(p12), Path(out)
    try:
        original = pdf.read_bytes()
    except OSError:
        raise UsageError(f"PDF {pdf} tidak dapat dibaca. Periksa jalurnya.") from None
    try:
        bundle = p12.read_bytes()
    except OSError:
        raise UsageError(f"Berkas sertifikat {p12} tidak dapat dibaca. Beri jalur berkas .p12/.pfx dari "
                         "BSrE dengan --p12.") from None
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(bundle, other_certs=(), passphrase=passphrase or None)
    except (ValueError, TypeError):
        raise SignatureError(f"Berkas {p12} tidak dapat dibuka: frasa sandi salah, atau bukan berkas PKCS#12 "
                             "(.p12/.pfx) yang berisi kunci privat dan sertifikat. Tidak ada yang ditulis.") from None
    if signer.signing_cert is None or signer.signing_key is None:
        raise SignatureError(f"Berkas {p12} tidak memuat kunci privat beserta sertifikatnya. Minta berkas "
                             ".p12 yang lengkap dari penerbit sertifikat.")
    if signer_check is not None:
        from agregat.pengesahan import verifikasi

        refused = signer_check(certificate_fingerprint(signer.signing_cert), verifikasi.now())
        if refused:
            raise RefusedError(f"PDF {pdf} tidak ditandatangani dengan {p12}: {refused} Tidak ada yang ditulis.")
    # a new field without a box: pyHanko makes it invisible (/Rect [0 0 0 0], no /AP), as the check demands
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=reason, location=location or None, name=name)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(original))
        output = signers.PdfSigner(meta, signer).sign_pdf(writer, output=io.BytesIO())
    except (PdfError, SigningError, ValueError, KeyError) as exc:
        raise SignatureError(f"PDF {pdf} tidak dapat ditandatangani ({type(exc).__name__}: {exc}). "
                             "Tidak ada yang ditulis.") from None
    signed = output.getvalue()
    # what is written must pass the checks `verify --signed-pdf` makes (but the trust chain, which is the
    # certificate issuer's business): an incremental update of exactly these bytes adding only a signature
    problems = signed_pdf_problems(signed, hashlib.sha256(original).hexdigest(), None, signer_check)
    if problems:
        raise SignatureError("PDF bertanda tangan tidak lolos pemeriksaan, tidak ditulis: " + "; ".join(problems))
    write_atomic_bytes(out, signed)
    return out


# ---- checking ---------------------------------------------------------------------------------------

def check_signed_pdf(signed: Path, final_pdf_sha256: str, trust_roots: list[Path],
                     signer_check: SignerCheck | None = None) -> list[str]:
    """Every problem of the signed PDF `signed` (Indonesian sentences; [] when it is good): its PAdES
    signature(s) against `trust_roots` (PEM or DER certificates) and `signer_check`, and that it extends the
    final PDF whose sha256 is `final_pdf_sha256`."""
    if not trust_roots:
        raise UsageError("Tidak ada sertifikat akar tepercaya untuk memeriksa TTE. Beri --trust-root "
                         "AKAR.pem (akar BSrE) atau isi pengesahan.akar_tte di kabupaten.yml.")
    roots = load_roots(trust_roots)
    try:
        data = Path(signed).read_bytes()
    except OSError:
        raise UsageError(f"PDF bertanda tangan {signed} tidak dapat dibaca. Periksa jalurnya.") from None
    return signed_pdf_problems(data, final_pdf_sha256, roots, signer_check)


def load_roots(paths: list[Path]) -> list:
    """The trust roots as asn1crypto certificates; UsageError naming a file that is not a certificate."""
    return [load_certificate(path) for path in paths]


def signed_pdf_problems(data: bytes, final_pdf_sha256: str, roots: list | None,
                        signer_check: SignerCheck | None = None) -> list[str]:
    """The checks of `check_signed_pdf` on the bytes; `roots=None` skips the trust-chain check (used right
    after signing, where the signer's own chain is not this tool's concern)."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    problems: list[str] = []
    base_end = base_length(data, final_pdf_sha256)
    if base_end is None:
        problems.append(f"bukan perpanjangan PDF final: tidak ada bagian awal berkas yang sha256-nya sama dengan "
                        f"PDF final yang dicatat di langkah final ({final_pdf_sha256}). Berkas ini "
                        "ditandatangani atas PDF lain; tandatangani PDF final yang disahkan.")
    try:
        reader = PdfFileReader(io.BytesIO(data))
        signatures = list(reader.embedded_regular_signatures)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        return problems + [f"bukan PDF yang dapat dibaca ({type(exc).__name__}); berkas rusak atau bukan PDF."]
    if not signatures:
        return problems + ["tidak memuat tanda tangan elektronik (TTE) apa pun."]
    for index, signature in enumerate(signatures):
        problems += _signature_problems(signature, roots, last=index == len(signatures) - 1,
                                        signer_check=signer_check)
    if base_end is not None:
        problems += _extension_problems(reader, data[:base_end], min(s.signed_revision for s in signatures))
    return problems


def base_length(data: bytes, sha256_hex: str) -> int | None:
    """The length N of the revision boundary (after a `%%EOF` and its end-of-line) at which `data[:N]` has
    the sha256 `sha256_hex`, or None."""
    digest = hashlib.sha256()
    done = 0
    start = 0
    while (found := data.find(b"%%EOF", start)) >= 0:
        end = found + len(b"%%EOF")
        digest.update(data[done:end])
        done = end
        for eol in (b"", b"\n", b"\r", b"\r\n"):
            if data[end:end + len(eol)] == eol:
                trial = digest.copy()
                trial.update(eol)
                if trial.hexdigest() == sha256_hex:
                    return end + len(eol)
        start = end
    return None


def _signature_problems(signature, roots: list | None, last: bool, signer_check: SignerCheck | None = None
                        ) -> list[str]:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    label = f"tanda tangan '{signature.field_name}'"
    problems = []
    subfilter = signature.sig_object.get("/SubFilter")
    if subfilter != PADES_SUBFILTER:
        problems.append(f"{label} bukan PAdES (SubFilter {subfilter}, seharusnya {PADES_SUBFILTER}).")
    context = ValidationContext(trust_roots=roots or [], allow_fetching=False, revocation_mode="soft-fail")
    usage = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False)
    try:
        with _quiet_pyhanko():
            status = validate_pdf_signature(signature, context, key_usage_settings=usage, skip_diff=True)
    except Exception as exc:  # noqa: BLE001 - a malformed CMS blob or byte range: pyHanko raises many kinds
        return problems + [f"{label} tidak dapat diperiksa ({type(exc).__name__}); berkas rusak atau dipalsukan."]
    if not status.intact:
        problems.append(f"{label}: isi berkas berubah setelah ditandatangani (digest tidak cocok). Jangan "
                        "bagikan berkas ini; tandatangani ulang PDF final.")
    elif not status.valid:
        problems.append(f"{label}: nilai tanda tangan kriptografis tidak sah untuk sertifikatnya.")
    if roots is not None and status.intact and status.valid and not status.trusted:
        problems.append(f"{label}: sertifikat penanda tangan ({_subject(status.signing_cert)}) "
                        f"{_trust_problem(status.trust_problem_indic)}")
    if signer_check is not None and status.intact and status.valid:
        try:
            claimed = signature.self_reported_timestamp
        except (ValueError, TypeError, KeyError):
            claimed = None
        refused = signer_check(certificate_fingerprint(status.signing_cert), claimed)
        if refused:
            problems.append(f"{label}: {refused}")
    if last and status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        problems.append(f"{label} tidak menutupi seluruh berkas: ada bagian yang ditambahkan sesudah "
                        "ditandatangani. Pakai berkas persis seperti keluar dari penandatanganan.")
    return problems


def _subject(cert) -> str:
    try:
        return cert.subject.human_friendly
    except (AttributeError, ValueError, TypeError):
        return "tidak terbaca"


def _trust_problem(indication) -> str:
    name = getattr(indication, "name", "")
    if name in ("NO_CERTIFICATE_CHAIN_FOUND", "CERTIFICATE_CHAIN_GENERAL_FAILURE", ""):
        return ("tidak berantai ke sertifikat akar tepercaya yang diberikan. Periksa bahwa TTE diterbitkan "
                "BSrE (atau penerbit yang disetujui) dan --trust-root / pengesahan.akar_tte benar.")
    if name in ("EXPIRED", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED"):
        return ("sudah kedaluwarsa atau belum berlaku pada waktu pemeriksaan; tanda tangan PAdES B-B tidak "
                "membawa cap waktu tepercaya, jadi minta penandatanganan ulang dengan sertifikat yang berlaku.")
    if name == "NOT_YET_VALID":
        return "belum berlaku pada waktu pemeriksaan."
    if name.startswith("REVOKED"):
        return "sudah dicabut oleh penerbitnya."
    if name == "CHAIN_CONSTRAINTS_FAILURE":
        return ("tidak boleh dipakai untuk menandatangani dokumen (penggunaan kunci/batasan rantai tidak "
                "sesuai).")
    return f"tidak tepercaya ({name})."


def _extension_problems(reader, base: bytes, first_signed_revision: int) -> list[str]:
    """The revision right after the final PDF holds the (first) signature, and neither it nor any later
    revision changes anything but what an invisible signature adds."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        base_revisions = PdfFileReader(io.BytesIO(base)).xrefs.total_revisions
    except (PdfError, ValueError, KeyError, TypeError):
        return ["bagian awal berkas yang cocok dengan sha256 PDF final bukan PDF yang dapat dibaca."]
    if first_signed_revision != base_revisions:
        extra = first_signed_revision - base_revisions
        return [(f"bukan perpanjangan langsung PDF final: di antara PDF final dan tanda tangan ada {extra} "
                 "pembaruan lain yang tidak ditandatangani terpisah.")]
    problems = []
    for revision in range(base_revisions, reader.xrefs.total_revisions):
        try:
            problems += _update_changes(reader, revision, revision - base_revisions + 1)
        except (PdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            problems.append(f"pembaruan bertanda tangan tidak dapat dibandingkan dengan PDF final "
                            f"({type(exc).__name__}).")
    return problems


def _update_changes(reader, revision: int, nth: int = 1) -> list[str]:
    """What revision `revision` (the `nth` update after the final PDF) changes in objects of revision
    `revision - 1`, beyond adding a signature with one invisible widget."""
    from pyhanko.pdf_utils import generic

    old = reader.get_historical_resolver(revision - 1)
    new = reader.get_historical_resolver(revision)
    changed = []
    if new.refs_freed_in_revision():
        changed.append("menghapus objek PDF final")
    if _ref(_raw(new.trailer_view, "/Root")) != _ref(_raw(old.trailer_view, "/Root")):
        changed.append("mengganti katalog dokumen (/Root)")
    old_root, new_root = old.root, new.root
    pages = _page_refs(old)
    # judged as a whole below: the form and the pages' annotation arrays (when they are objects of their own)
    wholes = {_ref(_raw(old_root, "/AcroForm"))} | {_ref(_raw(old.get_object(r), "/Annots")) for r in pages}
    form = old_root["/AcroForm"] if "/AcroForm" in old_root else None
    if isinstance(form, generic.DictionaryObject):
        wholes.add(_ref(_raw(form, "/Fields")))
    for ref in sorted(new.explicit_refs_in_revision(), key=lambda r: (r.idnum, r.generation)):
        if reader.xrefs.get_introducing_revision(ref) == revision or ref in wholes:
            continue   # a new object: reachable only through the entries checked here and below
        before, after = old.get_object(ref), new.get_object(ref)
        if not isinstance(before, generic.DictionaryObject) or not isinstance(after, generic.DictionaryObject):
            changed.append(f"mengubah objek {ref.idnum} {ref.generation}")
            continue
        kind = before.get("/Type")      # what the object was in the final PDF, not what it claims now
        if kind in ("/XRef", "/Metadata") and after.get("/Type") == kind:
            continue
        if kind == "/Catalog":
            allowed = _CATALOG_KEYS
        elif kind == "/Page":
            allowed = _PAGE_KEYS
        elif ref == _info_ref(old):
            allowed = _INFO_KEYS
        else:
            allowed = set()
        keys = {k for k in set(before) | set(after) if _raw(before, k) != _raw(after, k)}
        if isinstance(after, generic.StreamObject) and before.data != after.data:
            keys.add("(isi stream)")
        if keys - allowed:
            changed.append(f"mengubah {', '.join(sorted(keys - allowed))} pada objek {ref.idnum} "
                           f"({kind or 'tanpa /Type'})")
    changed += _form_changes(old_root, new_root)
    added = 0
    for ref in pages:
        problems, count = _annotation_changes(old.get_object(ref), new.get_object(ref))
        changed += problems
        added += count
    if added > 1:
        changed.append(f"menambah {added} anotasi (hanya satu widget tanda tangan yang boleh)")
    if not changed:
        return []
    which = "pembaruan yang memuat tanda tangan" if nth == 1 else f"pembaruan ke-{nth} sesudah PDF final"
    return [f"{which} juga mengubah isi PDF final (" + "; ".join(changed) + "). "
            "Hanya tanda tangan dengan satu widget tak terlihat yang boleh ditambahkan; tandatangani PDF final "
            "apa adanya dengan `python build.py tte`."]


def _raw(dictionary, key):
    return dictionary.raw_get(key) if key in dictionary else None


def _ref(value):
    return getattr(value, "reference", None)


def _info_ref(resolver):
    return _ref(_raw(resolver.trailer_view, "/Info"))


def _page_refs(resolver) -> list:
    """The references of the page objects in the page tree of `resolver`'s revision."""
    from pyhanko.pdf_utils import generic

    found, seen, stack = [], set(), [_raw(resolver.root, "/Pages")]
    while stack:
        ref = _ref(stack.pop())
        if ref is None or ref in seen:
            continue
        seen.add(ref)
        node = resolver.get_object(ref)
        if not isinstance(node, generic.DictionaryObject):
            continue
        if node.get("/Type") == "/Page":
            found.append(ref)
        elif "/Kids" in node:
            kids = node["/Kids"]
            stack += [kids.raw_get(i) for i in range(len(kids))]
    return found


def _annotation_refs(page) -> list:
    if "/Annots" not in page:
        return []
    annots = page["/Annots"]
    return [_ref(annots.raw_get(i)) for i in range(len(annots))]


def _annotation_changes(before, after) -> tuple[list[str], int]:
    """A page's annotations may only gain invisible signature widgets: (problems, how many were added)."""
    old_refs, new_refs = _annotation_refs(before), _annotation_refs(after)
    problems = []
    if any(r not in new_refs for r in old_refs):
        problems.append("menghapus anotasi halaman")
    added = 0
    for index, ref in enumerate(new_refs):
        if ref is not None and ref in old_refs:
            continue
        added += 1
        problems += _widget_problems(after["/Annots"][index])
    return problems, added


def _form_changes(old_root, new_root) -> list[str]:
    """The form (/AcroForm) may only gain signature fields (whose widgets are invisible) and /SigFlags."""
    from pyhanko.pdf_utils import generic

    after = new_root["/AcroForm"] if "/AcroForm" in new_root else None
    if after is None:
        return []
    if not isinstance(after, generic.DictionaryObject):
        return ["formulir /AcroForm bukan kamus"]
    before = old_root["/AcroForm"] if "/AcroForm" in old_root else None
    before = before if isinstance(before, generic.DictionaryObject) else generic.DictionaryObject()
    problems = []
    keys = {k for k in set(before) | set(after) if _raw(before, k) != _raw(after, k)}
    if keys - _FORM_KEYS:
        problems.append(f"mengubah {', '.join(sorted(keys - _FORM_KEYS))} pada formulir /AcroForm")
    old_fields = _field_refs(before)
    new_fields = _field_refs(after)
    if any(r not in new_fields for r in old_fields):
        problems.append("menghapus isian formulir")
    for index, ref in enumerate(new_fields):
        if ref is None or ref not in old_fields:
            for widget in _field_widgets(after["/Fields"][index]):
                problems += _widget_problems(widget)
    return problems


def _field_refs(form) -> list:
    if "/Fields" not in form:
        return []
    fields = form["/Fields"]
    return [_ref(fields.raw_get(i)) for i in range(len(fields))]


def _field_widgets(field, depth: int = 0) -> list:
    """The widgets of a form field: the field itself (merged field and widget) or its /Kids (bounded depth)."""
    if "/Kids" not in field or depth > 4:
        return [field]
    return [w for kid in field["/Kids"] for w in _field_widgets(kid, depth + 1)]


def _widget_problems(annot) -> list[str]:
    """An added annotation must be an invisible signature widget: /Subtype /Widget of a /Sig field, /Rect
    [0 0 0 0], no appearance stream that paints, no action (on the widget or its field)."""
    subtype = annot.get("/Subtype")
    parent = annot["/Parent"] if "/Parent" in annot else None
    field_type = annot.get("/FT") if "/FT" in annot else (parent.get("/FT") if parent is not None else None)
    if subtype != "/Widget" or field_type != "/Sig":
        return [f"menambah anotasi {subtype or 'tanpa /Subtype'} pada halaman"]
    problems = []
    if not _zero_rect(annot.get("/Rect")):
        problems.append("menambah widget tanda tangan yang terlihat (/Rect bukan [0 0 0 0])")
    if "/AP" in annot and _paints(annot["/AP"]):
        problems.append("menambah tampilan widget tanda tangan (/AP) yang menggambar di halaman")
    actions = sorted({key for holder in (annot, parent) if holder is not None for key in ("/A", "/AA")
                      if key in holder})
    if actions:
        problems.append(f"menambah aksi {', '.join(actions)} pada widget tanda tangan")
    return problems


def _zero_rect(rect) -> bool:
    try:
        x1, y1, x2, y2 = (float(value) for value in rect)
    except (TypeError, ValueError):
        return False
    return x1 == x2 and y1 == y2


def _paints(appearance, depth: int = 0) -> bool:
    """Whether an appearance (/AP, its /N /R /D, or their states) has a stream with any content."""
    from pyhanko.pdf_utils import generic

    if isinstance(appearance, generic.StreamObject):
        return bool(appearance.data.strip())
    if isinstance(appearance, generic.DictionaryObject) and depth < 2:
        return any(_paints(appearance[key], depth + 1) for key in appearance)
    return True
