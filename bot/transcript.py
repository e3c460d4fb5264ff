"""Render what the bot posted (Discord message payloads) as readable text,
for the demo's transcript. Works on the JSON Discord (and the loopback
Discord) store: ``content``, ``embeds``, ``components``, ``attachments``."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from typing import Any

INDENT = "    "


def _lines(text: str) -> list[str]:
    return text.splitlines() or [""]


def render_embed(embed: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    if embed.get("title"):
        out.append(f"┃ {embed['title']}")
    for line in _lines(embed.get("description", "")):
        if line.strip("`") == "" and line.startswith("```"):
            continue  # drop code fences; the text keeps its alignment
        out.append(f"┃ {line}")
    for field in embed.get("fields", []):
        out.append(f"┃ {field.get('name', '')}: {field.get('value', '')}")
    footer = (embed.get("footer") or {}).get("text")
    if footer:
        for line in textwrap.wrap(footer, 76):
            out.append(f"┃ ({line})" if line == footer else f"┃  {line}")
    return out


def render_components(components: Iterable[Mapping[str, Any]]) -> list[str]:
    buttons = [
        f"[{child.get('label') or child.get('custom_id')}]"
        for row in components
        for child in row.get("components", [])
        if child.get("type") == 2
    ]
    return [" ".join(buttons)] if buttons else []


def render_message(
    content: str | None,
    embeds: Iterable[Mapping[str, Any]] = (),
    components: Iterable[Mapping[str, Any]] = (),
    attachments: Iterable[str] = (),
    *,
    ephemeral: bool = False,
) -> str:
    lines: list[str] = []
    if ephemeral:
        lines.append("(only you can see this)")
    if content:
        lines.extend(_lines(content))
    for embed in embeds:
        lines.extend(render_embed(embed))
    lines.extend(render_components(components))
    lines.extend(f"📎 {name}" for name in attachments)
    return "\n".join(INDENT + line for line in lines)
