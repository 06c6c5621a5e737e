"""How the dashboard answers: the headers every answer carries, an HTML page (remembering a
language chosen with ?lang=), a file to download, and the page the Telegram Mini App opens
(its one inline script posts the Mini App's initData to /web/telegram)."""

from __future__ import annotations

import secrets
from html import escape

from aiohttp import web

from bot.core.i18n import LANGUAGES, Translator

LANG_COOKIE = "chibo_lang"
HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# The Mini App's page may run its one inline script; the others run none.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'"


def html(request: web.Request, body: str, status: int = 200) -> web.Response:
    """The page `body`; a language chosen with ?lang= is remembered in a cookie."""
    response = web.Response(
        text=body,
        content_type="text/html",
        status=status,
        headers={**HEADERS, "Content-Security-Policy": CSP},
    )
    wanted = request.query.get("lang")
    if wanted in LANGUAGES:
        response.set_cookie(
            LANG_COOKIE, wanted, max_age=365 * 86400, httponly=True, samesite="Lax"
        )
    return response


def mini_app(request: web.Request, t: Translator) -> web.Response:
    """The page Telegram opens, with its script allowed by a fresh nonce."""
    nonce = secrets.token_urlsafe(12)
    body = MINI_APP.format(
        lang=t.language,
        title=escape(t.gettext("Dashboard")),
        wait=escape(t.gettext("Opening the dashboard…")),
        outside=escape(
            t.gettext("Open this page from the bot's button in Telegram, or send /bangtheodoi.")
        ),
        nonce=nonce,
    )
    response = html(request, body)
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; "
        "form-action 'self'"
    )
    return response


def download(name: str, content: bytes, content_type: str) -> web.Response:
    """The file `name` to save."""
    return web.Response(
        body=content,
        content_type=content_type,
        headers={**HEADERS, "Content-Disposition": f'attachment; filename="{name}"'},
    )


def https(request: web.Request) -> bool:
    """Whether the browser reached us over https (directly or through the reverse proxy)."""
    return request.secure or request.headers.get("X-Forwarded-Proto", "") == "https"


MINI_APP = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>{title}</title>
</head><body style="font:16px system-ui,sans-serif;padding:1em">
<form id="f" method="post" action="/web/telegram"><input type="hidden" name="init_data" id="d">
</form><p id="m">{wait}</p>
<script nonce="{nonce}">
(function () {{
  var data = "";
  var hash = new URLSearchParams(location.hash.slice(1));
  data = hash.get("tgWebAppData") || "";
  if (!data) {{ document.getElementById("m").textContent = "{outside}"; return; }}
  document.getElementById("d").value = data;
  document.getElementById("f").submit();
}})();
</script></body></html>"""
