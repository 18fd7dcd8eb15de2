"""The project's exceptions and the exit codes the command line gives for them.

Every message is Indonesian, says what is wrong and what to do, and never quotes a register value.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_CONFIG = 3
EXIT_INPUT = 4
EXIT_DATA = 5
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


class DataError(AgregatError):
    """The register was read but its content cannot make an edition (no valid row, --strict)."""

    exit_code = EXIT_DATA
