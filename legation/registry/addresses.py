"""Web addresses of sources: one written form per page, and what we know of the host.

Two citations of the same page should compare equal, so an address is normalised once, on the way
in (`normalise`). Which hosts are weak evidence (mirrors, aggregators, content farms, staging hosts)
is data, declared once in `data/source_hosts.yaml`.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tld import get_fld

from legation.registry import vocabularies

TRACKING = ("utm_",)  # query-parameter prefixes that only say how a reader arrived
TRACKING_EXACT = frozenset({"fbclid", "gclid"})
SCHEMES = ("http", "https")


def _tracking(pair: str) -> bool:
    key = pair.split("=", 1)[0].lower()
    return key in TRACKING_EXACT or key.startswith(TRACKING)


@lru_cache(maxsize=65536)  # a pure function of the text, and imports cite the same pages again and again
@lru_cache(maxsize=65536)  # an import normalises every citation: most cite the same few thousand pages
def normalise(url: str) -> str:
    """Lowercase scheme and host, no trailing dot, no tracking parameters, no fragment.

    The path and the remaining query are kept byte for byte: re-encoding them could point at a
    different page. An address that is not http(s) comes back stripped but otherwise as given, for
    validation to refuse with a clear message.
    """
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in SCHEMES or not parts.netloc:
        return text
    userinfo, at, hostport = parts.netloc.rpartition("@")
    if hostport.startswith("["):  # an IPv6 literal keeps its port after the bracket
        host, _, port = hostport[1:].partition("]")
        host, port = f"[{host.lower()}]", port
    else:
        host, colon, port = hostport.partition(":")
        host, port = host.lower().rstrip("."), colon + port
    query = "&".join(p for p in parts.query.split("&") if p and not _tracking(p))
    return urlunsplit((parts.scheme.lower(), f"{userinfo}{at}{host}{port}", parts.path, query, ""))


@lru_cache(maxsize=65536)
def is_web(url: str) -> bool:
    """An http(s) address with a host: the only kind a reader can open to check a fact."""
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in SCHEMES and bool(parts.hostname)


@lru_cache(maxsize=65536)  # `check` asks about every source of every record: most cite a few pages
def host(url: str) -> str:
    """The host name of an address, lowercased and without a trailing dot ('' when there is none)."""
    return (urlsplit(url.strip()).hostname or "").rstrip(".")


@lru_cache(maxsize=65536)
def site(url: str) -> str:
    """The registrable domain (`latimes.com` for articles.latimes.com): pages on one site are one source."""
    name = host(url)
    found = get_fld(name, fix_protocol=True, fail_silently=True) if name else None
    return str(found) if found else name


@cache
def _hosts() -> dict[str, dict[str, Any]]:
    text = resources.files("legation").joinpath("data/source_hosts.yaml").read_text("utf-8")
    data: dict[str, dict[str, Any]] = vocabularies.parse_yaml(text)["hosts"]
    return data


def listed(url: str) -> dict[str, Any] | None:
    """What `source_hosts.yaml` says of this address's host (`reason`, maybe `canonical`), or None."""
    return _hosts().get(host(url))
