"""The final PDF signed as PAdES (TTE, tanda tangan elektronik) with a PKCS#12 certificate, and its check.

    sign_pdf(final_pdf, p12, passphrase, out)                 # PAdES baseline B-B, an incremental update
    check_signed_pdf(out, final_pdf_sha256, [akar_bsre_pem])  # [] when everything holds

The signature is PAdES B-B: a CAdES detached CMS (`/SubFilter /ETSI.CAdES.detached`) with the signing
certificate attribute, the signing time in the signature dictionary, no time-stamp (B-T needs a TSA, which
this tool does not call) and no revocation data (B-LT). A certificate issued by BSrE (Balai Sertifikasi
Elektronik) is used the same way as the throwaway CA of the tests: the signer's `.p12` file and BSrE's root
certificate as the trust root.

What `check_signed_pdf` holds a signed PDF to:
- it *extends* the approved final PDF: its first N bytes are exactly a file whose sha256 is the `final`
  statement's `pdf_sha256`, and the very next revision is the one holding the signature (an incremental
  update; nothing was added in between);
- that revision changes nothing of the final PDF's content: only the catalog's form/metadata entries, the
  document information's producer/date, XMP metadata, and pages' /Annots gaining signature widgets;
- every signature is intact (the digest over its byte range matches), cryptographically valid, PAdES,
  and its certificate chains to one of the given trust roots (key usage: non-repudiation or digital
  signature), checked at the time of validation (a B-B signature carries no trusted time);
- the last signature covers the whole file except its own /Contents (nothing was appended after it).

pyHanko is imported inside the functions so that `python build.py --help` stays fast.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from .atomik import write_atomic_bytes
from .errors import SignatureError, UsageError

#: The PAdES subfilter (ETSI EN 319 142-1); the older adbe.pkcs7.detached is not PAdES.
PADES_SUBFILTER = "/ETSI.CAdES.detached"
FIELD_NAME = "TTE-Pengesahan"
PROFILE = "PAdES B-B"

#: Entries of an object that existed in the final PDF which the signing revision may change, per kind.
_CATALOG_KEYS = {"/AcroForm", "/Extensions", "/Metadata", "/Perms", "/DSS", "/Version"}
_INFO_KEYS = {"/Producer", "/ModDate"}
_PAGE_KEYS = {"/Annots"}


# ---- signing ----------------------------------------------------------------------------------------

def sign_pdf(pdf: Path, p12: Path, passphrase: bytes | None, out: Path,
             reason: str = "Pengesahan Buku Data Agregat Kependudukan",
             location: str = "", name: str | None = None) -> Path:
    """Sign `pdf` (PAdES B-B, incremental update: the original bytes stay the first bytes of the result)
    with the key and certificate in the PKCS#12 file `p12`, and write the result atomically to `out`.

    Raises SignatureError (Indonesian message, nothing written) when the PKCS#12 file cannot be read or
    opened with `passphrase`, the PDF cannot be signed, or the result fails `signed_pdf_problems`."""
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
    # what is written must pass the checks `verify --pdf-ttd` makes (but the trust chain, which is the
    # certificate issuer's business): an incremental update of exactly these bytes adding only a signature
    problems = signed_pdf_problems(signed, hashlib.sha256(original).hexdigest(), None)
    if problems:
        raise SignatureError("PDF bertanda tangan tidak lolos pemeriksaan, tidak ditulis: " + "; ".join(problems))
    write_atomic_bytes(out, signed)
    return out


# ---- checking ---------------------------------------------------------------------------------------

def check_signed_pdf(signed: Path, final_pdf_sha256: str, trust_roots: list[Path]) -> list[str]:
    """Every problem of the signed PDF `signed` (Indonesian sentences; [] when it is good): its PAdES
    signature(s) against `trust_roots` (PEM or DER certificates), and that it extends the final PDF whose
    sha256 is `final_pdf_sha256`."""
    if not trust_roots:
        raise UsageError("Tidak ada sertifikat akar tepercaya untuk memeriksa TTE. Beri --trust-root "
                         "AKAR.pem (akar BSrE) atau isi pengesahan.akar_tte di kabupaten.yml.")
    roots = load_roots(trust_roots)
    try:
        data = Path(signed).read_bytes()
    except OSError:
        raise UsageError(f"PDF bertanda tangan {signed} tidak dapat dibaca. Periksa jalurnya.") from None
    return signed_pdf_problems(data, final_pdf_sha256, roots)


def load_roots(paths: list[Path]) -> list:
    """The trust roots as asn1crypto certificates; UsageError naming a file that is not a certificate."""
    from pyhanko.keys import load_cert_from_pemder

    roots = []
    for path in paths:
        try:
            roots.append(load_cert_from_pemder(str(path)))
        except OSError:
            raise UsageError(f"Sertifikat akar {path} tidak dapat dibaca. Periksa jalurnya.") from None
        except (ValueError, TypeError):
            raise UsageError(f"Berkas {path} bukan sertifikat X.509 (PEM atau DER). Beri sertifikat akar "
                             "penerbit TTE, mis. akar BSrE.") from None
    return roots


def signed_pdf_problems(data: bytes, final_pdf_sha256: str, roots: list | None) -> list[str]:
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
        problems += _signature_problems(signature, roots, last=index == len(signatures) - 1)
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


def _signature_problems(signature, roots: list | None, last: bool) -> list[str]:
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
    """The revision right after the final PDF holds the (first) signature and changes nothing else."""
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
    try:
        return _update_changes(reader, base_revisions)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        return [f"pembaruan bertanda tangan tidak dapat dibandingkan dengan PDF final ({type(exc).__name__})."]


def _update_changes(reader, revision: int) -> list[str]:
    """What revision `revision` changes in objects of revision `revision - 1`, beyond adding a signature."""
    from pyhanko.pdf_utils import generic

    old = reader.get_historical_resolver(revision - 1)
    new = reader.get_historical_resolver(revision)
    changed = []
    if new.refs_freed_in_revision():
        changed.append("menghapus objek PDF final")
    old_root = old.root
    acroform = _raw(old_root, "/AcroForm")
    for ref in sorted(new.explicit_refs_in_revision(), key=lambda r: (r.idnum, r.generation)):
        if reader.xrefs.get_introducing_revision(ref) == revision:
            continue   # a new object: reachable only through the entries checked below
        before, after = old.get_object(ref), new.get_object(ref)
        kind = after.get("/Type") if isinstance(after, generic.DictionaryObject) else None
        if kind in ("/XRef", "/Metadata") or (isinstance(acroform, generic.IndirectObject)
                                              and acroform.reference == ref):
            continue
        if not isinstance(before, generic.DictionaryObject) or not isinstance(after, generic.DictionaryObject):
            changed.append(f"mengubah objek {ref.idnum} {ref.generation}")
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
        if "/Annots" in keys and kind == "/Page":
            changed += _annotation_changes(before, after)
    if not changed:
        return []
    return ["pembaruan yang memuat tanda tangan juga mengubah isi PDF final (" + "; ".join(changed) + "). "
            "Hanya tanda tangan yang boleh ditambahkan; tandatangani PDF final apa adanya."]


def _raw(dictionary, key):
    return dictionary.raw_get(key) if key in dictionary else None


def _info_ref(resolver):
    return getattr(_raw(resolver.trailer_view, "/Info"), "reference", None)


def _annotation_changes(before, after) -> list[str]:
    """Annotations may only gain signature widgets."""

    def refs(page):
        if "/Annots" not in page:
            return []
        annots = page["/Annots"]
        return [getattr(annots.raw_get(i), "reference", None) for i in range(len(annots))]

    old_refs, new_refs = refs(before), refs(after)
    problems = []
    if any(r not in new_refs for r in old_refs):
        problems.append("menghapus anotasi halaman")
    annots = after["/Annots"]
    for index, ref in enumerate(new_refs):
        if ref is not None and ref in old_refs:
            continue
        annot = annots[index]
        field_type = annot.get("/FT") if "/FT" in annot else (
            annot["/Parent"].get("/FT") if "/Parent" in annot else None)
        if annot.get("/Subtype") != "/Widget" or field_type != "/Sig":
            problems.append(f"menambah anotasi {annot.get('/Subtype')} pada halaman")
    return problems
