"""Discord permission bits and the permission-resolution algorithm.

The fake computes permissions exactly the way Discord does (base role
permissions, owner/administrator short-circuit, then @everyone / role /
member channel overwrites, then the implicit denials) because the most
common production failure of a bot is "works in my test server, 403 in the
real one".  Tests build the same situations with these constants.
"""

from __future__ import annotations

CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_AUDIT_LOG = 1 << 7
PRIORITY_SPEAKER = 1 << 8
STREAM = 1 << 9
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
SEND_TTS_MESSAGES = 1 << 12
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
VIEW_GUILD_INSIGHTS = 1 << 19
CONNECT = 1 << 20
SPEAK = 1 << 21
CHANGE_NICKNAME = 1 << 26
MANAGE_NICKNAMES = 1 << 27
MANAGE_ROLES = 1 << 28
MANAGE_WEBHOOKS = 1 << 29
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
SEND_MESSAGES_IN_THREADS = 1 << 38
MODERATE_MEMBERS = 1 << 40

ALL_PERMISSIONS = (1 << 51) - 1

#: What @everyone gets in a freshly created Discord server (the subset that matters here).
DEFAULT_EVERYONE = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | STREAM
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | MENTION_EVERYONE
    | USE_EXTERNAL_EMOJIS
    | CONNECT
    | SPEAK
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
    | CREATE_PUBLIC_THREADS
    | SEND_MESSAGES_IN_THREADS
)

#: ``app_permissions`` Discord reports for interactions in a DM with the bot.
DM_PERMISSIONS = (
    ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | MENTION_EVERYONE
    | USE_EXTERNAL_EMOJIS
    | USE_APPLICATION_COMMANDS
)

_NAMES = {
    value: name
    for name, value in dict(globals()).items()
    if name.isupper() and isinstance(value, int) and value and value & (value - 1) == 0
}


def permission_names(value: int) -> list[str]:
    """Names of the single bits set in ``value`` (for readable assertion messages)."""
    return [name for bit, name in sorted(_NAMES.items()) if value & bit]


def apply_overwrites(
    base: int,
    *,
    everyone: tuple[int, int] | None,
    roles: list[tuple[int, int]],
    member: tuple[int, int] | None,
) -> int:
    """Apply channel overwrites (``(allow, deny)`` pairs) in Discord's order."""
    if base & ADMINISTRATOR:
        return ALL_PERMISSIONS
    if everyone is not None:
        allow, deny = everyone
        base = (base & ~deny) | allow
    role_allow = role_deny = 0
    for allow, deny in roles:
        role_allow |= allow
        role_deny |= deny
    base = (base & ~role_deny) | role_allow
    if member is not None:
        allow, deny = member
        base = (base & ~deny) | allow
    return apply_implicit(base)


def apply_implicit(value: int) -> int:
    """Discord's implicit denials: no Send Messages removes embeds/files/mentions,
    no View Channel removes everything."""
    if value & ADMINISTRATOR:
        return ALL_PERMISSIONS
    if not value & SEND_MESSAGES:
        value &= ~(SEND_TTS_MESSAGES | MENTION_EVERYONE | EMBED_LINKS | ATTACH_FILES)
    if not value & VIEW_CHANNEL:
        return 0
    return value
