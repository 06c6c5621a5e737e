"""The dashboard's routes on chibo's HTTP server.

Sign-in: GET /web/signin/{token} (a single-use link the bot sent) or POST /web/telegram (the
Mini App's `initData`, posted by /web/app); both set the session cookie and go to /web/.
Pages: /web/ (the viewer's whole scope), /web/org/{id}, /web/member/{id},
/web/export/{id}/{period} (the workbook), /web/document/{id}/{period} (a cell's report or a
committee's summary, .docx), /web/yearbook/{id}/{year} (the members' year records, .docx),
/web/minutes/{meeting id} (a meeting's draft minutes, .docx). Every page checks the session,
then the scope: without a session or without a role the answer is 403 whatever is asked; an
organisation, member or meeting outside the viewer's scope is 404, exactly like one that does
not exist. Every page shown is audited."""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock, month_start
from bot.core.i18n import LANGUAGES, Translator, translator
from bot.reports.period import Period, parse_period
from bot.reports.scope import Scope
from bot.services.audit import record_audit
from bot.services.errors import DomainError, InvalidInputError
from bot.services.web_access import current_member, telegram_member, use_sign_in
from bot.web.dashboard import pages, responses
from bot.web.dashboard.auth import COOKIE, Sessions, check_init_data
from bot.web.dashboard.responses import HEADERS, LANG_COOKIE
from bot.web.dashboard.views import PastCounts, member_page, org_page, viewer_scope
from models import Meeting, Member, Organisation

log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# What builds a download: (session, organisation, period, tz, actor id, now) -> (name, bytes).
Builder = Callable[
    [AsyncSession, Organisation, Period, ZoneInfo, int, datetime], Awaitable[tuple[str, bytes]]
]


