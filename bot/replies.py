"""Answers as plain data (:class:`Answer`) and what Discord shows for them, with the
one overflow rule every reply follows.

**The overflow rule.** Discord caps a message at 2,000 characters of content,
an embed at 4,096 of description, 256 of title, 1,024 per field, 2,048 of
footer and 6,000 in all (across every embed of a message). Text is never cut
inside markup: a reply that does not fit is shortened at whole lines and
whole table rows (a code block keeps its fences and says how many rows
follow), and the complete reply goes with it as an attached ``.txt`` file.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

import discord
from discord.utils import MISSING


@dataclass(frozen=True)
class Field:
    """A named part of an answer, shown as an embed field."""

    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True)
class Answer:
    kind: str  # "Same pace", "Even splits", "Equivalent performance", "VDOT", "Points", "Age grade"
    headline: str  # one line: message content, notification text and history summary
    title: str
    body: str  # embed description (markdown; tables in code blocks)
    footer: str | None = None
    # A file that always goes with the answer: (filename, text).
    attachment: tuple[str, str] | None = None
    fields: tuple[Field, ...] = ()
    # Where the whole answer goes when it does not fit a message (the overflow rule).
    file_name: str = "reply.txt"


# Colours by kind of answer, so "same pace" and "equivalent" look different.
_COLOURS = {
    "Same pace": discord.Colour.blue(),
    "Even splits": discord.Colour.teal(),
    "Equivalent performance": discord.Colour.purple(),
    "VDOT": discord.Colour.orange(),
    "Splits": discord.Colour.green(),
    "Board": discord.Colour.gold(),
    "Workout": discord.Colour.green(),
    "Settings": discord.Colour.blurple(),
    "Help": discord.Colour.blurple(),
}
CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_LIMIT = 1024
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
MAX_FIELDS = 25
MAX_EMBEDS = 10
DEFAULT_FILE = "reply.txt"


def literal_text(text: str) -> str:
    """User-typed text (a workout, its recovery and notes) shown as typed, not
    as markup: ``**``, ``||``, backticks, ``>``/``#`` at a line start and the
    rest are escaped, so nothing a user types can open or close the bot's code
    blocks, hide text behind a spoiler or turn a line into a heading."""
    return discord.utils.escape_markdown(text)


def inline_text(text: str) -> str:
    """User-typed text that sits inside one of the bot's lines (a title, an
    athlete's note or name): :func:`literal_text` on one line, whitespace runs
    (newlines included) collapsed to one space."""
    return literal_text(" ".join(text.split()))


def code_text(text: str) -> str:
    """User-typed text inside one of the bot's code blocks (a name in the board
    table). Escapes show literally in a code block, so a backtick, the only
    character that can end the block, becomes the look-alike ``ˋ``; newlines
    would break the table's rows, so whitespace runs become one space."""
    return " ".join(text.split()).replace("`", "ˋ")


# ---------------------------------------------------------------- fitting text
@dataclass
class _Block:
    """A fenced code block (``opener`` set, rows between the fences) or one
    line of text (never split: cutting a line could cut an escape or a
    mention in half)."""

    rows: list[str]
    opener: str | None = None
    hidden_rows: int = 0
    dropped: bool = False

    @property
    def is_code(self) -> bool:
        return self.opener is not None

    def render(self, file_name: str) -> str:
        if self.opener is None:
            return self.rows[0]
        rows = list(self.rows)
        if self.hidden_rows:
            rows.append(f"… {self.hidden_rows} more row(s) in {file_name}")
        return "\n".join([self.opener, *rows, "```"])


def _blocks(text: str) -> list[_Block]:
    lines = text.split("\n")
    blocks: list[_Block] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("```"):
            end = index + 1
            while end < len(lines) and lines[end].strip() != "```":
                end += 1
            blocks.append(_Block(rows=lines[index + 1 : end], opener=line))
            index = end + 1
        else:
            blocks.append(_Block(rows=[line]))
            index += 1
    return blocks


def _joined(blocks: Sequence[_Block], file_name: str, notice: str | None) -> str:
    parts = [block.render(file_name) for block in blocks if not block.dropped]
    if notice is not None:
        parts.append(notice)
    return "\n".join(parts)


def fit_markdown(text: str, limit: int, file_name: str = DEFAULT_FILE) -> tuple[str, bool]:
    """``text`` if it fits in ``limit`` characters, else a shortened copy cut
    only between lines and table rows, and ``True`` (the caller attaches the
    whole text as ``file_name``).

    Table rows go first, from the end of the biggest code block (its header
    row stays, with "… N more row(s)"), so the summary lines under a long
    table stay visible; then whole text lines from the end, replaced by a
    notice naming the file.
    """
    if len(text) <= limit:
        return text, False
    blocks = _blocks(text)
    notice: str | None = None
    while len(_joined(blocks, file_name, notice)) > limit:
        tables = [b for b in blocks if b.is_code and not b.dropped and len(b.rows) > 1]
        if tables:
            biggest = max(tables, key=lambda b: len(b.render(file_name)))
            # Remove as many rows at once as the excess needs (at least one).
            excess = len(_joined(blocks, file_name, notice)) - limit
            removed = 0
            while len(biggest.rows) > 1 and removed < max(excess, 1):
                removed += len(biggest.rows.pop()) + 1
                biggest.hidden_rows += 1
            continue
        notice = f"… the rest is in {file_name}"
        lines = [b for b in blocks if not b.dropped]
        if not lines:
            break
        lines[-1].dropped = True
    shown = _joined(blocks, file_name, notice)
    if len(shown) > limit:  # nothing but the notice fits
        shown = f"The reply is in {file_name}"[:limit]
    return shown, True


