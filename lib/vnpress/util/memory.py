"""Keep the loading process's resident memory at what its data needs."""

from __future__ import annotations

import ctypes
import ctypes.util

_LIBC = ctypes.CDLL(ctypes.util.find_library("c"))


def trim() -> None:
    """Give the memory freed so far back to the system (glibc's `malloc_trim`; elsewhere nothing). Reading
    thousands of small files, shards and footers leaves freed blocks the C allocator keeps, so without this the
    loading process would grow with the corpus although its data does not."""
    if hasattr(_LIBC, "malloc_trim"):
        _LIBC.malloc_trim(0)
