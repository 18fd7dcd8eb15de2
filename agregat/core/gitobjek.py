"""Reading committed git objects (never the checkout): the repository, a commit by ref, the files of a folder.

Shared by `verify` (approvals and the edition as committed) and `diff` (an edition at a ref).
"""

from __future__ import annotations

import os
from pathlib import Path

from agregat.core.digest import FILE, FOLDER, OTHER, SUBMODULE, SYMLINK, check_entries
from agregat.core.errors import EditionError, UsageError

SYMLINK_MODE = 0o120000
#: git tree entry modes → the kinds `agregat.core.digest.check_entries` knows.
_MODE_KIND = {0o100644: FILE, 0o100755: FILE, SYMLINK_MODE: SYMLINK, 0o040000: FOLDER, 0o160000: SUBMODULE}


def open_repo(path: Path):
    """The git repository holding `path` (a folder inside it or its root)."""
    import git

    try:
        return git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise UsageError(f"Folder {path} tidak berada di dalam repositori git; pengesahan dan perbandingan dibaca "
                         "dari riwayat git. Jalankan perintah ini di salinan (clone) repositori proyek.") from None


def resolve(repo, ref: str):
    """The commit a ref names, or a UsageError saying how to name one."""
    import git
    from gitdb.exc import BadName, BadObject

    try:
        return repo.commit(ref)
    except (BadName, BadObject, ValueError, git.GitCommandError):
        raise UsageError(f"Ref git '{ref}' tidak ditemukan (atau bukan commit) di {repo.working_tree_dir}. "
                         "Periksa namanya dengan 'git log --oneline' atau 'git branch -a' (mis. HEAD, main, "
                         "origin/main, sebuah hash commit); di CI ambil seluruh riwayat (fetch-depth: 0).") from None


def tree_files(commit, prefix: str) -> dict[str, bytes] | None:
    """{path in the repository: bytes} of every regular file under the folder `prefix` in a commit; None when
    the folder is absent. Symlinks are left out. For approvals/; an edition is read by `edition_tree_files`."""
    try:
        tree = commit.tree / prefix
    except KeyError:
        return None
    if tree.type != "tree":
        return None
    return {item.path: item.data_stream.read() for item in tree.traverse()
            if item.type == "blob" and item.mode != SYMLINK_MODE}


def edition_tree_files(commit, prefix: str) -> dict[str, bytes] | None:
    """{file name: bytes} of the edition folder `prefix` in a commit; None when it is absent. The edition rule
    of `agregat.core.digest.check_entries` holds for the tree: an entry that is a symlink (mode 120000), a subtree,
    a gitlink or has an unsafe name — or `prefix` itself not a folder — is an EditionError naming it."""
    try:
        tree = commit.tree / prefix
        items = list(tree) if tree.type == "tree" else None
    except KeyError:
        return None
    except ValueError:   # GitPython refuses a tree entry name no checkout can hold ('/', '..')
        raise EditionError(f"Edisi {prefix} ditolak: pohon git-nya berisi nama entri yang tidak sah. Hapus "
                           "entri itu dari folder edisi, commit, lalu ulangi.") from None
    if items is None:
        raise EditionError(f"Edisi {prefix} ditolak: di commit {commit.hexsha[:12]} ia bukan folder (tautan "
                           "simbolik atau berkas). Folder edisi harus folder biasa berisi berkas biasa.")
    named = {item.path.rsplit("/", 1)[-1]: item for item in items}   # a gitlink's `.name` is not its entry name
    check_entries(prefix, {name: _MODE_KIND.get(item.mode, OTHER) for name, item in named.items()})
    return {name: item.data_stream.read() for name, item in named.items()}


def config_in_repo(root: Path, config_path: Path) -> str | None:
    """The configuration's path inside the repository at `root` (POSIX), None when it lies outside: the
    path whose history anchors the trust root (agregat.pengesahan.akar)."""
    relative = os.path.relpath(os.path.realpath(config_path), os.path.realpath(root))
    return None if relative == ".." or relative.startswith(".." + os.sep) else Path(relative).as_posix()


def path_in_repo(repo, path: Path) -> str:
    """`data/2025-S1`: where `path` lives inside the repository (POSIX); UsageError when outside it."""
    root = os.path.realpath(repo.working_tree_dir)
    relative = os.path.relpath(os.path.realpath(path), root)
    if relative == ".." or relative.startswith(".." + os.sep):
        raise UsageError(f"Folder {path} tidak berada di dalam repositori git {root}; hanya yang di-commit di "
                         "repositori ini yang dibaca. Pakai --data-dir yang berada di dalam repositori.")
    return Path(relative).as_posix()
