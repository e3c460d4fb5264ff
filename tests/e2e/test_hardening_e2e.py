"""Hardening (issue #13), end to end: what an attacker or a careless user
tried, each class of problem through the real bot on the loopback Discord.

1. Permissions are checked when the action happens: a coach who lost the
   role since opening a confirm cannot click it through.
2. Ids coming back from the client are untrusted (the full matrix of forged
   ids is ``test_modified_client_e2e.py``; here, the issue's own examples).
3. Limits hold on the server side, whatever the client sends.
4. Dates and distances that cannot be real are refused.
5. People who left can still be named: whether there is data decides.
7. Text that does not fit is never cut inside markup; the rest is attached.
9. The smaller ones: the times received, the parsed total (a backup that
   changes nothing is ``tests/bot/test_cli.py``).

(6, races between people, is ``test_races_e2e.py``.)
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
import pytest_asyncio

from loopback import Member, Message
from loopback.sandbox import INVITE_PERMISSIONS
from tests.e2e.conftest import Club

pytestmark = pytest.mark.asyncio(loop_scope="module")

SEED = "4 x 250m sprint + 1 x 300m"
ANA_SPLITS = "29.78 / 29.98 31.31 / 31.20 37.47"
BEN_SPLITS = "31.11 31.22 31.33 31.44 39.99"
SOMETHING_WRONG = "Something went wrong"


async def slash(club: Club, who: Member, command: str, options: dict[str, Any], **kw) -> Message:
    itx = await club.fake.slash(who, command, options, channel=club.workouts, **kw)
    return await itx.wait_reply(timeout=30)


async def refused(club: Club, who: Member, command: str, options: dict[str, Any]) -> Message:
    """Sent by a modified client; the reply must be a private, named refusal
    and nothing may change."""
    before = await club.digest()
    reply = await slash(club, who, command, options, unchecked=True)
    assert reply.ephemeral, reply.text()
    assert SOMETHING_WRONG not in reply.text()
    assert await club.digest() == before
    return reply


def the_post(club: Club) -> Message:
    [post] = [
        m
        for m in club.fake.messages(club.workouts)
        if m.author_id == club.fake.bot_user.id and m.content.startswith("Workout of the day")
    ]
    return post


def permissions_role(club: Club, member: Member):
    [role] = [
        club.guild.roles[r]
        for r in member.roles
        if club.guild.roles[r].name.endswith("permissions")
    ]
    return role


@pytest_asyncio.fixture(loop_scope="module", scope="module", autouse=True)
async def team(club: Club) -> None:
    await slash(club, club.coach, "config channel", {"channel": club.workouts})
    await slash(club, club.coach, "config coach-role", {"role": club.coach_role})
    await slash(club, club.coach, "wod post", {"workout": SEED, "title": "Sprint session"})


# ------------------------------------------------ 1. permission at the click
@pytest.mark.parametrize("who", ["coach", "assistant"])
async def test_a_coach_who_lost_the_role_cannot_click_a_delete_through(
    club: Club, clean_fake, who: str
) -> None:
    await slash(club, club.ben, "splits submit", {"splits": BEN_SPLITS})
    coach: Member = getattr(club, who)
    role = permissions_role(club, coach) if who == "coach" else club.coach_role
    prompt = await slash(club, coach, "splits delete", {"athlete": club.ben})
    assert prompt.ephemeral and prompt.content.startswith("Delete Ben's splits for Sat 28 Nov")
    delete = prompt.buttons()[0]["custom_id"]

    club.fake.remove_role(coach, role)  # Manage Server, or the coach role, taken away
    try:
        before = await club.digest()
        clicked = await club.fake.click(coach, prompt, delete)
        reply = await clicked.wait_reply()
        assert reply.ephemeral
        assert reply.content == (
            "Only coaches can delete another athlete's splits, so nothing was deleted."
        )
        assert await club.digest() == before
    finally:
        club.fake.add_role(coach, role)
    # Given back, the same button works: the check is made at the click.
    clicked = await club.fake.click(coach, prompt, delete)
    assert (await clicked.wait_reply()).content == "Deleted Ben's splits for Sat 28 Nov."


# ------------------------------------------------ 2. untrusted ids (the examples)
async def test_a_form_naming_an_eighty_digit_workout_id_is_refused_not_a_crash(
    club: Club, clean_fake
) -> None:
    before = await club.digest()
    itx = await club.fake.forge_modal(
        club.ana, club.workouts, "trackside:splitsform:" + "9" * 80, {"splits": ANA_SPLITS}
    )
    reply = await itx.wait_reply()
    assert reply.ephemeral and SOMETHING_WRONG not in reply.content
    assert "nothing changed" in reply.content
    assert await club.digest() == before


async def test_a_form_naming_a_scheduled_workout_stores_nothing_and_reveals_nothing(
    club: Club, clean_fake
) -> None:
    await slash(
        club,
        club.coach,
        "wod post",
        {"workout": "12 x 400m @ 64", "date": "tomorrow", "title": "Secret plan"},
    )
    workout_id = await club.value("SELECT id FROM workouts WHERE title = 'Secret plan'")
    before = await club.digest()
    itx = await club.fake.forge_modal(
        club.ana, club.workouts, f"trackside:splitsform:{workout_id}", {"splits": "64.1 " * 12}
    )
    reply = await itx.wait_reply()
    assert reply.ephemeral
    assert reply.content.startswith("That workout isn't posted yet")
    assert "Secret" not in reply.text() and "400" not in reply.text()
    assert await club.digest() == before


# ------------------------------------------------ 3. limits on the server side
async def test_a_4000_character_note_is_refused_by_command_and_by_form(
    club: Club, clean_fake
) -> None:
    # The command is stopped at the door (the option's registered length)...
    reply = await refused(
        club, club.ana, "splits submit", {"splits": ANA_SPLITS, "note": "n" * 4000}
    )
    assert reply.content.startswith("`note` is 4,000 characters long; the limit is 300.")
    post = the_post(club)
    workout_id = post.buttons()[0]["custom_id"].rsplit(":", 1)[1]
    before = await club.digest()
    itx = await club.fake.forge_modal(
        club.ana,
        club.workouts,
        f"trackside:splitsform:{workout_id}",
        {"splits": ANA_SPLITS, "note": "n" * 4000},
        message=post,
    )
    reply = await itx.wait_reply()
    # ...and the form, which has no registration to check, by the use case.
    assert reply.ephemeral
    assert reply.content.startswith("The note is 4,000 characters long; the limit is 300.")
    assert await club.digest() == before


@pytest.mark.parametrize(
    ("command", "options", "expected"),
    [
        ("wod list", {"days": 1_000_000_000}, "`days` must be from 1 to 60, not 1000000000."),
        ("wod list", {"days": 0}, "`days` must be from 1 to 60, not 0."),
        ("splits mine", {"limit": 10**80}, "`limit` must be from 1 to 50, not 10000000000…."),
        ("wod post", {"workout": "x" * 1001}, "`workout` is 1,001 characters long"),
        ("wod post", {"workout": SEED, "title": "t" * 101}, "`title` is 101 characters long"),
        ("wod post", {"workout": SEED, "notes": "n" * 5000}, "`notes` is 5,000 characters"),
        ("wod post", {"workout": SEED, "recovery": "r" * 1001}, "`recovery` is 1,001"),
        ("splits submit", {"splits": "29.78 " * 200}, "`splits` is 1,200 characters long"),
        ("pace convert", {"time": " 37.47" + " " * 100, "distance": "300m"}, "`time` is 106"),
        ("pace predict", {"time": "37.47", "distance": "300m", "sex": "f"}, "`sex` must be"),
    ],
    ids=lambda value: str(value)[:30],
)
async def test_every_limit_holds_whatever_the_client_sends(
    club: Club, clean_fake, command: str, options: dict[str, Any], expected: str
) -> None:
    reply = await refused(club, club.coach, command, options)
    assert reply.content.startswith(expected), reply.content


# ------------------------------------------------ 4. dates and distances that cannot be real
@pytest.mark.parametrize("day", ["tomorrow", "next monday", "9999-12-31", "1999-12-31"])
async def test_splits_are_never_for_the_future_or_before_2000(
    club: Club, clean_fake, day: str
) -> None:
    reply = await refused(club, club.ana, "splits submit", {"splits": ANA_SPLITS, "date": day})
    assert "Splits are logged after the workout" in reply.content or "too long ago" in reply.content


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("0001-01-01", "0001-01-01 is too long ago: workouts go back to 2000-01-01."),
        ("1999-12-31", "1999-12-31 is too long ago"),
        ("9999-12-31", "9999-12-31 is too far ahead: workouts can be planned up to a year"),
        ("2027-11-29", "2027-11-29 is too far ahead"),
    ],
)
async def test_workouts_are_dated_2000_to_a_year_ahead(
    club: Club, clean_fake, day: str, expected: str
) -> None:
    reply = await refused(club, club.coach, "wod post", {"workout": "6 x 1 mile", "date": day})
    assert reply.content.startswith(expected), reply.content


async def test_a_year_ahead_is_still_a_date_a_coach_can_plan(club: Club, clean_fake) -> None:
    reply = await slash(club, club.coach, "wod post", {"workout": "1 x 5k", "date": "2027-11-28"})
    assert reply.content.startswith("Saved; scheduled for 06:00 (UTC) that day")


@pytest.mark.parametrize(
    ("workout", "expected"),
    [
        ("4 x 0m", "`4 x 0m` has a rep of 0 m; a rep is 1 m to 100 km."),
        ("4 x -400m", "`4 x -400m` has a negative rep; a rep is 1 m to 100 km."),
        ("4 x 1000000000m", "`4 x 1000000000m` has a rep of 1000000000 m; a rep is 1 m"),
        ("2 x 150k", "`2 x 150k` has a rep of 150000 m"),
    ],
)
async def test_a_rep_outside_1_m_to_100_km_is_refused_not_saved_as_text(
    club: Club, clean_fake, workout: str, expected: str
) -> None:
    reply = await refused(club, club.coach, "wod post", {"workout": workout, "date": "tomorrow"})
    assert reply.content.startswith(expected), reply.content


# ------------------------------------------------ 5. people who left
async def test_a_departed_athletes_data_stays_reachable_by_a_coach(club: Club, clean_fake) -> None:
    cara = club.fake.create_member(club.guild, "Cara")
    await slash(club, cara, "splits submit", {"splits": "30.01 30.02 30.03 30.04 38.05"})
    club.fake.remove_member(cara)
    await club.fake.sync_gateway()
    user = cara.user  # no longer a member: the option resolves to a user only

    chart = await club.fake.slash(
        club.coach, "splits chart", {"athlete": user, "date": "today"}, channel=club.workouts
    )
    shown = await chart.wait_reply(timeout=30)
    assert [a.filename for a in shown.attachments] == ["splits-2026-11-28.png"]
    assert "Cara: Sat 28 Nov" in shown.content

    export = await slash(club, club.coach, "splits export", {})
    rows = list(csv.DictReader(io.StringIO(export.attachments[0].data.decode())))
    assert {row["athlete"] for row in rows} >= {"Cara"}

    prompt = await slash(club, club.coach, "splits delete", {"athlete": user})
    assert prompt.content.startswith("Delete Cara's splits for Sat 28 Nov")
    clicked = await club.fake.click(club.coach, prompt, prompt.buttons()[0]["custom_id"])
    assert (await clicked.wait_reply()).content == "Deleted Cara's splits for Sat 28 Nov."


async def test_a_member_of_another_server_is_named_without_a_crash(club: Club, clean_fake) -> None:
    other = club.fake.create_guild("Rival Club", bot_permissions=INVITE_PERMISSIONS)
    stranger = club.fake.create_member(other, "Stranger")
    reply = await refused(club, club.coach, "splits delete", {"athlete": stranger.user})
    assert reply.content.startswith("They have no splits for Sat 28 Nov.")
    reply = await refused(club, club.coach, "splits chart", {"athlete": stranger.user})
    assert reply.content.startswith("No splits for Stranger yet.")


async def test_a_channel_or_role_of_another_server_is_refused(club: Club, clean_fake) -> None:
    other = club.fake.create_guild("Rival Club 2", bot_permissions=INVITE_PERMISSIONS)
    their_channel = club.fake.create_channel(other, "their-workouts")
    their_role = club.fake.create_role(other, "Their coaches")
    await club.fake.sync_gateway()
    reply = await refused(club, club.coach, "config channel", {"channel": their_channel})
    assert reply.content.startswith("That channel isn't in this server")
    reply = await refused(club, club.coach, "config coach-role", {"role": their_role})
    assert reply.content.startswith("That role isn't in this server")


# ------------------------------------------------ 7. text that does not fit
def _embed_text_size(embed: dict) -> int:
    return (
        len(embed.get("title") or "")
        + len(embed.get("description") or "")
        + len((embed.get("footer") or {}).get("text") or "")
        + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields") or [])
    )


async def test_long_notes_full_of_markup_go_to_workout_txt_never_cut(
    club: Club, clean_fake
) -> None:
    notes = "**Spikes** on, _relaxed_ arms; " * 33  # 990 characters, ~1,150 escaped
    notes = notes[:990]
    reply = await slash(
        club, club.coach, "wod post", {"workout": "6 x 200m", "date": "yesterday", "notes": notes}
    )
    assert reply.content.startswith("Saved; not posted, since that day has passed")
    shown = await slash(club, club.coach, "wod show", {"date": "yesterday"})
    [embed] = shown.embeds
    [field] = [f for f in embed["fields"] if f["name"] == "Notes"]
    assert len(field["value"]) <= 1024
    assert field["value"] == "… the rest is in workout.txt"  # the line went whole
    [attachment] = shown.attachments
    assert attachment.filename == "workout.txt"
    assert notes.strip() in attachment.data.decode()  # as typed, whole


async def test_a_200_rep_submission_keeps_its_fences_and_summary_and_attaches_the_rest(
    club: Club, clean_fake
) -> None:
    await slash(club, club.coach, "wod post", {"workout": "2 x (100 x 100m)", "date": "2026-11-25"})
    times = " ".join(f"{15 + (n % 9) / 10:.1f}" for n in range(200))
    reply = await slash(club, club.ana, "splits submit", {"splits": times, "date": "2026-11-25"})
    assert not reply.ephemeral
    [embed] = reply.embeds
    description = embed["description"]
    assert len(description) <= 4096 and _embed_text_size(embed) <= 6000
    assert description.count("```") == 2
    assert "more row(s) in splits.txt" in description
    assert "Overall: " in description  # the summary under the table stays in view
    [attachment] = reply.attachments
    assert attachment.filename == "splits.txt"
    rows = [line for line in attachment.data.decode().splitlines() if line[:3].strip().isdigit()]
    assert len(rows) == 200

    asked = await club.fake.send_message(
        club.ana, club.general, "what did I run on 2026-11-25?", mentions=[club.fake.bot_user]
    )
    answer = await club.fake.wait_for_message(
        club.general,
        lambda m: (m.message_reference or {}).get("message_id") == str(asked.id),
        timeout=10,
    )
    assert sum(_embed_text_size(e) for e in answer.embeds) <= 6000
    assert all(e["description"].count("```") % 2 == 0 for e in answer.embeds)
    assert [a.filename for a in answer.attachments] == ["splits.txt"]


# ------------------------------------------------ 9. smaller ones
async def test_a_wrong_count_shows_the_times_received(club: Club, clean_fake) -> None:
    reply = await refused(club, club.ben, "splits submit", {"splits": "31.11 31.22"})
    assert reply.content.startswith(
        "Expected 4 × 250 m, 1 × 300 m — 5 reps; received 2 times: 31.11, 31.22."
    )


async def test_nested_sets_show_the_total_the_coach_checks(club: Club, clean_fake) -> None:
    reply = await slash(
        club, club.coach, "wod post", {"workout": "3 x (4 x 300m)", "date": "2026-11-26"}
    )
    assert reply.content.endswith("Parsed: 3 × (4 × 300 m) — 12 reps")
