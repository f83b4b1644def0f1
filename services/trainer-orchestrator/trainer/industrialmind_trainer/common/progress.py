"""A progress bar on stderr (tqdm), so stdout stays machine-readable."""

from __future__ import annotations

import sys
from typing import Iterable, Iterator, TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress(items: Iterable[T], desc: str, total: int | None = None, enabled: bool = True) -> Iterator[T]:
    """Wraps `items` in a tqdm bar on stderr; `enabled=False` (tests, --quiet) passes them through."""
    if not enabled:
        yield from items
        return
    yield from tqdm(items, desc=desc, total=total, file=sys.stderr, leave=False, dynamic_ncols=True)
