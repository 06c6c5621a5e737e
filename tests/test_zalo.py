"""chibo's own Zalo client and channel against a fake Zalo Bot API on 127.0.0.1: polling and
webhook, numbered choices, photos, unsupported events, repeated deliveries."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Sequence

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import Wiring
from bot.channels.replies import send_reply
from bot.channels.zalo import ZaloChannel, ZaloClient, ZaloOut, ZaloWebhook
from bot.channels.zalo.channel import SECRET_HEADER
from bot.channels.zalo.client import ZaloError, ZaloNetworkError
from bot.core.messages import Attachment, Choice, OutboundMessage
from bot.delivery.outcome import Delivered, Outcome
from bot.dispatcher.dispatch import Dispatcher
from bot.services.kept import kept_file
from bot.web.media import MediaShelf
from bot.web.server import WebhookRoute, build_app
from models import ChatAddress, DeedPhoto, DeedReport, KeptFile, ProcessedMessage
from tests.factories import Cell
from tests.fake_zalo import NOT_FOUND, OK, QUOTA, FakeZalo, ZaloFault, ZaloSent, user_id

XIEN = user_id("xien")
SECRET = "zalo-webhook_secret-42"


def _channel(fake: FakeZalo, dispatcher: Dispatcher, **options: object) -> ZaloChannel:
    client = ZaloClient(fake.token, fake.base_url)
    return ZaloChannel(
        client,
        dispatcher.handle,
        ZaloOut(client, "vi"),
        poll_seconds=1,
        retry_pause=0.1,
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture
async def zalo(zalo_fake: FakeZalo, dispatcher: Dispatcher) -> AsyncIterator[ZaloChannel]:
    """The Zalo channel, long-polling the fake server."""
    channel = _channel(zalo_fake, dispatcher)
    await channel.start()
    yield channel
    await channel.stop()


async def _say(fake: FakeZalo, text: str, expect: str, user: str = XIEN) -> ZaloSent:
    before = len(fake.to(user))
    await fake.says(user, text)
    return await fake.wait_text(user, expect, after=before)


def _number_of(sent: ZaloSent, label: str) -> str:
    """The number the numbered list shows in front of `label`."""
    match = re.search(rf"^(\d+)\. {re.escape(label)}", sent.text, re.MULTILINE)
    assert match is not None, sent.text
    return match.group(1)


async def test_link_by_code_then_report_a_deed_by_numbers_with_a_photo(
    zalo_fake: FakeZalo,
    zalo: ZaloChannel,
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _say(zalo_fake, "/start XEN234", "Chào mừng đồng chí Lò Văn Xiên")
    households = await _say(zalo_fake, "bao cao", "Việc tốt này giúp ai?")
    assert "(Trả lời bằng số thứ tự của lựa chọn.)" in households.text
    await _say(zalo_fake, _number_of(households, "Quàng Thị Ún"), "mô tả ngắn gọn việc tốt")
    kinds = await _say(zalo_fake, "Giúp việc nhà", "loại việc")
    assert "1. " in kinds.text
    await _say(zalo_fake, "nha o", "kiểm tra lại")  # the label typed without tone marks
    before = len(zalo_fake.to(XIEN))
    await zalo_fake.sends_image(XIEN, "https://photo.zdn.vn/abc/nha-tieu.jpg")
    confirm = await zalo_fake.wait_text(XIEN, "kiểm tra lại", after=before)
    assert "Số ảnh: 1" in confirm.text
    await _say(zalo_fake, _number_of(confirm, "Gửi báo cáo"), "Đã ghi nhận việc tốt tháng 11/2026")
    async with sessionmaker() as session:
        report = await session.scalar(select(DeedReport))
        photos = list(await session.scalars(select(DeedPhoto.file_ref)))
        address = await session.scalar(select(ChatAddress).where(ChatAddress.channel == "zalo"))
    assert report is not None and report.household_id == cell.households["Quàng Thị Ún"]
    assert photos == ["https://photo.zdn.vn/abc/nha-tieu.jpg"]
    assert address is not None and address.external_id == XIEN
    assert all(1 <= len(s.text) <= 2000 for s in zalo_fake.to(XIEN))


async def test_a_stranger_typing_the_code_alone_is_linked(
    zalo_fake: FakeZalo, zalo: ZaloChannel, cell: Cell
) -> None:
    invitation = await _say(zalo_fake, "xin chào", "chưa được liên kết")
    assert "/start" in invitation.text
    await _say(zalo_fake, "xen234", "Chào mừng đồng chí Lò Văn Xiên")


async def test_a_sticker_gets_a_polite_answer_and_the_chat_goes_on(
    zalo_fake: FakeZalo, zalo: ZaloChannel, cell: Cell
) -> None:
    await _say(zalo_fake, "/start XEN234", "Chào mừng đồng chí Lò Văn Xiên!")
    before = len(zalo_fake.to(XIEN))
    await zalo_fake.sends_sticker(XIEN)
    await zalo_fake.wait_text(XIEN, "chưa đọc được loại tin nhắn này", after=before)
    await _say(zalo_fake, "/ho", "Quàng Thị Ún")


async def test_long_replies_are_split_under_2000_characters(zalo_fake: FakeZalo) -> None:
    client = ZaloClient(zalo_fake.token, zalo_fake.base_url)
    lines = [f"Dòng {n}: hộ gia đình được giúp đỡ trong tháng" for n in range(150)]
    try:
        await ZaloOut(client).deliver(
            XIEN, OutboundMessage("\n".join(lines), (Choice("a", "Có"), Choice("b", "Không")))
        )
    finally:
        await client.close()
    sent = zalo_fake.to(XIEN)
    assert len(sent) >= 4 and all(len(s.text) <= 2000 for s in sent)
    received = "\n".join(s.text for s in sent).splitlines()
    assert received[:150] == lines  # every line, in order, none cut
    assert received[-3:] == ["1. Có", "2. Không", "(Trả lời bằng số thứ tự của lựa chọn.)"]


async def test_a_chart_goes_as_a_link_zalo_fetches_or_as_a_note_without_one(
    zalo_fake: FakeZalo,
) -> None:
    chart = OutboundMessage("Biểu đồ tháng 11", photo=Attachment("", "bieu-do.png", "", b"PNG"))
    shelf = MediaShelf("https://bot.example.vn")
    client = ZaloClient(zalo_fake.token, zalo_fake.base_url)
    try:
        await ZaloOut(client, media=shelf).deliver(XIEN, chart)
        await ZaloOut(client).deliver(XIEN, chart)
    finally:
        await client.close()
    photo, caption, without = zalo_fake.to(XIEN)
    assert photo.method == "sendPhoto"
    url = photo.params["photo"]
    assert url.startswith("https://bot.example.vn/media/")
    assert caption.text == "Biểu đồ tháng 11"
    assert without.text == "Biểu đồ tháng 11\n(Chưa gửi được ảnh qua Zalo.)"
    server = TestServer(build_app([], _always_healthy, shelf))
    await server.start_server()
    try:
        async with ClientSession() as http:
            async with http.get(str(server.make_url(url.removeprefix(shelf.base_url)))) as got:
                assert got.status == 200 and await got.read() == b"PNG"
                assert got.headers["Cache-Control"] == "no-store"
                assert got.headers["Content-Type"] == "image/png"
            async with http.get(str(server.make_url("/media/guess/bieu-do.png"))) as got:
                assert got.status == 404
    finally:
        await server.close()


async def _always_healthy() -> bool:
    return True


async def test_webhook_refuses_a_wrong_secret_and_handles_a_repeat_once(
    zalo_fake: FakeZalo,
    dispatcher: Dispatcher,
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    channel = _channel(
        zalo_fake, dispatcher, webhook=ZaloWebhook("https://bot.example.vn/zalo", SECRET)
    )
    await channel.start()
    assert zalo_fake.webhook == {"url": "https://bot.example.vn/zalo", "secret_token": SECRET}
    assert ("getWebhookInfo", {}) in zalo_fake.calls  # checked after setting it
    route = WebhookRoute("/zalo", SECRET_HEADER, SECRET, channel.feed)
    server = TestServer(build_app([route], _always_healthy))
    await server.start_server()
    url = str(server.make_url("/zalo"))

    async def post(body: dict[str, object], secret: str | None = SECRET) -> int:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        async with http.post(url, json=body, headers=headers) as response:
            return response.status

    def said(text: str) -> dict[str, object]:
        return zalo_fake.update(XIEN, "message.text.received", text=text)

    try:
        async with ClientSession() as http:
            link = said("/start XEN234")
            assert await post(link, None) == 403
            assert await post(link, "not-the-secret") == 403
            assert zalo_fake.to(XIEN) == []  # nothing was processed
            assert await post(link) == 200
            assert any("Chào mừng đồng chí Lò Văn Xiên" in s.text for s in zalo_fake.to(XIEN))
            report = said("/viectot")
            assert await post(report) == 200
            households = zalo_fake.to(XIEN)[-1]
            assert "Chọn một hộ" in households.text
            before = len(zalo_fake.to(XIEN))
            for repeat in (report, {"ok": True, "result": report}):  # delivered again
                assert await post(repeat) == 200
            assert len(zalo_fake.to(XIEN)) == before  # no second answer
            assert await post(said(_number_of(households, "Lò Văn Pành"))) == 200
            assert "mô tả ngắn gọn việc tốt" in zalo_fake.to(XIEN)[-1].text
    finally:
        await server.close()
        await channel.stop()
    async with sessionmaker() as session:
        handled = await session.scalar(
            select(func.count())
            .select_from(ProcessedMessage)
            .where(ProcessedMessage.channel == "zalo")
        )
    assert handled == 3


async def test_a_wrapped_webhook_body_is_read_like_a_flat_one(
    zalo_fake: FakeZalo, dispatcher: Dispatcher, cell: Cell
) -> None:
    channel = _channel(
        zalo_fake, dispatcher, webhook=ZaloWebhook("https://bot.example.vn/zalo", SECRET)
    )
    await channel.start()
    try:
        update = zalo_fake.update(XIEN, "message.text.received", text="XEN234")
        await channel.feed({"ok": True, "result": update})
    finally:
        await channel.stop()
    assert any("Chào mừng đồng chí Lò Văn Xiên" in s.text for s in zalo_fake.to(XIEN))


async def test_polling_goes_on_after_zalo_errors(
    zalo_fake: FakeZalo, zalo: ZaloChannel, cell: Cell
) -> None:
    zalo_fake.webhook = {"url": "https://elsewhere"}  # getUpdates now fails with 400
    polls = len([c for c in zalo_fake.calls if c[0] == "getUpdates"])
    for _ in range(100):  # (the poll under way, then) three refused polls in a row
        if len([c for c in zalo_fake.calls if c[0] == "getUpdates"]) >= polls + 4:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the channel stopped polling after an error")
    zalo_fake.webhook = {}
    await _say(zalo_fake, "/start XEN234", "Chào mừng đồng chí Lò Văn Xiên!")


async def test_a_429_after_the_first_part_retries_that_part_only(zalo_fake: FakeZalo) -> None:
    client = ZaloClient(zalo_fake.token, zalo_fake.base_url)
    zalo_fake.faults[XIEN] = [OK, QUOTA]  # the second part meets "quota exceeded" once
    lines = [f"Dòng {n}: nội dung thông báo dài" for n in range(120)]
    out = ZaloOut(client, quota_pause=0.05)

    async def attempt(sent: Sequence[str]) -> Outcome:
        return await out.deliver(XIEN, OutboundMessage("\n".join(lines)), sent_before=sent)

    try:
        outcome = await send_reply(attempt, channel="zalo", chat_id=XIEN)
    finally:
        await client.close()
    assert isinstance(outcome, Delivered) and outcome.complete
    received = "\n".join(s.text for s in zalo_fake.to(XIEN)).splitlines()
    assert received == lines  # every line once: the first part was not sent again
    assert out.budget.paused_seconds == pytest.approx(0.05, abs=0.01)  # Zalo's quota pause


async def test_a_refused_picture_still_delivers_the_text(zalo_fake: FakeZalo) -> None:
    client = ZaloClient(zalo_fake.token, zalo_fake.base_url)
    zalo_fake.faults[XIEN] = [ZaloFault(400, "cannot fetch the photo")]
    chart = OutboundMessage("Biểu đồ tháng 11", photo=Attachment("", "c.png", "", b"PNG"))
    try:
        await ZaloOut(client, media=MediaShelf("https://bot.example.vn")).deliver(XIEN, chart)
    finally:
        await client.close()
    [text] = zalo_fake.to(XIEN)
    assert text.text == "Biểu đồ tháng 11\n(Chưa gửi được ảnh qua Zalo.)"


def test_the_same_file_is_kept_once_and_expires() -> None:
    shelf = MediaShelf("https://bot.example.vn", ttl=60, capacity=2)
    first = shelf.put(b"chart", "c.png")
    assert shelf.put(b"chart", "c.png") == first  # a chart to a whole cell: one copy
    other = shelf.put(b"other", "o.png")
    assert other != first
    shelf.put(b"third", "t.png")  # over capacity: the oldest goes
    assert shelf.get(first.split("/")[-2]) is None
    assert shelf.get(other.split("/")[-2]) is not None
    expired = MediaShelf("https://bot.example.vn", ttl=-1)
    assert expired.get(expired.put(b"x", "x.png").split("/")[-2]) is None


def test_a_shelved_file_is_served_with_the_type_its_name_says() -> None:
    """Whatever the host's mime.types says: the bot's own charts, workbooks and documents."""
    office = "application/vnd.openxmlformats-officedocument"
    shelf = MediaShelf("https://bot.example.vn")
    types = {
        name: shelf.get(shelf.put(name.encode(), name).split("/")[-2])
        for name in ("bieu-do.PNG", "anh.jpeg", "Bao-cao-11-2026.xlsx", "ghi-chu", "x.docx")
    }
    assert {name: kept.mime_type for name, kept in types.items() if kept} == {
        "bieu-do.PNG": "image/png",
        "anh.jpeg": "image/jpeg",
        "Bao-cao-11-2026.xlsx": f"{office}.spreadsheetml.sheet",
        "ghi-chu": "application/octet-stream",
        "x.docx": f"{office}.wordprocessingml.document",
    }


async def test_the_draft_minutes_go_to_zalo_as_a_link_to_the_word_file(
    zalo_fake: FakeZalo,
) -> None:
    content = b"PK-docx-bytes"
    minutes = OutboundMessage(
        "Dự thảo biên bản cuộc họp",
        document=Attachment(
            "bien-ban.docx",
            "bien-ban.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            content,
        ),
    )
    shelf = MediaShelf("https://bot.example.vn")
    client = ZaloClient(zalo_fake.token, zalo_fake.base_url)
    try:
        await ZaloOut(client, media=shelf).deliver(XIEN, minutes)
    finally:
        await client.close()
    [sent] = zalo_fake.to(XIEN)
    assert sent.text.startswith("Dự thảo biên bản cuộc họp\n")
    url = next(word for word in sent.text.split() if word.startswith("https://bot.example.vn/"))
    server = TestServer(build_app([], _always_healthy, shelf))
    await server.start_server()
    try:
        link = str(server.make_url(url.removeprefix(shelf.base_url)))
        async with ClientSession() as http, http.get(link) as got:
            assert got.status == 200 and await got.read() == content
            assert got.headers["Content-Type"].endswith("wordprocessingml.document")
    finally:
        await server.close()


async def test_a_404_from_deletewebhook_does_not_stop_polling_from_starting(
    zalo_fake: FakeZalo, dispatcher: Dispatcher, cell: Cell
) -> None:
    # A webhook left by an earlier run; Zalo answers its deletion with 404 (as another Zalo
    # client has seen): polling starts anyway.
    zalo_fake.webhook = {"url": "https://old.example.vn/zalo", "secret_token": "x" * 8}
    zalo_fake.method_faults["deleteWebhook"] = [NOT_FOUND]
    channel = _channel(zalo_fake, dispatcher)
    await channel.start()
    zalo_fake.webhook = {}  # (the fake's 404 left it set; the real one is gone)
    try:
        await _say(zalo_fake, "/start XEN234", "Chào mừng đồng chí Lò Văn Xiên!")
    finally:
        await channel.stop()


@pytest.mark.parametrize(
    ("key", "event"),
    [("photo", True), ("photo_url", True), ("photo", False), ("photo_url", False)],
)
async def test_a_member_photo_in_any_documented_shape_is_downloaded_and_kept(
    zalo_fake: FakeZalo,
    dispatcher: Dispatcher,
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    key: str,
    event: bool,
) -> None:
    picture = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40  # a JPEG's bytes, 10 KB
    wiring = Wiring(dispatcher.settings, dispatcher)
    channel = _channel(zalo_fake, dispatcher, keep=wiring.keep_file)
    await channel.start()
    try:
        await _say(zalo_fake, "/start XEN234", "Chào mừng đồng chí Lò Văn Xiên")
        households = await _say(zalo_fake, "bao cao", "Việc tốt này giúp ai?")
        await _say(zalo_fake, _number_of(households, "Quàng Thị Ún"), "mô tả")
        await _say(zalo_fake, "Giúp việc nhà", "loại việc")
        await _say(zalo_fake, "nha o", "kiểm tra lại")
        before = len(zalo_fake.to(XIEN))
        url = zalo_fake.picture("nha-tieu.jpg", picture)
        await zalo_fake.sends_image(XIEN, url, key=key, event=event)
        confirm = await zalo_fake.wait_text(XIEN, "kiểm tra lại", after=before)
        assert "Số ảnh: 1" in confirm.text
        del zalo_fake.pictures["nha-tieu.jpg"]  # the CDN URL expires
        await _say(zalo_fake, _number_of(confirm, "Gửi báo cáo"), "Đã ghi nhận việc tốt")
    finally:
        await channel.stop()
    async with sessionmaker() as session:
        [file_ref] = list(await session.scalars(select(DeedPhoto.file_ref)))
        kept = await kept_file(session, file_ref)
    assert kept is not None and kept.content == picture and kept.mime_type == "image/jpeg"


async def test_a_picture_over_the_limit_keeps_its_url_and_the_report_goes_on(
    zalo_fake: FakeZalo,
    dispatcher: Dispatcher,
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    wiring = Wiring(dispatcher.settings, dispatcher)
    channel = _channel(zalo_fake, dispatcher, keep=wiring.keep_file, picture_bytes=1000)
    await channel.start()
    try:
        await _say(zalo_fake, "/start XEN234", "Chào mừng đồng chí Lò Văn Xiên")
        households = await _say(zalo_fake, "bao cao", "Việc tốt này giúp ai?")
        await _say(zalo_fake, _number_of(households, "Quàng Thị Ún"), "mô tả")
        await _say(zalo_fake, "Giúp việc nhà", "loại việc")
        await _say(zalo_fake, "nha o", "kiểm tra lại")
        before = len(zalo_fake.to(XIEN))
        url = zalo_fake.picture("big.jpg", b"\xff\xd8" + b"x" * 5000)
        await zalo_fake.sends_image(XIEN, url)
        confirm = await zalo_fake.wait_text(XIEN, "kiểm tra lại", after=before)
        await _say(zalo_fake, _number_of(confirm, "Gửi báo cáo"), "Đã ghi nhận việc tốt")
    finally:
        await channel.stop()
    async with sessionmaker() as session:
        assert list(await session.scalars(select(DeedPhoto.file_ref))) == [url]
        assert await session.scalar(select(func.count()).select_from(KeptFile)) == 0


async def test_zalo_is_reached_through_the_environments_proxy(
    zalo_fake: FakeZalo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fake answers as the proxy would for a host that resolves nowhere.
    proxy = zalo_fake.base_url.removesuffix("/bot")
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.setenv("NO_PROXY", "localhost")
    client = ZaloClient(zalo_fake.token, "http://bot-api.zalo.invalid/bot")
    try:
        await client.send_message(XIEN, "Chào đồng chí")
    finally:
        await client.close()
    assert [sent.text for sent in zalo_fake.to(XIEN)] == ["Chào đồng chí"]


async def test_a_socks_proxy_is_a_network_error_in_words(
    zalo_fake: FakeZalo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "socks5://user:secret@10.0.0.1:1080")
    client = ZaloClient(zalo_fake.token, zalo_fake.base_url)
    try:
        with pytest.raises(ZaloNetworkError, match="socks5:// proxy") as refused:
            await client.get_me()
    finally:
        await client.close()
    assert "secret" not in str(refused.value)


@pytest.mark.parametrize("address", ["http://[::1/anh.jpg", f"https://{'a' * 70}.vn/anh.jpg"])
async def test_a_picture_address_nothing_can_fetch_is_refused_in_words(
    zalo_fake: FakeZalo, address: str
) -> None:
    # The channel keeps such a picture as its address (it catches ZaloError), not a crash.
    client = ZaloClient(zalo_fake.token, zalo_fake.base_url)
    try:
        with pytest.raises(ZaloError) as refused:
            await client.download(address, 1_000_000)
    finally:
        await client.close()
    assert address not in str(refused.value)


async def test_an_api_call_is_not_redirected(unused_tcp_port: int) -> None:
    # A POST followed to another address would go on as a GET without its body.
    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPFound("/elsewhere")

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", moved)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", unused_tcp_port).start()
    client = ZaloClient("t", f"http://127.0.0.1:{unused_tcp_port}/bot")
    try:
        with pytest.raises(ZaloError) as refused:
            await client.send_message(XIEN, "Chào đồng chí")
        assert refused.value.code == 302
    finally:
        await client.close()
        await runner.cleanup()