def _cut_line(text: str, limit: int) -> tuple[str, bool]:
    """One line (a title, a headline) cut at a space, never inside a word,
    an escape or a mention; ``True`` when it was cut."""
    if len(text) <= limit:
        return text, False
    cut = text.rfind(" ", 0, limit - 1)
    if cut <= 0:
        cut = limit - 1
        # Never end on a lone backslash: it would escape the ellipsis.
        while cut > 0 and text[cut - 1] == "\\":
            cut -= 1
    return text[:cut].rstrip() + "…", True


_ESCAPED = re.compile(r"\\([\\*_`~|>#\-\[\]()])")


def plain_text(markdown: str) -> str:
    """The text of a reply for the attached file: code fences dropped, escapes
    undone (the file is read as text, not as markup)."""
    lines = [line for line in markdown.split("\n") if not line.startswith("```")]
    return _ESCAPED.sub(r"\1", "\n".join(lines))


def _full_text(answer: Answer) -> str:
    parts = [plain_text(answer.title), "", plain_text(answer.body)]
    for field in answer.fields:
        parts += ["", plain_text(field.name), plain_text(field.value)]
    if answer.footer:
        parts += ["", plain_text(answer.footer)]
    return "\n".join(parts).strip() + "\n"


# ---------------------------------------------------------------- rendering
@dataclass(frozen=True)
class Rendered:
    """One message: content line, embeds and attached files, all within
    Discord's limits."""

    content: str
    embeds: list[discord.Embed]
    files: list[tuple[str, bytes]]

    def discord_files(self) -> list[discord.File]:
        return [discord.File(io.BytesIO(data), filename=name) for name, data in self.files]


def _embed(answer: Answer, budget: int) -> tuple[discord.Embed, bool]:
    name = answer.file_name
    title, cut = _cut_line(answer.title, TITLE_LIMIT)
    overflow = cut
    footer = None
    if answer.footer:
        footer, cut = _cut_line(answer.footer, FOOTER_LIMIT)
        overflow |= cut
    fields: list[Field] = []
    for field in answer.fields[:MAX_FIELDS]:
        value = field.value
        if len(value) > FIELD_LIMIT:
            value, _ = fit_markdown(value, FIELD_LIMIT, name)
            overflow = True
        fields.append(Field(field.name[:TITLE_LIMIT], value, field.inline))
    overflow |= len(answer.fields) > MAX_FIELDS
    fixed = len(title) + len(footer or "") + sum(len(f.name) + len(f.value) for f in fields)
    body, cut = fit_markdown(answer.body, max(0, min(DESCRIPTION_LIMIT, budget - fixed)), name)
    overflow |= cut
    embed = discord.Embed(
        title=title,
        description=body or None,
        colour=_COLOURS.get(answer.kind, discord.Colour.dark_grey()),
    )
    for field in fields:
        embed.add_field(name=field.name, value=field.value or "—", inline=field.inline)
    if footer:
        embed.set_footer(text=footer)
    return embed, overflow


def render(answers: Sequence[Answer], content: str | None = None) -> Rendered:
    """The message for one or more answers (a chat reply may carry several):
    the first answer's headline as content unless ``content`` is given, one
    embed each, and the overflow rule applied to the message as a whole."""
    shown = list(answers)[:MAX_EMBEDS]
    budget = EMBED_TOTAL_LIMIT // max(1, len(shown))
    embeds: list[discord.Embed] = []
    overflowed: list[Answer] = []
    for answer in shown:
        embed, overflow = _embed(answer, budget)
        embeds.append(embed)
        if overflow:
            overflowed.append(answer)
    headline = content if content is not None else (shown[0].headline if shown else "")
    line, cut = _cut_line(headline, CONTENT_LIMIT)
    files: dict[str, str] = {}
    for answer in shown:
        if answer.attachment is not None:  # a table the answer always attaches
            files[answer.attachment[0]] = answer.attachment[1]
    for answer in [*overflowed, *list(answers)[MAX_EMBEDS:]]:
        name = answer.file_name
        if name not in files:
            files[name] = _full_text(answer)
        elif answer.attachment is None or answer.attachment[0] != name:
            files[name] += "\n" + _full_text(answer)
    if cut:
        name = shown[0].file_name if shown else DEFAULT_FILE
        files[name] = plain_text(headline) + "\n\n" + files.get(name, "")
    return Rendered(
        content=line,
        embeds=embeds,
        files=[(name, text.encode("utf-8")) for name, text in files.items()],
    )


async def send_answer(
    interaction: discord.Interaction,
    answer: Answer | Sequence[Answer] | str,
    *,
    ephemeral: bool = False,
    content: str | None = None,
) -> None:
    """The one way a command replies: an answer's headline as content
    (notifications show it), its embed and any attached file; several
    answers, an embed each (the first one's headline, or ``content``, as
    content); or a plain line. After a defer, as the followup. Never pings
    anyone."""
    if isinstance(answer, str):
        content, line_cut = _cut_line(answer, CONTENT_LIMIT)
        rendered = Rendered(
            content,
            [],
            [(DEFAULT_FILE, answer.encode("utf-8"))] if line_cut else [],
        )
    elif isinstance(answer, Answer):
        rendered = render([answer], content=content)
    else:
        rendered = render(answer, content=content)
    send = (
        interaction.followup.send
        if interaction.response.is_done()
        else interaction.response.send_message
    )
    await send(
        rendered.content,
        # MISSING, not [], when there is nothing: an empty list is still sent.
        embeds=rendered.embeds or MISSING,
        files=rendered.discord_files() or MISSING,
        ephemeral=ephemeral,
        allowed_mentions=discord.AllowedMentions.none(),
    )
