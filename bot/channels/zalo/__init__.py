"""Zalo channel on the official Zalo Bot Platform, through chibo's own aiohttp client."""

from bot.channels.zalo.channel import ZaloChannel, ZaloWebhook
from bot.channels.zalo.client import ZaloClient, ZaloError
from bot.channels.zalo.factory import build
from bot.channels.zalo.sender import ZaloOut

__all__ = ["ZaloChannel", "ZaloClient", "ZaloError", "ZaloOut", "ZaloWebhook", "build"]
