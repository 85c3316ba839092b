"""Discord's hard limits, and helpers that keep every text inside them."""

from __future__ import annotations

import re

import discord

CONTENT = 2000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_TOTAL = 6000
EMBED_FIELDS = 25
BUTTON_LABEL = 80
CUSTOM_ID = 100
MODAL_TITLE = 45
ROWS = 5
BUTTONS_PER_ROW = 5

# zero-width and direction controls, soft hyphen, combining grapheme joiner, Arabic letter
# mark, Mongolian vowel separator, Hangul fillers, Braille blank and the tag characters:
# each renders as nothing (or blank) and can disguise a name or fake an empty one
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\u2800\u3164\ufeff\uffa0\U000e0000-\U000e007f]"
)


def cut(text: str, limit: int) -> str:
    """Shorten to `limit` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clean(text: str) -> str:
    """Drop zero-width and direction-override characters that could disguise text."""
    return _INVISIBLE.sub("", text)


def safe(text: str, limit: int) -> str:
    """User text for display: invisible tricks removed, markdown and mentions escaped, cut."""
    escaped = discord.utils.escape_mentions(discord.utils.escape_markdown(clean(text)))
    return cut(escaped, limit)


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Trim fields from the end until the embed fits Discord's 6000-character total."""
    while len(embed) > EMBED_TOTAL and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    if len(embed) > EMBED_TOTAL and embed.description:
        over = len(embed) - EMBED_TOTAL
        embed.description = cut(embed.description, max(len(embed.description) - over, 1))
    return embed
