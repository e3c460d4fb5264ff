"""``/profile``: a person's reference performance, birth year, sex and units
(private, the same in every server and in DMs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import Trackside


async def setup(bot: Trackside) -> None:
    # Imported here: pace and chat read profiles through this package's use
    # cases, and importing one of its modules must not load the cog.
    from cogs.profile._cog import ProfileCog

    await bot.add_cog(ProfileCog(bot))
