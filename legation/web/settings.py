"""The web app's one settings object: each setting has a name, a default and a help text.

Every setting can come from the environment as `LEGATION_<NAME>` (upper case); `legation serve`
options override the environment.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from pydantic import BaseModel, Field

from legation.web import tokens


def _figure_folder() -> str:
    """The user's cache folder (XDG), where every `serve` of this user shares the drawn charts."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "legation", "figures")


class Settings(BaseModel):
    db: str | None = Field(None, description="SQLite file or postgresql:// URL (as the global --db).")
    host: str = Field("127.0.0.1", description="Address to listen on.")
    port: int = Field(8000, ge=0, le=65535, description="Port to listen on.")
    write_tokens: list[str] = Field(
        default_factory=list,
        description="Hashed write tokens, `user:scrypt$…` as printed by `legation token`; never the token itself.",
    )
    private: bool = Field(False, description="Require a token for reads too.")
    secret_key: str = Field(
        default_factory=lambda: secrets.token_urlsafe(32),
        description="Signs session and CSRF cookies; random per process unless set.",
    )
    upload_limit: int = Field(10_000_000, ge=1, description="Largest import upload, in bytes.")
    body_limit: int = Field(
        10_000_000,
        ge=1,
        description="Largest request body other than an upload (JSON, forms), in bytes; counted while it "
        "streams in, so a larger one is refused with 413 before it is held in memory.",
    )
    query_limit: int = Field(200, ge=1, le=1000, description="Longest search query, in characters.")
    page_size_limit: int = Field(100, ge=1, le=100, description="Largest search page size (the API declares 100).")
    search_cache: int = Field(
        256,
        ge=0,
        le=100_000,
        description="Search pages kept in memory until the next write to the store; 0 turns it off.",
    )
    page_cache: int = Field(
        512,
        ge=0,
        le=100_000,
        description="Whole pages (HTML and JSON, for readers who are not logged in) kept in memory until the "
        "next write to the store; 0 turns it off.",
    )
    figure_cache: str = Field(
        default_factory=_figure_folder,
        description="Folder where drawn charts are kept, shared by the workers and kept across restarts "
        "(filed by what drew them, so never stale; at most 20,000 files); empty turns it off.",
    )
    secure_cookies: bool = Field(False, description="Mark cookies Secure (serve behind HTTPS).")
    https: bool = Field(
        False,
        description="The app is served over HTTPS (behind a proxy): send Strict-Transport-Security and mark "
        "cookies Secure.",
    )
    auth_failures: int = Field(
        10,
        ge=1,
        description="Failed token checks a client (by address) may make in a minute before it must wait (429).",
    )
    write_wait: float = Field(
        10.0,
        ge=0,
        le=600,
        description="Seconds a web write waits for another writer (such as a CLI import) before it answers "
        "503 with Retry-After.",
    )

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Settings from `LEGATION_*` variables; `LEGATION_WRITE_TOKEN` (plain) is hashed on the way in."""
        values: dict[str, Any] = {}
        for name, field in cls.model_fields.items():
            raw = os.environ.get(f"LEGATION_{name.upper()}")
            if raw is None:
                continue
            values[name] = [t for t in raw.split(",") if t.strip()] if field.annotation == list[str] else raw
        plain = os.environ.get("LEGATION_WRITE_TOKEN")
        if plain:
            values.setdefault("write_tokens", []).append(tokens.hash_token(plain, user="web"))
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(values)
