"""The project's exceptions and the exit codes the command line gives for them.

Every message is Indonesian, says what is wrong and what to do, and never quotes a register value.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_CONFIG = 3
EXIT_INPUT = 4
EXIT_DATA = 5
EXIT_BOOK = 6
EXIT_CLUSTER = 7
# approvals (signed statements in git, `verify`, `approve`, `officials`); a statement's problems found by
# `verify` carry these codes (agregat.pengesahan.verifikasi.Temuan), not exceptions
EXIT_DATA_CHANGED = 20
EXIT_BAD_SIGNATURE = 21
EXIT_NOT_AUTHORISED = 22
EXIT_HISTORY = 23
EXIT_REGISTRY = 24
EXIT_CHAIN = 25
EXIT_PDF_MISMATCH = 26
EXIT_REFUSED = 27
EXIT_INTERNAL = 70


class AgregatError(Exception):
    """Base of every error the command line reports as one line, without a traceback."""

    exit_code = EXIT_INTERNAL


class UsageError(AgregatError):
    """A malformed argument on the command line (period, option)."""

    exit_code = EXIT_USAGE


class ConfigError(AgregatError):
    """The configuration or the reference data cannot be used."""

    exit_code = EXIT_CONFIG


class InputError(AgregatError):
    """The register file cannot be read as a register (missing, empty, not a table, columns missing)."""

    exit_code = EXIT_INPUT


class EditionError(AgregatError):
    """An edition folder (`data/<periode>/` on disk or in a git commit) or the folder of editions holds an
    entry that is not allowed: anything but a regular file with a safe name (a symlink, a folder, a FIFO, a
    name with control, non-ASCII or undecodable characters), or a folder in data/ that is not an edition. The
    edition is refused whole (never digested, approved or published); the message names the entry, escaped."""

    exit_code = EXIT_INPUT


class DataError(AgregatError):
    """The register was read but its content cannot make an edition (no valid row, --strict)."""

    exit_code = EXIT_DATA


class ClusterError(AgregatError):
    """The Dask cluster cannot run the aggregation: the scheduler is unreachable, it has no workers, a
    worker lacks this version of the package, or workers died while counting. Nothing was written."""

    exit_code = EXIT_CLUSTER


class YamlError(AgregatError):
    """A YAML file the tool wrote (registry, policy, statement) breaks the strict reading rules
    (duplicate key, CR byte, not UTF-8, not one mapping). Callers usually re-raise it as the error of
    the document kind (RegistryError, ChainError)."""

    exit_code = EXIT_CONFIG


class SignatureError(AgregatError):
    """A signature could not be made: the key file is missing or unreadable, not Ed25519, the passphrase
    is wrong, or the private key is neither on disk nor in ssh-agent. Nothing was written."""

    exit_code = EXIT_USAGE


class DataChangedError(AgregatError):
    """The edition in data/<period>/ no longer has the digest the statements approved."""

    exit_code = EXIT_DATA_CHANGED


class BadSignature(AgregatError):
    """An SSHSIG signature does not verify (wrong bytes, namespace, key, validity time, CR in the file)."""

    exit_code = EXIT_BAD_SIGNATURE


class RegistryError(AgregatError):
    """The officials registry or the policy (approvals/pejabat.yml, approvals/policy.yml) is missing,
    malformed, not signed by the pinned root key, or the pin itself is missing."""

    exit_code = EXIT_REGISTRY


class ChainError(AgregatError):
    """The chain of statements is invalid: wrong order, broken hash chain, mixed digests, a malformed
    statement."""

    exit_code = EXIT_CHAIN


class PdfMismatch(AgregatError):
    """The final PDF is not the one whose sha256 the `final` statement recorded."""

    exit_code = EXIT_PDF_MISMATCH


class RefusedError(AgregatError):
    """`approve` (or a related command) refuses an act: a step out of order, a key not holding the role,
    a stale digest. Usage-like: nothing was written."""

    exit_code = EXIT_REFUSED
