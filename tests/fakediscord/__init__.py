"""A fake Discord (REST + gateway) for end-to-end tests of the real discord.py client.

See README.md in this package for the API, the enforced rules and how to point a bot at it.
"""

from .gateway import (
    INTENT_DIRECT_MESSAGES,
    INTENT_GUILD_MEMBERS,
    INTENT_GUILD_MESSAGES,
    INTENT_GUILDS,
    INTENT_MESSAGE_CONTENT,
)
from .harness import apply_env_overrides, patch_discord, run_bot
from .models import (
    ADMINISTRATOR,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    MANAGE_MESSAGES,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    FakeChannel,
    FakeGuild,
    FakeInteraction,
    FakeMember,
    FakeMessage,
    FakeResponse,
    FakeRole,
    FakeUpload,
    FakeUser,
    overwrite,
)
from .rest import Fault
from .server import ENV_API_BASE, ENV_GATEWAY, FakeDiscord, World

__all__ = [
    "ADMINISTRATOR",
    "DEFAULT_BOT_PERMISSIONS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "ENV_API_BASE",
    "ENV_GATEWAY",
    "INTENT_DIRECT_MESSAGES",
    "INTENT_GUILDS",
    "INTENT_GUILD_MEMBERS",
    "INTENT_GUILD_MESSAGES",
    "INTENT_MESSAGE_CONTENT",
    "MANAGE_MESSAGES",
    "SEND_MESSAGES",
    "VIEW_CHANNEL",
    "FakeChannel",
    "FakeDiscord",
    "FakeGuild",
    "FakeInteraction",
    "FakeMember",
    "FakeMessage",
    "FakeResponse",
    "FakeRole",
    "FakeUpload",
    "FakeUser",
    "Fault",
    "World",
    "apply_env_overrides",
    "overwrite",
    "patch_discord",
    "run_bot",
]
