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
from collections import OrderedDict, deque
from typing import Any

import anyio.to_thread

_N, _R, _P = 2**14, 8, 1


def _scrypt(token: str, salt: bytes) -> bytes:
    return hashlib.scrypt(token.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def hash_token(token: str, *, user: str = "web") -> str:
    salt = secrets.token_bytes(16)
    return f"{user}:scrypt${salt.hex()}${_scrypt(token, salt).hex()}"


def check(token: str, stored: list[str]) -> str | None:
    """The user name of the stored hash this token matches, or None. Slow on purpose (scrypt): the
    web app goes through a `Verifier`, which runs it off the event loop and remembers verdicts."""
    if not token:
        return None
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


class Verifier:
    """Checks tokens for the web app without stalling it, and slows down whoever guesses.

    scrypt runs in a worker thread, so one client's guesses never hold up the event loop that
    serves everyone else. The last `size` verdicts are remembered by a SHA-256 digest of the token
    (never the token itself), least recently used dropped first, so a writer's token costs scrypt
    once. A client (by address) that fails `per_minute` times within a minute is refused without
    a check until its oldest failure is a minute old.
    """

    def __init__(self, stored: list[str], *, size: int = 1024, per_minute: int = 10) -> None:
        self.stored = stored
        self.size = size
        self.per_minute = per_minute
        self._verdicts: OrderedDict[tuple[str, tuple[str, ...]], str | None] = OrderedDict()
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    async def user(self, token: str) -> str | None:
        """The user name a token belongs to, or None; scrypt in a thread when not remembered."""
        key = (hashlib.sha256(token.encode()).hexdigest(), tuple(self.stored))
        if key in self._verdicts:
            self._verdicts.move_to_end(key)
            return self._verdicts[key]
        verdict = await anyio.to_thread.run_sync(check, token, list(self.stored))
        self._verdicts[key] = verdict
        if len(self._verdicts) > self.size:
            self._verdicts.popitem(last=False)
        return verdict

    def wait(self, client: str) -> int:
        """Seconds this client must wait before its next try; 0 when it may try now."""
        failures = self._failures.get(client)
        if not failures or len(failures) < self.per_minute:
            return 0
        return max(1, int(failures[0] + 60 - time.monotonic()) + 1)

    def failed(self, client: str) -> None:
        now = time.monotonic()
        failures = self._failures.setdefault(client, deque(maxlen=self.per_minute))
        while failures and failures[0] < now - 60:
            failures.popleft()
        failures.append(now)
        self._failures.move_to_end(client)
        if len(self._failures) > 10_000:  # memory stays bounded however many addresses try
            self._failures.popitem(last=False)

    async def check(self, client: str, token: str) -> str | None:
        """`user`, counting a failure against the client; a client that must wait gets None unchecked."""
        if not token or self.wait(client):
            if token:
                self.failed(client)
            return None
        user = await self.user(token)
        if user is None:
            self.failed(client)
        return user
