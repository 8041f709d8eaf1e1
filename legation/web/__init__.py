"""The web app and REST API over the core: `legation serve`. Each page's data comes from legation.web.page_data.

FastAPI loads on first use of `create_app` or `Settings` (PEP 562), so the CLI starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from legation.web.app import create_app
    from legation.web.settings import Settings

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from legation.web.app import create_app

        return create_app
    if name == "Settings":
        from legation.web.settings import Settings

        return Settings
    raise AttributeError(name)
