"""The web app and REST API over the core: `legation serve`. Each page's data comes from legation.pages."""

from legation.web.app import create_app
from legation.web.settings import Settings

__all__ = ["Settings", "create_app"]
