"""Write tokens, kept only as salted scrypt hashes, and signed values for cookies.

A stored token reads `user:scrypt$<salt hex>$<hash hex>`; the user name becomes the actor on every
version the token writes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

_N, _R, _P = 2**14, 8, 1


def _scrypt(token: str, salt: bytes) -> bytes:
    return hashlib.scrypt(token.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def hash_token(token: str, *, user: str = "web") -> str:
    salt = secrets.token_bytes(16)
    return f"{user}:scrypt${salt.hex()}${_scrypt(token, salt).hex()}"


def check(token: str, stored: list[str]) -> str | None:
    """The user name of the stored hash this token matches, or None."""
    # scrypt is slow on purpose; remembering a digest of each token keeps a Bearer token from paying
    # it on every request, without keeping the token itself in memory
    key = (hashlib.sha256(token.encode()).hexdigest(), tuple(stored))
    if key not in _VERIFIED:
        if len(_VERIFIED) > 1024:
            _VERIFIED.clear()
        _VERIFIED[key] = _check(token, stored)
    return _VERIFIED[key]


_VERIFIED: dict[tuple[str, tuple[str, ...]], str | None] = {}


def _check(token: str, stored: list[str]) -> str | None:
    for entry in stored:
        user, _, rest = entry.strip().rpartition(":")
        parts = rest.split("$")
        if len(parts) != 3 or parts[0] != "scrypt":
            continue
        try:
            salt, expected = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
        except ValueError:
            continue
        if hmac.compare_digest(_scrypt(token, salt), expected):
            return user or "web"
    return None


def sign(secret: str, payload: dict[str, Any]) -> str:
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()
    mac = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
    return f"{body}.{mac}"


def unsign(secret: str, value: str | None, *, max_age: int | None = None) -> dict[str, Any] | None:
    """The payload of a signed value, or None if it was tampered with or has expired."""
    if not value or "." not in value:
        return None
    body, mac = value.rsplit(".", 1)
    good = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(mac, good):
        return None
    try:
        payload: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body.encode()))
    except ValueError:
        return None
    if max_age is not None and time.time() - float(payload.get("at", 0)) > max_age:
        return None
    return payload
