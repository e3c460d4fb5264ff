"""``db copy`` (``db/copy.py``): a team moved from one back end to the other
and back is the same team, row for row (the per-table digests agree), with
its ids (buttons and forms already posted name workouts by id), and the
target goes on generating ids after the copied ones. A target that holds data,
or the source itself, is refused with nothing written. Run from each back end
(``backend`` is where the team starts): SQLite → PostgreSQL → SQLite and
PostgreSQL → SQLite → PostgreSQL; then the command line once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bot.domain.workout import parse_workout
from db import AppState, PaceHistory, open_database
from db.copy import TABLES, CopyRefused, TableCopy, copy_database, digests
from db.groups import GroupQueries
from db.guild_settings import GuildSettingsQueries
from db.people import ChatCooldowns, ServerMembers
from db.profiles import ProfileChanges, Profiles, Race
from db.submissions import NewSubmission, StoredSplit, SubmissionQueries
from db.workouts import NewWorkout, WorkoutQueries
from tests.conftest import create_postgres_database

ROOT = Path(__file__).resolve().parents[2]
GUILD = 1_234_567_890_123_456_789  # a snowflake: past 2**53, within BIGINT
ANA, BEN = 11, 12
DAY = date(2026, 11, 28)
NOW = 1_795_000_000_000


async def seed(target: Path | str) -> dict[str, int]:
    """A small team through the query classes: its settings, workouts (one
    posted, one deleted so ids have a gap), submissions with splits (one whose
    workout is gone), pace answers, app state, a chat cooldown and a
    server member. Returns the ids to look for."""
    db = await open_database(target)
    try:
        await db.migrate()
        await GuildSettingsQueries(db).update(
            GUILD, now=NOW, channel_id=2**62 + 5, timezone="Europe/Berlin", coach_role_id=777
        )
        workouts = WorkoutQueries(db)

        async def workout(day: date, text: str, title: str | None):
            saved, _ = await workouts.save(
                NewWorkout(GUILD, day, title, text, parse_workout(text), "2' jog", None, 1, 500),
                now=NOW,
            )
            return saved

        gone = await workout(date(2026, 11, 26), "10 x 100m", "Strides")
        yesterday = await workout(date(2026, 11, 27), "6 x 1 mile", "Miles ☃")
        posted = await workout(DAY, "4 x 250m sprint + 1 x 300m", "Sprint session")
        assert await workouts.claim(posted, now=NOW, claimer="b00700ff", stale_claim_before=NOW - 1)
        marked = await workouts.mark_posted(
            posted.id, channel_id=2**62 + 5, message_id=2**62 + 9, revision=1, now=NOW + 1
        )
        assert marked is not None and marked.message_id == 2**62 + 9
        await workouts.mark_failed(yesterday.id, "Missing Access (50001)")

        submissions = SubmissionQueries(db)
        on_gone = await submissions.save(
            NewSubmission(
                GUILD, gone.local_date, gone.id, ANA, "Ana", None,
                [StoredSplit(rep, Decimal(100), 15_000 + rep) for rep in range(1, 11)],
            ),
            now=NOW,
        )  # fmt: skip
        assert await workouts.delete(gone.id)  # its submission stays, workout_id NULL
        splits = [
            StoredSplit(1, Decimal(250), 29_780, 30_000),
            StoredSplit(2, Decimal(250), 29_980),
            StoredSplit(3, Decimal(250), 31_310),
            StoredSplit(4, Decimal(250), 31_200),
            StoredSplit(5, Decimal(300), 37_470, None),
        ]
        for athlete, name in ((ANA, "Ana"), (BEN, "Ben 'the rocket' Ölz")):
            await submissions.save(
                NewSubmission(GUILD, DAY, posted.id, athlete, name, "windy; felt ok", splits),
                now=NOW + athlete,
            )
        # Groups: a current one with a pm session that day, and a removed one.
        groups = GroupQueries(db)
        sprints = await groups.add(
            GUILD, "Sprints", role_id=901, channel_id=2**62 + 6, ping=True, now=NOW
        )
        distance = await groups.add(
            GUILD, "Distance", role_id=None, channel_id=None, ping=False, now=NOW
        )
        assert await groups.remove(GUILD, distance.id, now=NOW + 1, cancel_from="2026-11-29")
        pm, _ = await workouts.save(
            NewWorkout(GUILD, DAY, None, "6 x 150m", parse_workout("6 x 150m"), None, None, 1,
                       500, group_id=sprints.id, session="pm"),
            now=NOW,
        )  # fmt: skip
        await submissions.save(
            NewSubmission(GUILD, DAY, pm.id, ANA, "Ana", None,
                          [StoredSplit(rep, Decimal(150), 18_000 + rep) for rep in range(1, 7)],
                          group_id=sprints.id, session="pm", source="file"),
            now=NOW,
        )  # fmt: skip
        miles = [StoredSplit(rep, Decimal("1609.344"), 300_000 + rep) for rep in range(1, 7)]
        await submissions.save(
            NewSubmission(GUILD, yesterday.local_date, yesterday.id, ANA, "Ana", None, miles),
            now=NOW,
        )

        history = PaceHistory(db)
        for n, guild in enumerate((GUILD, None, GUILD)):
            await history.record(
                user_id=ANA, guild_id=guild, command="pace convert",
                inputs=f"time=37.4{n} distance=300m", summary=f"answer {n}", created_at=NOW + n,
            )  # fmt: skip
        # Keys whose order differs by collation: PostgreSQL's "C" sorts as SQLite does.
        for key in ("command_tree_hash", "Zeta", "alpha", "émile"):
            await AppState(db).set(key, f"value of {key}")
        # Per-person state: a cooldown window under way, and where Ana used Trackside.
        for n in range(3):
            await ChatCooldowns(db).ask(ANA, now=NOW + n, window_ms=60_000)
        await ServerMembers(db).record(ANA, GUILD, now=NOW)
        # Ana's profile: a 5K of 20:00 (a mile's exact metres would show a lossy copy).
        await Profiles(db).update(
            ANA,
            ProfileChanges(
                frozenset({"race", "sex"}),
                race=Race(1_200_000, Decimal("1609.344"), date(2026, 11, 14)),
                sex="female",
            ),
            now=NOW,
        )
        return {
            "posted": posted.id,
            "failed": yesterday.id,
            "orphan": on_gone.submission.id,
            "pm": pm.id,
            "sprints": sprints.id,
        }
    finally:
        await db.close()


async def digests_of(target: Path | str) -> list[TableCopy]:
    db = await open_database(target)
    try:
        return await digests(db)
    finally:
        await db.close()


@pytest.fixture
def other_database(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Callable[[], object]:
    """A factory of fresh databases of the *other* back end than ``backend``."""

    async def make() -> Path | str:
        if backend == "postgresql":
            return tmp_path / "other.db"
        return await create_postgres_database(request.getfixturevalue("postgres_admin_url"))

    return make


async def test_a_team_copied_to_the_other_back_end_and_back_is_the_same_team(
    make_database: Callable, other_database: Callable
) -> None:
    origin, there, back = await make_database(), await other_database(), await make_database()
    ids = await seed(origin)

    to_there = await copy_database(origin, there)
    to_back = await copy_database(there, back)

    found = [await digests_of(target) for target in (origin, there, back)]
    assert found[0] == found[1] == found[2] == to_there == to_back
    assert [table.table for table in found[0]] == [table for table, _ in TABLES]
    assert {table.table: table.rows for table in found[0]} == {
        "app_state": 4,
        "guild_settings": 1,
        "pace_answers": 3,
        "training_groups": 2,
        "workouts": 3,
        "submissions": 5,
        "splits": 32,
        "chat_cooldowns": 1,
        "server_members": 1,
        "profiles": 1,
    }

    for target in (there, back):
        db = await open_database(target)
        try:
            # Ids kept: what a posted button names still finds its workout.
            posted = await WorkoutQueries(db).by_id(ids["posted"])
            assert posted is not None and posted.local_date == DAY
            assert posted.message_id == 2**62 + 9 and posted.posted_revision == 1
            failed = await WorkoutQueries(db).by_id(ids["failed"])
            assert failed is not None and failed.post_error == "Missing Access (50001)"
            orphan = await SubmissionQueries(db).by_id(ids["orphan"])
            assert orphan is not None and orphan.workout_id is None
            board = await SubmissionQueries(db).for_workout(ids["posted"])
            assert [s.athlete_name for s in board] == ["Ana", "Ben 'the rocket' Ölz"]
            # Groups and sessions kept: the pm workout, Ana's file submission to it.
            [sprints] = await GroupQueries(db).current(GUILD)
            assert (sprints.id, sprints.name, sprints.ping) == (ids["sprints"], "Sprints", True)
            [pm_log] = await SubmissionQueries(db).for_workout(ids["pm"])
            assert (pm_log.group_id, pm_log.session, pm_log.source) == (sprints.id, "pm", "file")
            # A cooldown under way goes on counting; a DM still finds Ana's server.
            window = await ChatCooldowns(db).ask(ANA, now=NOW + 10, window_ms=60_000)
            assert (window.started_at, window.asked) == (NOW, 4)
            assert await ServerMembers(db).servers_of(ANA) == [GUILD]
            profile = await Profiles(db).get(ANA)
            assert profile is not None and profile.sex == "female"
            assert profile.race == Race(1_200_000, Decimal("1609.344"), date(2026, 11, 14))

            # The copy goes on: new rows get ids after the copied ones.
            new, replaced = await WorkoutQueries(db).save(
                NewWorkout(GUILD, date(2026, 11, 29), None, "8 x 200m",
                           parse_workout("8 x 200m"), None, None, 1, 500),
                now=NOW + 100,
            )  # fmt: skip
            assert not replaced and new.id > ids["posted"]
            saved = await SubmissionQueries(db).save(
                NewSubmission(GUILD, date(2026, 11, 29), new.id, BEN, "Ben", None,
                              [StoredSplit(1, Decimal(200), 25_000)]),
                now=NOW + 100,
            )  # fmt: skip
            assert saved.submission.id > ids["orphan"] + 4
            await PaceHistory(db).record(
                user_id=BEN, guild_id=None, command="pace laps", inputs="x", summary="y",
                created_at=NOW + 100,
            )  # fmt: skip
            [answer] = await PaceHistory(db).recent(BEN)
            assert answer.id == 4
        finally:
            await db.close()


async def test_a_target_with_data_or_the_source_itself_is_refused_untouched(
    make_database: Callable, other_database: Callable
) -> None:
    origin, target = await make_database(), await other_database()
    await seed(origin)
    db = await open_database(target)
    try:
        await db.migrate()
        await AppState(db).set("someone else's", "team")
    finally:
        await db.close()
    before = await digests_of(target)

    with pytest.raises(CopyRefused, match=r"already holds data \(1 row\(s\) in app_state\)"):
        await copy_database(origin, target)
    assert await digests_of(target) == before  # nothing written

    source_before = await digests_of(origin)
    with pytest.raises(CopyRefused, match="the same database"):
        await copy_database(origin, origin)
    # Spelled differently, the source is still not empty: refused all the same.
    if isinstance(origin, Path):
        respelled = f"{origin.parent}/./{origin.name}"  # the same file
    else:
        respelled = str(origin).replace("postgresql://", "postgres://", 1)
    with pytest.raises(CopyRefused, match="already holds data"):
        await copy_database(origin, respelled)
    assert await digests_of(origin) == source_before


# ---------------------------------------------------------------- the command line
def _cli(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "DEV_GUILD", "DATABASE_"))
    }
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,  # no .env of the checkout's
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_the_copy_command_says_the_digests_match(
    tmp_path: Path, postgres_admin_url: str
) -> None:
    source = tmp_path / "team.db"
    await seed(source)
    target = await create_postgres_database(postgres_admin_url)

    done = _cli("db", "copy", "--from", str(source), "--to", target, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("(digests match)"), done.stdout
    assert "workouts 3" in done.stdout and "splits 32" in done.stdout
    assert await digests_of(target) == await digests_of(source)

    again = _cli("db", "copy", "--from", str(source), "--to", target, cwd=tmp_path)
    assert again.returncode == 1
    assert "not copied: the target already holds data" in again.stderr


def test_the_backup_command_points_postgresql_to_pg_dump(tmp_path: Path) -> None:
    done = _cli(
        "db", "backup", str(tmp_path / "copy.db"),
        cwd=tmp_path, DATABASE_URL="postgresql://trackside@127.0.0.1:1/trackside",
    )  # fmt: skip
    assert done.returncode == 1
    assert "pg_dump" in done.stderr and "pg_restore" in done.stderr
    assert not (tmp_path / "copy.db").exists()
