"""Encryption of secrets at rest (environment variables, provider keys).

The key is ``OZ_SECRET_KEY`` (a Fernet key) or, when that is unset, the file ``secret.key``
in the data dir, created on first start with owner-only permissions. Losing the key makes
every stored secret unreadable; see the README.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

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


def load_or_create_key(
    data_dir: Path, configured: str = "", name: str = KEY_FILE, generate: Callable[[], bytes] = Fernet.generate_key
) -> bytes:
    """The configured key, else the data dir's key file ``name``, created (mode 0600) when missing."""
    if configured:
        return configured.encode()
    path = data_dir / name
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    key = generate()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


class Vault:
    """Encrypts and decrypts JSON values with one key."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def seal(self, value: Any) -> str:
        return self._fernet.encrypt(json.dumps(value).encode()).decode()

    def open(self, token: str) -> Any:
        try:
            return json.loads(self._fernet.decrypt(token.encode()))
        except InvalidToken as exc:
            raise SecretError("a stored secret cannot be decrypted: was OZ_SECRET_KEY changed?") from exc
