"""The order of commits: what a statement cannot fake about its time.

A statement claims a time (`waktu`), and anyone holding a key can write any time. Its place in the git
history is different: a commit that is already in the history of `main` cannot be moved without a
force-push. So the approvals bind time to commit order (see agregat.pengesahan.riwayat_registri):

    riwayat = urutan.baca(repo, commit_sha)
    riwayat.sebelum(a, b)      # a was committed before b (see `sebelum` for the exact rule)

The order is partial on purpose: `a` comes before `b` only when `a` is a proper ancestor of `b` (b was made
on top of a). Commits on lines that are not ancestors of each other are NOT ordered, whatever the shape of
the merges that joined them: whoever makes a merge chooses which parent is first (merging `main` into an old
branch and fast-forwarding `main` to it puts that branch on the first-parent line), so the first-parent
line is no timeline and is used for listing only.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field

from agregat.core.errors import UsageError

#: The commit an act is about to make on top of the commit read (`ujung`): `approve` checks the statement it
#: would write with the very rules `verify` applies to committed ones (agregat.pengesahan.verifikasi.candidate_findings).
CALON = "calon"


@dataclass
class Riwayat:
    """Every commit reachable from one commit, with its parents, in topological order (parents first)."""

    ujung: str                                  # the commit read (the ref, resolved)
    induk: dict[str, tuple[str, ...]]           # commit → its parents (first parent first)
    topo: list[str]                             # parents before children
    garis: list[str]                            # the first-parent line, oldest first, ending at `ujung`
    masuk: dict[str, int]                       # commit → index in `garis` of the commit that brought it in
    indeks: dict[str, int]                      # commit → index in `topo`
    _leluhur: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def parents(self, commit: str) -> tuple[str, ...]:
        """The parents of `commit`; CALON's only parent is `ujung`."""
        return (self.ujung,) if commit == CALON else self.induk.get(commit, ())

    def leluhur(self, commit: str) -> frozenset[str]:
        """The proper ancestors of `commit` (of CALON: `ujung` and all its ancestors)."""
        if commit not in self._leluhur:
            seen: set[str] = set()
            stack = list(self.parents(commit))
            while stack:
                sha = stack.pop()
                if sha not in seen:
                    seen.add(sha)
                    stack.extend(self.induk.get(sha, ()))
            self._leluhur[commit] = frozenset(seen)
        return self._leluhur[commit]

    def sebelum(self, a: str, b: str) -> bool:
        """True when `a` was committed before `b`, i.e. `a` is a proper ancestor of `b`. Never true for
        a == b, nor for two commits of which neither is an ancestor of the other."""
        return a != b and a in self.leluhur(b)

    def singkat(self, commit: str) -> str:
        """A commit as messages name it: its first 12 digits, or what CALON stands for."""
        return "commit baru di atas HEAD" if commit == CALON else commit[:12]

    def posisi(self, commit: str) -> tuple[int, int]:
        """A total order consistent with `sebelum`, for listing only (never for deciding)."""
        return self.masuk[commit], self.indeks[commit]


def baca(repo, ujung: str) -> Riwayat:
    """The history reachable from the commit `ujung` (a full sha)."""
    import git

    try:
        listing = repo.git.rev_list("--topo-order", "--reverse", "--parents", ujung)
    except git.GitCommandError:
        raise UsageError(f"Riwayat git dari commit {ujung[:12]} tidak dapat dibaca.") from None
    induk: dict[str, tuple[str, ...]] = {}
    topo: list[str] = []
    for line in listing.splitlines():
        sha, *parents = line.split()
        induk[sha] = tuple(parents)
        topo.append(sha)
    garis = []
    sha: str | None = ujung
    while sha is not None:
        garis.append(sha)
        parents = induk.get(sha, ())
        sha = parents[0] if parents else None
    garis.reverse()
    masuk: dict[str, int] = {}
    for index, head in enumerate(garis):
        stack = [head]
        while stack:
            sha = stack.pop()
            if sha in masuk:
                continue
            masuk[sha] = index
            stack.extend(p for p in induk.get(sha, ()) if p not in masuk)
    return Riwayat(ujung, induk, topo, garis, masuk, {sha: i for i, sha in enumerate(topo)})


def blob_ids(repo, commits: list[str], path: str) -> dict[str, str | None]:
    """{commit: id of the blob at `path` in that commit, or None}, in one `git cat-file --batch-check`."""
    if not commits:
        return {}
    query = "".join(f"{sha}:{path}\n" for sha in commits).encode()
    done = subprocess.run(["git", "--git-dir", repo.git_dir, "cat-file", "--batch-check=%(objectname) %(objecttype)"],
                          input=query, capture_output=True, check=False)
    if done.returncode != 0:
        raise UsageError(f"Objek git {path} tidak dapat dibaca dari riwayat (git cat-file gagal).")
    found: dict[str, str | None] = {}
    for sha, line in zip(commits, done.stdout.decode("utf-8", "replace").splitlines()):
        parts = line.split()
        found[sha] = parts[0] if len(parts) == 2 and parts[1] == "blob" else None
    return found


def blob(repo, blob_id: str | None) -> bytes | None:
    """The bytes of a blob by its id (None for None)."""
    if blob_id is None:
        return None
    return repo.odb.stream(bytes.fromhex(blob_id)).read()
