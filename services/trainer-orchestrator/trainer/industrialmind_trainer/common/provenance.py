"""Where a model came from: a hash of the exact input files and the git commit of the code."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path
from typing import Iterable


def data_hash(paths: Iterable[Path], root: Path | None = None) -> str:
    """sha256 over (relative name, bytes) of every file, in sorted order: the same files give the same hash
    wherever they live; renaming or editing any of them changes it."""
    digest = hashlib.sha256()
    resolved = sorted(Path(p) for p in paths)
    for path in resolved:
        name = str(path.relative_to(root)) if root is not None else path.name
        digest.update(name.encode("utf-8") + b"\0")
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        digest.update(b"\0")
    return "sha256:" + digest.hexdigest()


def git_commit(cwd: Path) -> str:
    """`git rev-parse HEAD`, with `-dirty` when tracked files have uncommitted changes; `unknown` outside git."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return head + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
