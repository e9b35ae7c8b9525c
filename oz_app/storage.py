"""The files oz-app keeps: owner-only permissions, key files written atomically, and a full disk
told apart from other failures (SEC-10..SEC-12).

Modes are set explicitly on each file and folder rather than by changing the process's umask:
the umask would also apply to everything plugins, workers and libraries create (a worker's run
folders are read by containers), while what must stay private here is a short, known list.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from loguru import logger

DIR_MODE = 0o700
FILE_MODE = 0o600
LOW_SPACE_BYTES = 1024 * 1024  # below this a SQLite database cannot be relied on to commit
RECENT_FAILURE_SECONDS = 10.0
_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
_last_full_write = -RECENT_FAILURE_SECONDS


class StorageError(Exception):
    """A problem with oz-app's files, as one sentence for whoever runs it."""


def tighten(path: Path, mode: int) -> bool:
    """Take away permissions ``path`` has beyond ``mode``; True when it had any."""
    current = path.stat().st_mode & 0o777
    if not current & ~mode:
        return False
    path.chmod(current & mode)
    return True


def prepare_data_dir(path: Path) -> None:
    """Create the data dir owner-only, tighten an existing one, and check it takes a write."""
    if path.exists() and not path.is_dir():
        raise StorageError(f"the data dir {path} is a file, not a folder: point --data-dir (or OZ_DATA_DIR) elsewhere.")
    try:
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        if tighten(path, DIR_MODE):
            logger.warning("the data dir {} was open to other users; it is now owner-only (0700)", path)
        fd, probe = tempfile.mkstemp(dir=path, prefix=".oz-write-check-")
        try:
            os.write(fd, b"ok")
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        raise StorageError(describe_os_error(exc, path)) from exc


def describe_os_error(exc: OSError, path: Path | str) -> str:
    """One sentence for a failed file operation in or on ``path``."""
    reason = (exc.strerror or str(exc)).lower()
    if exc.errno in _FULL_ERRNOS:
        return f"the disk holding {path} is full: free some space and start oz-app again."
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"cannot write to {path} ({reason}): make it writable or use another --data-dir."
    if exc.errno == errno.ENOTDIR:
        return f"cannot use {path}: a part of that path is a file, not a folder."
    return f"cannot use {path} ({reason})."


def create_private_file(path: Path, data: bytes) -> bytes:
    """Create ``path`` (0600) holding ``data``, or return what it holds if it already exists.

    The bytes go to a temporary file in the same folder and reach the disk (fsync) before that
    file is linked as ``path``: a full disk or a crash never leaves ``path`` empty or partial,
    and a link never replaces a file, so of two processes creating it at once the second one
    uses the first one's.
    """
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return path.read_bytes()
        _fsync_dir(path.parent)
        return data
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def secure_sqlite_file(path: Path) -> None:
    """Create the database file (and its folder) owner-only before SQLite opens it; tighten an
    existing one with its ``-wal`` and ``-shm``. SQLite gives the ``-wal`` and ``-shm`` it
    creates the mode of the database file, so they are private too."""
    path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    siblings = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    tightened = [str(file) for file in siblings if file.exists() and tighten(file, FILE_MODE)]
    if tightened:
        logger.warning("{} could be read by other users; now owner-only (0600)", ", ".join(tightened))


def causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, what it wraps (Tortoise keeps the driver's error in ``args``), and its causes."""
    seen: set[int] = set()
    pending = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [arg for arg in current.args if isinstance(arg, BaseException)]
        pending += [link for link in (current.__cause__, current.__context__) if link is not None]


def is_disk_full(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) says the disk or the database's storage is full:
    ENOSPC, SQLite's SQLITE_FULL or PostgreSQL's disk_full (53100)."""
    for cause in causes(exc):
        if isinstance(cause, OSError) and cause.errno in _FULL_ERRNOS:
            return True
        if getattr(cause, "sqlite_errorname", "") == "SQLITE_FULL" or getattr(cause, "sqlstate", "") == "53100":
            return True
        text = str(cause).lower()
        if "database or disk is full" in text or "no space left on device" in text:
            return True
    return False


def note_full_write() -> None:
    """Remember that a write just failed for want of space (``/health`` reports it for a while)."""
    global _last_full_write
    _last_full_write = time.monotonic()


def space_problem(folder: Path | None) -> str | None:
    """Why the database cannot write now, if it is for want of space, as a sentence; cheap (one
    statvfs). ``folder`` holds a SQLite database; for PostgreSQL (None), whose disk cannot be
    measured from here, a write that failed for want of space in the last seconds tells."""
    if folder is None:
        if time.monotonic() - _last_full_write < RECENT_FAILURE_SECONDS:
            return "The disk holding the database is full: a write failed for want of space."
        return None
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return None
    if free < LOW_SPACE_BYTES:
        return f"The disk holding {folder} is full ({free // 1024} KiB free): free some space."
    return None
