"""/pace and /help end to end: the real bot on the loopback Discord, driven
the way Discord delivers slash commands."""

from __future__ import annotations

import sys

import pytest

from db import PaceHistory
from tests.e2e.conftest import Club

pytestmark = pytest.mark.asyncio(loop_scope="module")

STRING = 3


def _description(message) -> str:
    assert message.embeds, "expected an embed"
    return message.embeds[0]["description"]


async def _history_count(club: Club) -> int:
    return await PaceHistory(club.bot.db).count()


async def test_startup_syncs_every_pace_command_with_typed_options(club: Club) -> None:
    for scope in (club.guild, None):  # the dev guild copy and the global set
        commands = {c["name"]: c for c in club.fake.commands(scope)}
        assert {"pace", "help"} <= set(commands)
        pace = {sub["name"]: sub for sub in commands["pace"]["options"]}
        assert set(pace) == {
            "convert",
            "laps",
            "predict",
            "vdot",
            "score",
            "agegrade",
            "history",
        }
        options = {o["name"]: o for o in pace["predict"]["options"]}
        assert list(options) == ["time", "distance", "target", "sex"]
        assert all(o["type"] == STRING for o in options.values())
        assert [o["required"] for o in options.values()] == [True, True, False, False]
        assert [c["value"] for c in options["sex"]["choices"]] == ["male", "female"]


async def test_convert_gives_the_seed_numbers(club: Club, clean_fake) -> None:
    itx = await club.fake.slash(
        club.ana, "pace convert", {"time": "37.47", "distance": "300m"}, channel=club.general
    )
    reply = await itx.wait_reply()
    assert not reply.ephemeral
    assert reply.content.startswith("37.47 for 300 m = 49.96 per 400 m")
    table = _description(reply)
    assert "per 400 m   49.96" in table
    assert "per km    2:04.90" in table
    assert "per mile  3:21.01" in table
    assert "28.82 km/h" in table
    assert "Same pace" in reply.embeds[0]["title"]
    assert reply.allowed_mentions == {"parse": []}


async def test_laps_for_the_record_mile_and_a_1500(club: Club, clean_fake) -> None:
    itx = await club.fake.slash(
        club.ana, "pace laps", {"time": "3:56.13", "distance": "mile"}, channel=club.general
    )
    reply = await itx.wait_reply()
    assert "58.69 per 400 m" in reply.content
    assert "splits 1:00.06, 1:58.75, 2:57.44, 3:56.13" in reply.content
    assert "409.34 m" in _description(reply).splitlines()[2]

    itx = await club.fake.slash(
        club.ben, "pace laps", {"time": "3:38.81", "distance": "1500m"}, channel=club.general
    )
    first_split = _description(await itx.wait_reply()).splitlines()[2].split()
    assert first_split == ["1", "300", "m", "43.76", "43.76"]


async def test_predict_names_each_model_and_flags_ranges(club: Club, clean_fake) -> None:
    itx = await club.fake.slash(
        club.ana,
        "pace predict",
        {"time": "3:56.13", "distance": "mile", "target": "1500m"},
        channel=club.general,
    )
    reply = await itx.wait_reply()
    assert "3:39.16 Riegel" in reply.content
    assert "equivalent performance" in reply.content

    itx = await club.fake.slash(
        club.ana, "pace predict", {"time": "3:56.13", "distance": "mile"}, channel=club.general
    )
    table = _description(await itx.wait_reply()).splitlines()
    assert table[1].split() == ["Riegel", "Cameron", "VDOT", "WA", "pts"]
    row_400 = next(line for line in table if line.startswith("400"))
    assert row_400.count("*") == 3  # every model is out of range at 400 m
    # ...where equal World Athletics points answer instead: 3:56.13 mile = 1123 points.
    assert row_400.split()[-1] == "45.83"


async def test_vdot_matches_daniels(club: Club, clean_fake) -> None:
    itx = await club.fake.slash(
        club.ben, "pace vdot", {"time": "20:00", "distance": "5k"}, channel=club.general
    )
    reply = await itx.wait_reply()
    assert reply.content == "VDOT 49.8 from 20:00.0 for 5 km"
    zones = [line.split()[0] for line in _description(reply).splitlines()[2:-1]]
    assert zones == ["zone", "E", "E", "M", "T", "I", "R"]


async def test_pace_works_in_a_dm(club: Club, clean_fake) -> None:
    itx = await club.fake.slash(
        club.ben, "pace convert", {"time": "29.78", "distance": "250"}, dm=True
    )
    reply = await itx.wait_reply()
    assert "47.65 per 400 m" in reply.content


async def test_history_lists_the_callers_answers_privately(club: Club, clean_fake) -> None:
    itx = await club.fake.slash(club.coach, "pace history", {}, channel=club.general)
    reply = await itx.wait_reply()
    assert reply.ephemeral
    assert "No pace answers yet" in reply.content

    for time in ("60", "61", "62"):
        itx = await club.fake.slash(
            club.coach, "pace convert", {"time": time, "distance": "400"}, channel=club.general
        )
        await itx.wait_reply()
    itx = await club.fake.slash(club.coach, "pace history", {}, channel=club.general)
    reply = await itx.wait_reply()
    assert reply.ephemeral
    lines = _description(reply)
    order = [lines.index(f"time={t} distance=400") for t in ("62", "61", "60")]
    assert order == sorted(order)  # newest first
    assert "37.47" not in lines  # only the caller's own answers


