"""The README's promises that code can check."""

from __future__ import annotations

import re
from pathlib import Path

from bot.app import Trackside
from cogs.help._cog import command_examples
from loopback.sandbox import INVITE_PERMISSIONS

README = (Path(__file__).parent.parent / "README.md").read_text("utf-8")


def test_invite_link_grants_what_the_bot_is_tested_with() -> None:
    assert set(re.findall(r"permissions=(\d+)", README)) == {str(INVITE_PERMISSIONS)}
    assert f"permissions integer `{INVITE_PERMISSIONS}`" in README


def test_quick_start_is_two_commands() -> None:
    block = README.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in block.strip().splitlines()] == [
        "make run",
        "make test",
    ]


async def test_every_command_is_in_the_readme(loaded_bot: Trackside) -> None:
    names = [name for name, _, _ in command_examples(loaded_bot.tree)]
    table = README.split("## Commands", 1)[1].split("## Operating it", 1)[0]
    # The command column only: "/wod today", or a grouped `/config channel\|post-time…`.
    cells = [line.split(" | ")[0] for line in table.splitlines() if line.startswith("| `/")]
    for name in names:
        group, _, leaf = name.rpartition(" ")
        grouped = [cell for cell in cells if group and f"`/{group} " in cell]
        assert any(f"/{name}" in cell for cell in cells) or any(
            re.search(rf"[ |]{re.escape(leaf)}(?![\w-])", cell) for cell in grouped
        ), name
