"""The proxy a messenger's API is reached through, read from the environment as httpx and most
programs read it: HTTPS_PROXY / HTTP_PROXY by the URL's scheme, then ALL_PROXY (lower-case names
first), unless NO_PROXY exempts the host; "host:3128" means an http:// proxy. Read once per
scheme and host: aiohttp's own `trust_env` reads them, and ~/.netrc, in a worker thread at every
request (most of what a Telegram reply cost before: bench/README.md, issue 13)."""

from __future__ import annotations

import urllib.request
from urllib.parse import urlsplit


class UnsupportedProxy(ValueError):
    """The environment names a proxy chibo's clients cannot use (socks): the message says so
    without the proxy's address or password."""


class EnvironmentProxies:
    """The environment's proxy for each scheme and host, read the first time it is asked."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, str], str | None] = {}

    def for_url(self, url: str) -> str | None:
        """The proxy for `url`, or None to go directly; UnsupportedProxy for a socks one."""
        parsed = urlsplit(url)
        key = (parsed.scheme, parsed.hostname or "")
        if key not in self._found:
            proxies = urllib.request.getproxies()
            proxy = proxies.get(parsed.scheme) or proxies.get("all")
            if proxy and urllib.request.proxy_bypass(key[1]):
                proxy = None
            if proxy and "://" not in proxy:
                proxy = f"http://{proxy}"
            if proxy and not proxy.lower().startswith(("http://", "https://")):
                # not kept: the message comes back at every attempt (at start, in one line)
                scheme = proxy.split("://", 1)[0]
                raise UnsupportedProxy(
                    f"the proxy in the environment is a {scheme}:// proxy; chibo's clients "
                    "take http:// and https:// proxies only"
                )
            self._found[key] = proxy or None
        return self._found[key]
