"""Loopback fake Discord: a REST + gateway server on 127.0.0.1 that the real
discord.py client connects to, plus a driver API for acting as Discord users.

It is a generic Discord fake: it imports neither discord.py nor the Trackside
bot, so it also catches mismatches between what discord.py sends and what
Discord accepts.  See tests/README.md for the harness API.
"""

from .appcommands import DriverError
from .driver import FakeDiscord
from .models import (
    DM,
    GUILD_CATEGORY,
    GUILD_TEXT,
    GUILD_VOICE,
    Attachment,
    Channel,
    Guild,
    InteractionCallback,
    InteractionRecord,
    Member,
    Message,
    Role,
    User,
    Violation,
)
from .permissions import (
    ADD_REACTIONS,
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    ATTACH_FILES,
    DEFAULT_EVERYONE,
    EMBED_LINKS,
    MANAGE_GUILD,
    MANAGE_MESSAGES,
    MANAGE_ROLES,
    MENTION_EVERYONE,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    USE_APPLICATION_COMMANDS,
    VIEW_CHANNEL,
    permission_names,
)
from .rest import Delay, Fault, FaultPlan, Hold

__all__ = [
    "ADD_REACTIONS",
    "ADMINISTRATOR",
    "ALL_PERMISSIONS",
    "ATTACH_FILES",
    "DEFAULT_EVERYONE",
    "DM",
    "EMBED_LINKS",
    "GUILD_CATEGORY",
    "GUILD_TEXT",
    "GUILD_VOICE",
    "MANAGE_GUILD",
    "MANAGE_MESSAGES",
    "MANAGE_ROLES",
    "MENTION_EVERYONE",
    "READ_MESSAGE_HISTORY",
    "SEND_MESSAGES",
    "USE_APPLICATION_COMMANDS",
    "VIEW_CHANNEL",
    "Attachment",
    "Channel",
    "Delay",
    "DriverError",
    "FakeDiscord",
    "Fault",
    "FaultPlan",
    "Guild",
    "Hold",
    "InteractionCallback",
    "InteractionRecord",
    "Member",
    "Message",
    "Role",
    "User",
    "Violation",
    "permission_names",
]