@dataclass
class Dashboard:
    """The dashboard over a database: sessions under `key`, Telegram Mini App sign-in with
    `telegram_token` (None: not offered)."""

    sessionmaker: async_sessionmaker[AsyncSession]
    clock: Clock
    tz: ZoneInfo
    language: str = "vi"
    telegram_token: str | None = None
    key: bytes = b""

    def __post_init__(self) -> None:
        self.sessions = Sessions(self.key or secrets.token_bytes(32))
        self.past = PastCounts()

    def mount(self, app: web.Application) -> None:
        """Add the dashboard's routes to `app`."""
        app.router.add_get("/web/signin/{token}", self.sign_in)
        app.router.add_get("/web/app", self.mini_app)
        app.router.add_post("/web/telegram", self.telegram)
        app.router.add_get("/web/logout", self.logout)
        app.router.add_get("/web/", self.overview)
        app.router.add_get("/web/org/{org_id:[0-9]{1,12}}", self.organisation)
        app.router.add_get("/web/member/{member_id:[0-9]{1,12}}", self.member)
        app.router.add_get("/web/export/{org_id:[0-9]{1,12}}/{period}", self.export)
        app.router.add_get("/web/document/{org_id:[0-9]{1,12}}/{period}", self.report_document)
        app.router.add_get("/web/yearbook/{org_id:[0-9]{1,12}}/{year:[0-9]{4}}", self.yearbook)
        app.router.add_get("/web/minutes/{meeting_id:[0-9]{1,12}}", self.minutes)

    # --- helpers -------------------------------------------------------------------------

    def _t(self, request: web.Request) -> Translator:
        wanted = request.query.get("lang") or request.cookies.get(LANG_COOKIE) or self.language
        return translator(wanted if wanted in LANGUAGES else self.language)

    def _denied(self, request: web.Request) -> web.Response:
        t = self._t(request)
        return responses.html(
            request,
            pages.message_page(
                t,
                t.gettext("Dashboard"),
                t.gettext(
                    "Open the dashboard from the chat: send /bangtheodoi to the bot. It is "
                    "for cell secretaries and Party committee members."
                ),
            ),
            status=403,
        )

    def _missing(self, request: web.Request) -> web.Response:
        t = self._t(request)
        return responses.html(
            request,
            pages.message_page(t, t.gettext("Not found"), t.gettext("There is no such page.")),
            status=404,
        )

    def _start_session(
        self, request: web.Request, member_id: int, language: str | None
    ) -> web.Response:
        """The session cookie, and the member's own language (/ngonngu) unless the browser
        chose one already."""
        response = web.Response(status=303, headers={"Location": "/web/"})
        if language in LANGUAGES and LANG_COOKIE not in request.cookies:
            response.set_cookie(
                LANG_COOKIE, language, max_age=365 * 86400, httponly=True, samesite="Lax"
            )
        response.set_cookie(
            COOKIE,
            self.sessions.issue(member_id),
            max_age=int(self.sessions.seconds),
            path="/web/",
            httponly=True,
            secure=responses.https(request),
            samesite="Lax",
        )
        response.headers.update(HEADERS)
        return response

    def _now(self) -> datetime:
        return self.clock.now()

    async def _viewer(
        self, request: web.Request, session: AsyncSession
    ) -> tuple[int, Scope] | None:
        """The signed-in leader and their scope, or None (no session, or no role now)."""
        member_id = self.sessions.member(request.cookies.get(COOKIE))
        if member_id is None or await current_member(session, member_id) is None:
            return None
        scope = await viewer_scope(session, member_id)
        if not scope.cells:
            return None
        return member_id, scope

    async def _language(self, session: AsyncSession, member_id: int | None) -> str | None:
        """For a member signing in: the sign-in audited, and their language."""
        if member_id is None:
            return None
        self._audit(session, member_id, "signed_in_web", "member", member_id)
        return await session.scalar(select(Member.language).where(Member.id == member_id))

    def _audit(
        self, session: AsyncSession, member_id: int, action: str, kind: str, subject: int | None
    ) -> None:
        record_audit(
            session,
            at=self._now(),
            actor_member_id=member_id,
            action=action,
            subject_type=kind,
            subject_id=subject,
            via="web",
        )

    # --- sign-in ---------------------------------------------------------------------------

    async def sign_in(self, request: web.Request) -> web.StreamResponse:
        """A single-use link: spend it and start a session."""
        async with self.sessionmaker() as session, session.begin():
            member_id = await use_sign_in(session, request.match_info["token"], self._now())
            language = await self._language(session, member_id)
        if member_id is None:
            t = self._t(request)
            log.info("dashboard: refused a used, expired or unknown sign-in link")
            return responses.html(
                request,
                pages.message_page(
                    t,
                    t.gettext("This link no longer works"),
                    t.gettext(
                        "A sign-in link works once, for a few minutes. Send /bangtheodoi to "
                        "the bot for a new one."
                    ),
                ),
                status=403,
            )
        log.info("dashboard: member %s signed in by link", member_id)
        return self._start_session(request, member_id, language)

    async def mini_app(self, request: web.Request) -> web.StreamResponse:
        """The page Telegram opens: posts its initData to /web/telegram."""
        return responses.mini_app(request, self._t(request))

    async def telegram(self, request: web.Request) -> web.StreamResponse:
        """The Mini App's initData: check it, find the member, start a session."""
        if self.telegram_token is None:
            return self._denied(request)
        form = await request.post()
        init_data = form.get("init_data")
        user = check_init_data(
            init_data if isinstance(init_data, str) else "", self.telegram_token, time.time()
        )
        if user is None:
            log.info("dashboard: refused Telegram initData (bad signature or too old)")
            return self._denied(request)
        async with self.sessionmaker() as session, session.begin():
            member_id = await telegram_member(session, user.id)
            language = await self._language(session, member_id)
        if member_id is None:
            return self._denied(request)
        log.info("dashboard: member %s signed in from Telegram", member_id)
        return self._start_session(request, member_id, language)

    async def logout(self, request: web.Request) -> web.StreamResponse:
        """End the session."""
        t = self._t(request)
        response = responses.html(
            request,
            pages.message_page(
                t,
                t.gettext("Signed out"),
                t.gettext("You have signed out. Send /bangtheodoi to the bot to come back."),
            ),
        )
        response.del_cookie(COOKIE, path="/web/")
        return response

    # --- pages -----------------------------------------------------------------------------

    async def overview(self, request: web.Request) -> web.StreamResponse:
        """The viewer's whole scope."""
        return await self._org(request, None)

    async def organisation(self, request: web.Request) -> web.StreamResponse:
        """One organisation of the viewer's scope."""
        return await self._org(request, int(request.match_info["org_id"]))

    async def _org(self, request: web.Request, org_id: int | None) -> web.StreamResponse:
        t = self._t(request)
        now = self._now()
        async with self.sessionmaker() as session, session.begin():
            viewer = await self._viewer(request, session)
            if viewer is None:
                return self._denied(request)
            member_id, scope = viewer
            if org_id is not None and len(scope.roots) == 1 and org_id == scope.root.id:
                org_id = None
            month = month_start(now.astimezone(self.tz).date())
            page = await org_page(session, scope, org_id, month, now, self.tz, self.past)
            if page is None:
                return self._missing(request)
            self._audit(session, member_id, "viewed_dashboard", "organisation", org_id)
        crumbs = _crumbs(scope, page.node.org.id or None)
        return responses.html(request, pages.org_html(t, page, crumbs, self.tz, now))

    async def member(self, request: web.Request) -> web.StreamResponse:
        """A member's year, for a leader whose scope holds the member's cell."""
        t = self._t(request)
        now = self._now()
        wanted = int(request.match_info["member_id"])
        async with self.sessionmaker() as session, session.begin():
            viewer = await self._viewer(request, session)
            if viewer is None:
                return self._denied(request)
            member_id, scope = viewer
            month = month_start(now.astimezone(self.tz).date())
            page = await member_page(session, scope, wanted, month, now, self.tz)
            if page is None:
                return self._missing(request)
            self._audit(session, member_id, "viewed_dashboard_member", "member", wanted)
            cell_id = await session.scalar(select(Member.cell_id).where(Member.id == wanted))
        crumbs = _crumbs(scope, cell_id) + [(page.member.name, "")]
        return responses.html(request, pages.member_html(t, page, crumbs, self.tz))

    async def export(self, request: web.Request) -> web.StreamResponse:
        """The workbook of an organisation of the viewer's scope for a period."""
        from bot.reports.export import build_report  # openpyxl: when asked

        return await self._download(request, build_report, XLSX)

    async def report_document(self, request: web.Request) -> web.StreamResponse:
        """A cell's report, or a committee's summary, for a period (Word)."""
        from bot.reports.documents.build import build_report_document  # python-docx: when asked

        return await self._download(request, build_report_document, DOCX)

    async def _download(
        self, request: web.Request, build: Builder, content_type: str
    ) -> web.StreamResponse:
        """A file of an organisation of the viewer's scope for a period: built (and audited)
        by `build`, rendered off the event loop."""
        org_id = int(request.match_info["org_id"])
        period_text = request.match_info["period"]
        if not re.fullmatch(r"\d{4}(-Q[1-4]|-\d{1,2})?", period_text):
            return self._missing(request)
        async with self.sessionmaker() as session, session.begin():
            viewer = await self._viewer(request, session)
            if viewer is None:
                return self._denied(request)
            member_id, scope = viewer
            if scope.narrow(org_id) is None:
                return self._missing(request)
            try:
                this_month = month_start(self._now().astimezone(self.tz).date())
                period = parse_period(period_text, this_month)
            except DomainError:
                return self._missing(request)
            org = await session.get(Organisation, org_id)
            assert org is not None
            name, content = await build(session, org, period, self.tz, member_id, self._now())
        return responses.download(name, content, content_type)

    async def yearbook(self, request: web.Request) -> web.StreamResponse:
        """The year records of the members of an organisation of the viewer's scope (Word)."""
        from bot.reports.documents.build import build_yearbook  # python-docx: when asked

        org_id = int(request.match_info["org_id"])
        year = int(request.match_info["year"])
        async with self.sessionmaker() as session, session.begin():
            viewer = await self._viewer(request, session)
            if viewer is None:
                return self._denied(request)
            member_id, scope = viewer
            org = await session.get(Organisation, org_id)
            if scope.narrow(org_id) is None or org is None:
                return self._missing(request)
            try:
                name, content = await build_yearbook(
                    session, org, year, self.tz, member_id, self._now()
                )
            except InvalidInputError as error:
                return self._refused(request, error)
        return responses.download(name, content, DOCX)

    async def minutes(self, request: web.Request) -> web.StreamResponse:
        """The draft minutes of a meeting of a cell of the viewer's scope (Word)."""
        from bot.reports.documents.build import build_minutes  # python-docx: when asked

        meeting_id = int(request.match_info["meeting_id"])
        async with self.sessionmaker() as session, session.begin():
            viewer = await self._viewer(request, session)
            if viewer is None:
                return self._denied(request)
            member_id, scope = viewer
            cell_id = await session.scalar(select(Meeting.cell_id).where(Meeting.id == meeting_id))
            actor = await session.get(Member, member_id)
            if cell_id not in {cell.id for cell in scope.cells} or actor is None:
                return self._missing(request)
            try:
                name, content = await build_minutes(
                    session, meeting_id, actor, self.tz, self._now()
                )
            except InvalidInputError as error:
                return self._refused(request, error)
            except DomainError:  # not theirs to lead after all: as if it did not exist
                return self._missing(request)
        return responses.download(name, content, DOCX)

    def _refused(self, request: web.Request, error: DomainError) -> web.Response:
        t = self._t(request)
        return responses.html(
            request,
            pages.message_page(t, t.gettext("Downloads"), error.render(t)),
            status=409,
        )


def _crumbs(scope: Scope, org_id: int | None) -> list[tuple[str, str]]:
    orgs = {org.id: (org.name, org.parent_id) for org in scope.orgs}
    top_ids = {root.id for root in scope.roots}
    trail: list[tuple[str, str]] = []
    while org_id is not None and org_id in orgs:
        name, parent = orgs[org_id]
        trail.append((name, f"/web/org/{org_id}" if org_id not in top_ids else "/web/"))
        if org_id in top_ids:
            break
        org_id = parent
    trail.reverse()
    if len(scope.roots) != 1:
        trail.insert(0, ("⌂", "/web/"))
    return trail
