"""The one overflow rule (bot.replies): what does not fit a message is shortened
only between lines and table rows, and the whole reply goes as a .txt file."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.replies import (
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    FIELD_LIMIT,
    Answer,
    Field,
    fit_markdown,
    literal_text,
    plain_text,
    render,
)


def _table(rows: int) -> str:
    lines = ["rep  time", *(f"{n:>3}  {30 + n % 7}.{n % 100:02d}" for n in range(1, rows + 1))]
    return "```\n" + "\n".join(lines) + "\n```"


def _embed_size(embed: dict) -> int:
    return (
        len(embed.get("title") or "")
        + len(embed.get("description") or "")
        + len((embed.get("footer") or {}).get("text") or "")
        + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields") or [])
    )


def test_text_that_fits_is_left_alone() -> None:
    assert fit_markdown("short\n```\na\n```", 100) == ("short\n```\na\n```", False)


def test_a_long_table_keeps_its_fences_its_header_and_the_lines_after_it() -> None:
    body = _table(200) + "\n**250 m** ×200: average 33.00\nOverall: 1:40:00.0"
    shown, cut = fit_markdown(body, 1000, "splits.txt")
    assert cut
    assert len(shown) <= 1000
    assert shown.count("```") == 2  # opened and closed
    assert shown.startswith("```\nrep  time\n  1  31.01")
    assert "more row(s) in splits.txt\n```" in shown
    # The summary under the table stays visible.
    assert shown.endswith("**250 m** ×200: average 33.00\nOverall: 1:40:00.0")


def test_lines_are_dropped_whole_never_cut_inside_an_escape() -> None:
    note = literal_text("**bold** _under_ `tick` " * 60)  # one long escaped line
    body = "\n".join(["first line", note, "last line"])
    shown, cut = fit_markdown(body, 500, "reply.txt")
    assert cut and len(shown) <= 500
    assert note not in shown and "\\*" not in shown  # the escaped line went whole
    assert shown.endswith("… the rest is in reply.txt")


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(
        st.one_of(
            st.text(alphabet="ab*_`\\ |>#-", min_size=0, max_size=300).map(literal_text),
            st.integers(min_value=1, max_value=80).map(_table),
        ),
        max_size=12,
    ),
    limit=st.integers(min_value=60, max_value=4096),
)
def test_fitting_never_breaks_markup(parts: list[str], limit: int) -> None:
    body = "\n".join(parts)
    shown, cut = fit_markdown(body, limit, "reply.txt")
    assert len(shown) <= limit
    assert shown.count("```") % 2 == 0  # every code block the reply opens is closed
    if not cut:
        assert shown == body
    else:
        # Every line shown is a whole line of the body (or the rule's own notice).
        body_lines = set(body.split("\n"))
        for line in shown.split("\n"):
            assert line in body_lines or "reply.txt" in line or line == "```"


def test_a_reply_that_does_not_fit_attaches_the_whole_answer() -> None:
    note = literal_text("*" * 990)  # 990 characters typed, 1,980 escaped
    answer = Answer(
        kind="Workout",
        headline="Workout of the day",
        title="Sprint session",
        body="4 x 250m sprint + 1 x 300m",
        fields=(Field("Notes", note),),
        file_name="workout.txt",
    )
    rendered = render([answer])
    embed = rendered.embeds[0].to_dict()
    notes = next(f for f in embed["fields"] if f["name"] == "Notes")
    assert len(notes["value"]) <= FIELD_LIMIT
    assert "\\*" not in notes["value"]  # not cut mid-escape: the line went whole
    assert "workout.txt" in notes["value"]
    [(name, data)] = rendered.files
    assert name == "workout.txt"
    text = data.decode()
    assert "*" * 990 in text  # the file has the notes as typed, unescaped
    assert text.startswith("Sprint session\n")


def test_a_message_of_many_answers_stays_within_6000_characters() -> None:
    answers = [
        Answer(kind="Splits", headline=f"h{n}", title=f"Server {n}", body=_table(150))
        for n in range(4)
    ]
    rendered = render(answers, content="Your splits for Sat 28 Nov")
    sizes = [_embed_size(embed.to_dict()) for embed in rendered.embeds]
    assert sum(sizes) <= EMBED_TOTAL_LIMIT
    assert all(len(embed.description or "") <= DESCRIPTION_LIMIT for embed in rendered.embeds)
    [(name, data)] = rendered.files
    assert name == "reply.txt"
    assert data.decode().count("150  ") == 4  # every server's last row is in the file


def test_a_headline_too_long_for_content_is_cut_at_a_space_and_kept_in_the_file() -> None:
    headline = "word " * 600
    rendered = render([Answer(kind="Help", headline=headline, title="t", body="b")])
    assert len(rendered.content) <= CONTENT_LIMIT
    assert rendered.content.endswith("word…")
    assert rendered.files and headline.strip() in rendered.files[0][1].decode()


def test_plain_text_undoes_escapes_and_drops_fences() -> None:
    assert plain_text("```\na\n```\n" + literal_text("**x** `y`")) == "a\n**x** `y`"
