"""``/wod``: the workout of the day (commands, use cases, posting, rendering)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import Trackside


async def setup(bot: Trackside) -> None:
    # Imported here, not at the top: features use each other's use cases and
    # rendering (chat answers with pace's; a post carries splits' button), and
    # importing any module of a package would otherwise load its cog too.
    from cogs.wod._cog import Wod

    await bot.add_cog(Wod(bot))
