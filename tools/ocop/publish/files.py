"""Writing many small output files cheaply (record pages, API files, stamps): the site build writes ~170,000."""

from __future__ import annotations

import os


def write_bytes(path: str, data: bytes) -> None:
    """One file from bytes in three syscalls, where pathlib's text write (a TextIOWrapper, its encoder, fstat and
    isatty probes) cost more CPU than the kernel's own work; a short write is continued, as open() would."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)  # as open(): the umask decides
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