BAD_INPUTS = [
    ("pace convert", {"time": " ", "distance": "300m"}, "no time given"),
    ("pace convert", {"time": "-37.47", "distance": "300m"}, "negative"),
    ("pace convert", {"time": "fast", "distance": "300m"}, "fast"),
    ("pace convert", {"time": "1:75", "distance": "300m"}, "1:75"),
    ("pace convert", {"time": "49:00:00", "distance": "marathon"}, "48 hours"),
    ("pace convert", {"time": "37.47", "distance": "far"}, "far"),
    ("pace convert", {"time": "37.47", "distance": "0m"}, "0"),
    ("pace laps", {"time": "3:56.13", "distance": "mile", "lap": "2 miles"}, "lap"),
    ("pace predict", {"time": "3:56.13", "distance": "mile", "target": "moon"}, "moon"),
    ("pace vdot", {"time": "1:75", "distance": "5k"}, "1:75"),
]


@pytest.mark.parametrize(("command", "options", "named"), BAD_INPUTS)
async def test_bad_input_is_an_ephemeral_error_with_an_example_and_stores_nothing(
    club: Club, clean_fake, command: str, options: dict[str, str], named: str
) -> None:
    before = await _history_count(club)
    itx = await club.fake.slash(club.ana, command, options, channel=club.general)
    reply = await itx.wait_reply()
    assert reply.ephemeral
    assert named.lower() in reply.content.lower()
    assert "Example: `" in reply.content
    assert reply.allowed_mentions == {"parse": []}
    assert await _history_count(club) == before


@pytest.mark.parametrize(
    "sneaky", ["@everyone", "@here", "<@&{role}>", "<@{user}>", "37.47 @everyone"]
)
async def test_no_reply_can_ping(club: Club, clean_fake, sneaky: str) -> None:
    text = sneaky.format(role=club.coach_role.id, user=club.coach.user.id)
    itx = await club.fake.slash(
        club.ana, "pace convert", {"time": text, "distance": text}, channel=club.general
    )
    reply = await itx.wait_reply()
    assert reply.allowed_mentions == {"parse": []}
    assert reply.mentions == [] and reply.mention_roles == []


async def test_help_lists_every_command_with_an_example(club: Club, clean_fake) -> None:
    itx = await club.fake.slash(club.ana, "help", {}, dm=True)
    reply = await itx.wait_reply()
    assert reply.ephemeral
    text = _description(reply)
    for name in ("pace convert", "pace laps", "pace predict", "pace vdot", "pace history"):
        assert f"**/{name}**" in text
    assert "`/pace convert time:37.47 distance:300m`" in text


async def test_bot_resumes_after_a_gateway_disconnect(club: Club, clean_fake) -> None:
    await club.fake.disconnect_gateway(resume=True)
    itx = await club.fake.slash(
        club.ana, "pace convert", {"time": "37.47", "distance": "300m"}, channel=club.general
    )
    assert "49.96" in (await itx.wait_reply()).content


async def test_a_long_split_table_comes_as_a_text_file(club: Club, clean_fake) -> None:
    itx = await club.fake.slash(
        club.ana,
        "pace laps",
        {"time": "2:05:30", "distance": "marathon", "lap": "250m"},
        channel=club.general,
    )
    reply = await itx.wait_reply()
    assert [a.filename for a in reply.attachments] == ["splits.txt"]
    lines = reply.attachments[0].data.decode().splitlines()
    assert lines[0] == "Even splits: 2:05:30.0 for a marathon"
    laps = [line for line in lines if line.strip()[:1].isdigit()]
    assert len(laps) == 169  # 168 laps of 250 m and the odd 195 m
    assert laps[-1].split()[-1] == "2:05:30.0"
    # The message shows the table's first rows, its code block closed, and
    # says where the rest is: never cut inside markup.
    description = reply.embeds[0]["description"]
    assert len(description) <= 4096
    assert description.count("```") == 2
    assert "more row(s) in splits.txt" in description


async def test_too_many_laps_is_a_user_error(club: Club, clean_fake) -> None:
    itx = await club.fake.slash(
        club.ana,
        "pace laps",
        {"time": "2:05:30", "distance": "marathon", "lap": "100m"},
        channel=club.general,
    )
    reply = await itx.wait_reply()
    assert reply.ephemeral
    assert "Example: `" in reply.content


async def test_an_unexpected_error_shows_an_id_that_is_in_the_log(
    club: Club, clean_fake, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **options: object) -> None:
        raise RuntimeError("a bug, not the user's fault")

    # The module the running bot loaded: discord.py unloads an extension's
    # modules when a bot closes, so an earlier import may be a stale copy.
    monkeypatch.setattr(sys.modules["cogs.pace.answers"], "pace_vdot", broken)
    with caplog.at_level("ERROR", logger="bot.errors"):
        itx = await club.fake.slash(
            club.ana, "pace vdot", {"time": "20:00", "distance": "5k"}, channel=club.general
        )
        reply = await itx.wait_reply()
    assert reply.ephemeral
    assert reply.content.startswith("Something went wrong on my side (error id `")
    error_id = reply.content.split("`")[1]
    [record] = [r for r in caplog.records if error_id in r.getMessage()]
    assert record.exc_info and "a bug" in str(record.exc_info[1])
    assert "Traceback" not in reply.content and "RuntimeError" not in reply.content
