"""Encryption of secrets at rest (environment variables, provider keys).

The key is ``OZ_SECRET_KEY`` (a Fernet key) or, when that is unset, the file ``secret.key``
in the data dir, created on first start with owner-only permissions. Losing the key makes
every stored secret unreadable; see the README. A key file that is empty or damaged stops the
start with a sentence saying so, instead of being replaced by a new key (SEC-10, SEC-11).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from loguru import logger

from oz_app.storage import DIR_MODE, FILE_MODE, StorageError, create_private_file, describe_os_error, tighten

KEY_FILE = "secret.key"


class SecretError(Exception):
    """A stored secret could not be decrypted with the current key."""


def check_key(key: str) -> str | None:
    """Return a sentence describing what is wrong with ``key``, or None if it is usable."""
    try:
        Fernet(key.encode())
    except (ValueError, TypeError):
        return (
            "OZ_SECRET_KEY is not a valid key: generate one with "
            '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`.'
        )
    return None


@dataclass(frozen=True)
class KeyFile:
    """A key kept in the data dir: how to make one, how to tell a usable one, and what the
    operator should do when the file is damaged (it is never silently replaced)."""

    name: str
    generate: Callable[[], bytes]
    is_valid: Callable[[bytes], bool]
    remedy: str


def _is_fernet_key(key: bytes) -> bool:
    return check_key(key.decode("latin-1")) is None


SECRET_KEY_FILE = KeyFile(
    KEY_FILE,
    Fernet.generate_key,
    _is_fernet_key,
    "restore it from your backup (the stored secrets need it), or delete it to start with a new key "
    "and enter every stored secret again",
)


def load_or_create_key(data_dir: Path, configured: str = "", key_file: KeyFile = SECRET_KEY_FILE) -> bytes:
    """The configured key, else the data dir's key file, created (0600, atomically) when missing.

    Raises :class:`StorageError` when the file is empty or damaged, or cannot be written.
    """
    if configured:
        return configured.encode()
    path = data_dir / key_file.name
    try:
        try:
            key = path.read_bytes().strip()
        except FileNotFoundError:
            data_dir.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            key = create_private_file(path, key_file.generate()).strip()
        else:
            if tighten(path, FILE_MODE):
                logger.warning("{} could be read by other users; now owner-only (0600)", path)
    except OSError as exc:
        raise StorageError(describe_os_error(exc, path)) from exc
    if not key_file.is_valid(key):
        state = "empty" if not key else "damaged"
        raise StorageError(f"the key file {path} is {state}: {key_file.remedy}.")
    return key


class Vault:
    """Encrypts and decrypts JSON values with one key."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)
        self._key = key

    def derive(self, purpose: str) -> bytes:
        """A key for ``purpose`` (such as signing download links) derived from the secret key:
        what it signs reveals nothing of the secret key, and every process sharing the key agrees."""
        return hmac.new(self._key, b"oz-app derived key: " + purpose.encode(), hashlib.sha256).digest()

    def seal(self, value: Any) -> str:
        return self._fernet.encrypt(json.dumps(value).encode()).decode()

    def open(self, token: str) -> Any:
        try:
            return json.loads(self._fernet.decrypt(token.encode()))
        except InvalidToken as exc:
            raise SecretError("a stored secret cannot be decrypted: was OZ_SECRET_KEY changed?") from exc
