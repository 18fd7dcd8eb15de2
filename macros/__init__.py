"""The mkdocs-macros entry point (`plugins: macros: module_name: macros` in mkdocs.yml): a thin shim. The
book's macros live in `agregat.buku.mkdocs_macros`."""

from agregat.buku.mkdocs_macros import define_env, on_pre_page_macros  # noqa: F401
