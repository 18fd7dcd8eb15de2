"""Pipeline Buku Data Agregat Kependudukan: register extract → validated YAML aggregates."""

__version__ = "0.1.0"
