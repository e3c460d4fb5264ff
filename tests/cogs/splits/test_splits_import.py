"""Unit tests for cogs.splits.importing (``/splits import``) and the preview's
rendering (cogs.splits.preview): a watch file's laps proposed as the day's
reps, then stored through the very path of ``/splits submit``. A real
database (SQLite and PostgreSQL) with the seed workout; no Discord."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import discord
import pytest

from bot.clock import epoch_ms
from bot.domain.errors import InputError
from bot.domain.laps import MAX_OFFERED
from bot.permissions import Actor
from cogs.splits import logbook
from cogs.splits.importing import (
    MAX_PREVIEWS,
    PREVIEW_TTL,
    Preview,
    Previews,
    Upload,
    confirm_import,
    import_activity,
    select_laps,
    split_time,
    splits_text,
    whole_metres,
)
from cogs.splits.preview import MARK, PATTERN, lap_list, lap_table, preview_answer, preview_view
from cogs.splits.rendering import submission_answer
from cogs.splits.submit import submit_splits
from cogs.splits.watch import MAX_FILE_BYTES, ActivityRefused
from db.guild_settings import GuildSettingsQueries
from db.submissions import SubmissionQueries
from tests.cogs.splits.groups_world import (
    COACH,
    GUILD,
    NOW,
    SAM,
    SEED,
    SPRINTS_ROLE,
    TEMPO,
    TODAY,
    add_group,
    athlete,
    workout,
)
from tests.cogs.splits.watch.builders import (
    SEED_SESSION,
    SEED_SPLITS,
    BuiltLap,
    gpx_track,
    interval_fit,
    interval_tcx,
    real_file,
)

ANA = athlete(11, "Ana")
# Another athlete with the same display name: her typed splits must render
# exactly as Ana's imported ones.
ANA_TWIN = athlete(12, "Ana")
BEN = athlete(13, "Ben")
YESTERDAY = TODAY - timedelta(days=1)
THIS_MORNING = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
SEED_REPS = (Decimal(250),) * 4 + (Decimal(300),)
BOOT = "0123abcd"


class Attachment:
    """An ``Upload`` whose download is counted."""

    def __init__(self, data: bytes, filename: str = "session.tcx", size: int | None = None):
        self.data = data
        self.reads = 0
        self.upload = Upload(
            filename=filename, size=len(data) if size is None else size, read=self._read
        )

    async def _read(self) -> bytes:
        self.reads += 1
        return self.data


def seed_tcx(started: datetime = THIS_MORNING) -> bytes:
    return interval_tcx(SEED_SESSION, started=started)


async def preview_of(
    db,
    data: bytes,
    *,
    who: Actor = ANA,
    filename: str = "session.tcx",
    previews: Previews | None = None,
    now: datetime = NOW,
    date_text: str | None = None,
    workout_text: str | None = None,
) -> Preview:
    return await import_activity(
        db,
        who,
        Attachment(data, filename).upload,
        now=now,
        previews=previews if previews is not None else Previews(),
        date_text=date_text,
        workout_text=workout_text,
    )


def stored_splits(submission) -> list[tuple[int, Decimal, int]]:
    return [(s.rep, s.distance_m, s.time_ms) for s in submission.splits]


# ========================================================= proposing and storing


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (seed_tcx(), "session.tcx"),
        (interval_fit(SEED_SESSION, started=THIS_MORNING), "session.fit"),
    ],
    ids=["tcx", "fit"],
)
async def test_the_seed_session_is_stored_exactly_as_typed(db, data: bytes, filename: str) -> None:
    seed = await workout(db, SEED)
    previews = Previews()
    preview = await preview_of(db, data, filename=filename, previews=previews)

    assert preview.day == TODAY
    assert preview.workout_id == seed.id
    assert preview.reps == SEED_REPS
    assert preview.proposal.chosen == preview.selection == (2, 4, 6, 8, 10)
    assert preview.proposal.complete
    assert preview.sport == "running"
    assert preview.filename == filename
    assert previews.get(preview.id, NOW) == preview
    assert splits_text(preview) == SEED_SPLITS == "29.78 29.98 31.31 31.20 37.47"

    from_file = await confirm_import(db, ANA, preview, now=NOW)
    typed = await submit_splits(db, ANA_TWIN, text=SEED_SPLITS, note=None, now=NOW)

    assert from_file.day == typed.day == TODAY
    assert from_file.workout == typed.workout
    assert from_file.analysis == typed.analysis
    assert from_file.personal_bests == typed.personal_bests
    assert from_file.replaced is typed.replaced is False
    assert submission_answer(from_file) == submission_answer(typed)
    expected = [
        (1, Decimal(250), 29780),
        (2, Decimal(250), 29980),
        (3, Decimal(250), 31310),
        (4, Decimal(250), 31200),
        (5, Decimal(300), 37470),
    ]
    assert stored_splits(from_file.submission) == stored_splits(typed.submission) == expected
    assert from_file.submission.total_ms == typed.submission.total_ms == 159740
    assert from_file.submission.total_m == Decimal(1300)
    assert (from_file.submission.source, typed.submission.source) == ("file", "typed")

    stored = await SubmissionQueries(db).get(GUILD, TODAY, ANA.user_id)
    assert stored == from_file.submission
    assert stored.source == "file"

    async def acknowledge() -> None:
        return None

    export = await logbook.export(db, COACH, None, None, now=NOW, acknowledge=acknowledge)
    by_athlete = {(row.athlete_id, row.rep): row for row in export.rows}
    assert len(export.rows) == 10
    assert {row.source for row in export.rows if row.athlete_id == ANA.user_id} == {"file"}
    assert {row.source for row in export.rows if row.athlete_id == ANA_TWIN.user_id} == {"typed"}
    assert by_athlete[(ANA.user_id, 5)].time_ms == 37470
    assert by_athlete[(ANA.user_id, 5)].distance_m == Decimal(300)


async def test_the_gpx_with_laps_proposes_the_same_reps(db) -> None:
    await workout(db, SEED)
    data = gpx_track(laps=SEED_SESSION)  # recorded on 5 June: the date is given
    preview = await preview_of(db, data, filename="session.gpx", date_text="today")
    assert preview.selection == (2, 4, 6, 8, 10)
    assert splits_text(preview) == SEED_SPLITS


async def test_the_real_1km_auto_lap_run_against_4_x_1km(db) -> None:
    run_day = date(2013, 2, 6)
    km = await workout(db, "4 x 1km", day=run_day, posted=False)  # a past day's workout
    preview = await preview_of(db, real_file("2013-02-06-12-11-14.fit"), filename="run.fit")

    assert preview.day == run_day  # the day it was recorded
    assert preview.workout_id == km.id
    assert preview.reps == (Decimal(1000),) * 4
    assert preview.selection == (1, 2, 3, 4)  # lap 5 (835.38 m) is not a rep
    assert splits_text(preview) == "9:38.73 10:22.39 11:44.01 5:44.15"

    outcome = await confirm_import(db, ANA, preview, now=NOW)
    assert outcome.day == run_day
    assert stored_splits(outcome.submission) == [
        (1, Decimal(1000), 578730),
        (2, Decimal(1000), 622390),
        (3, Decimal(1000), 704010),
        (4, Decimal(1000), 344150),
    ]
    stored = await SubmissionQueries(db).get(GUILD, run_day, ANA.user_id)
    assert stored is not None and stored.source == "file"


async def test_the_workout_is_chosen_by_which_one_the_laps_fit(db) -> None:
    sprints = await add_group(db, "Sprints", SPRINTS_ROLE)
    tempo = await workout(db, TEMPO)  # the team's 5 x 1k: 5 reps too
    sprint = await workout(db, SEED, group=sprints)
    preview = await preview_of(db, seed_tcx(), who=SAM)
    assert preview.workout_id == sprint.id != tempo.id
    assert preview.label == "Sprints"
    assert preview.selection == (2, 4, 6, 8, 10)


async def test_a_named_workout_is_used(db) -> None:
    sprints = await add_group(db, "Sprints", SPRINTS_ROLE)
    tempo = await workout(db, TEMPO)
    await workout(db, SEED, group=sprints)
    preview = await preview_of(db, seed_tcx(), who=SAM, workout_text=str(tempo.id))
    assert preview.workout_id == tempo.id
    assert preview.reps == (Decimal(1000),) * 5
    assert preview.selection == ()  # no lap is within 10 % of 1 km
    assert not preview.proposal.complete
    assert "No lap is selected: choose the laps that count in the menu." in (
        preview_answer(preview).body
    )


async def test_a_workout_that_is_not_the_days_is_refused(db) -> None:
    await workout(db, SEED)
    with pytest.raises(InputError, match="`workout` must be one of Sat 28 Nov's workouts"):
        await preview_of(db, seed_tcx(), workout_text="999999", date_text="today")


# ======================================================== changing the laps


async def test_select_laps_changes_the_selection_in_lap_order(db) -> None:
    await workout(db, SEED)
    preview = await preview_of(db, seed_tcx())
    changed = select_laps(preview, ["10", "1", "4", "6", "8"])
    assert changed.selection == (1, 4, 6, 8, 10)
    assert changed.proposal == preview.proposal
    assert preview.selection == (2, 4, 6, 8, 10)  # the original is unchanged
    assert splits_text(changed) == "9:00.00 29.98 31.31 31.20 37.47"


@pytest.mark.parametrize(
    "values",
    [["12"], ["0"], ["2", "2"], ["02"], [" 2"], [2], [None], ["2", 4], "2", None, {"2": 1}],
    ids=[
        "not-offered",
        "zero",
        "twice",
        "leading-zero",
        "space",
        "int",
        "none-item",
        "mixed",
        "string",
        "none",
        "dict",
    ],
)
async def test_select_laps_refuses_forged_values(db, values: object) -> None:
    preview = await preview_of(db, seed_tcx())
    with pytest.raises(InputError):
        select_laps(preview, values)


async def test_select_laps_refuses_an_empty_choice(db) -> None:
    preview = await preview_of(db, seed_tcx())
    with pytest.raises(InputError, match="Choose at least one lap"):
        select_laps(preview, [])


async def test_a_wrong_count_is_the_same_error_as_typing_it(db) -> None:
    await workout(db, SEED)
    preview = select_laps(await preview_of(db, seed_tcx()), ["2", "4", "6", "8"])
    with pytest.raises(InputError) as from_file:
        await confirm_import(db, ANA, preview, now=NOW)
    with pytest.raises(InputError) as typed:
        await submit_splits(db, ANA, text="29.78 29.98 31.31 31.20", note=None, now=NOW)
    assert (
        from_file.value.message
        == typed.value.message
        == ("Expected 4 × 250 m, 1 × 300 m — 5 reps; received 4 times: 29.78, 29.98, 31.31, 31.20.")
    )
    assert from_file.value.example == typed.value.example
    assert await SubmissionQueries(db).count() == 0


async def test_a_preview_can_only_be_confirmed_by_its_owner(db) -> None:
    await workout(db, SEED)
    preview = await preview_of(db, seed_tcx())
    with pytest.raises(InputError, match="someone else's"):
        await confirm_import(db, BEN, preview, now=NOW)
    elsewhere = Actor(user_id=ANA.user_id, name="Ana", guild_id=2002, manage_guild=False)
    with pytest.raises(InputError, match="someone else's"):
        await confirm_import(db, elsewhere, preview, now=NOW)
    assert await SubmissionQueries(db).count() == 0


# ============================================================ without a workout


async def test_without_a_workout_every_lap_not_rest_is_stored_with_its_distance(db) -> None:
    preview = await preview_of(db, seed_tcx())
    assert preview.workout_id is None and preview.reps is None
    assert preview.selection == (1, 2, 4, 6, 8, 10, 11)
    assert splits_text(preview) == (
        "1609m 9:00.00, 243m 29.78, 252m 29.98, 258m 31.31, 247m 31.20, 301m 37.47, 1450m 10:00.00"
    )
    assert "no workout that day" in preview_answer(preview).body

    outcome = await confirm_import(db, ANA, preview, now=NOW)
    assert outcome.workout is None
    assert stored_splits(outcome.submission) == [
        (1, Decimal(1609), 540000),
        (2, Decimal(243), 29780),
        (3, Decimal(252), 29980),
        (4, Decimal(258), 31310),
        (5, Decimal(247), 31200),
        (6, Decimal(301), 37470),
        (7, Decimal(1450), 600000),
    ]
    assert outcome.submission.source == "file"


async def test_watch_distances_round_half_up_to_the_metre(db) -> None:
    laps = [BuiltLap(250.5, 30.0), BuiltLap(249.5, 31.0), BuiltLap(400.49, 70.0)]
    preview = await preview_of(db, interval_tcx(laps, started=THIS_MORNING))
    outcome = await confirm_import(db, ANA, preview, now=NOW)
    # Half up, not to even: 250.5 → 251, 249.5 → 250.
    assert [s.distance_m for s in outcome.submission.splits] == [251, 250, 400]
    assert whole_metres(Decimal("250.5")) == 251
    assert whole_metres(Decimal("249.5")) == 250
    assert whole_metres(Decimal("243.4")) == 243


async def test_without_a_workout_a_lap_without_distance_is_left_out(db) -> None:
    laps = [BuiltLap(400.0, 70.0), BuiltLap(None, 60.0), BuiltLap(401.0, 71.0)]
    preview = await preview_of(db, interval_tcx(laps, started=THIS_MORNING))
    assert preview.proposal.chosen == (1, 2, 3)
    assert preview.selection == (1, 3)
    forced = select_laps(preview, ["1", "2"])
    with pytest.raises(InputError, match="Lap 2 has no recorded distance"):
        await confirm_import(db, ANA, forced, now=NOW)
    assert await SubmissionQueries(db).count() == 0


# ====================================================================== the day


async def test_the_day_is_the_activitys_in_the_servers_timezone(db) -> None:
    await GuildSettingsQueries(db).update(GUILD, now=epoch_ms(NOW), timezone="America/Los_Angeles")
    yesterdays = await workout(db, SEED, day=YESTERDAY)
    # 03:00 UTC on the 28th is 19:00 on the 27th in Los Angeles.
    preview = await preview_of(db, seed_tcx(datetime(2026, 11, 28, 3, 0, tzinfo=UTC)))
    assert preview.day == YESTERDAY
    assert preview.workout_id == yesterdays.id
    outcome = await confirm_import(db, ANA, preview, now=NOW)
    assert outcome.day == YESTERDAY


async def test_the_same_file_is_todays_in_utc(db) -> None:
    preview = await preview_of(db, seed_tcx(datetime(2026, 11, 28, 3, 0, tzinfo=UTC)))
    assert preview.day == TODAY


async def test_an_explicit_date_wins_over_the_files(db) -> None:
    earlier = await workout(db, SEED, day=date(2026, 11, 20), posted=False)
    preview = await preview_of(db, seed_tcx(), date_text="2026-11-20")
    assert preview.day == date(2026, 11, 20)
    assert preview.workout_id == earlier.id
    yesterday = await preview_of(db, seed_tcx(), date_text="yesterday")
    assert yesterday.day == YESTERDAY and yesterday.workout_id is None


async def test_a_future_day_from_the_file_is_refused(db) -> None:
    previews = Previews()
    attachment = Attachment(seed_tcx(datetime(2026, 11, 29, 10, 0, tzinfo=UTC)))
    with pytest.raises(InputError) as caught:
        await import_activity(db, ANA, attachment.upload, now=NOW, previews=previews)
    assert caught.value.message == (
        "The file says it was recorded on 2026-11-29. Splits are logged after the workout, "
        "so not for tomorrow (today is 2026-11-28). Give the day with `date:`."
    )
    assert len(previews) == 0
    assert await SubmissionQueries(db).count() == 0


async def test_a_future_date_given_is_refused_before_downloading(db) -> None:
    attachment = Attachment(seed_tcx())
    with pytest.raises(InputError, match="not for tomorrow"):
        await import_activity(
            db, ANA, attachment.upload, now=NOW, previews=Previews(), date_text="tomorrow"
        )
    assert attachment.reads == 0


# ================================================================= the file


async def test_a_declared_size_over_the_limit_is_refused_before_downloading(db) -> None:
    acknowledged: list[bool] = []

    async def acknowledge() -> None:
        acknowledged.append(True)

    async def never() -> bytes:
        raise AssertionError("the file was downloaded")

    upload = Upload(filename="huge.fit", size=MAX_FILE_BYTES + 1, read=never)
    with pytest.raises(ActivityRefused) as caught:
        await import_activity(
            db, ANA, upload, now=NOW, previews=Previews(), acknowledge=acknowledge
        )
    assert caught.value.message.startswith("The file is 10.0 MB; a watch file can be up to 10 MB")
    assert acknowledged == []


async def test_a_file_larger_than_declared_is_refused_too(db) -> None:
    attachment = Attachment(b"\x0e" * (MAX_FILE_BYTES + 1), "lie.fit", size=1000)
    with pytest.raises(ActivityRefused, match="a watch file can be up to 10 MB"):
        await import_activity(db, ANA, attachment.upload, now=NOW, previews=Previews())
    assert attachment.reads == 1


async def test_the_acknowledgement_comes_before_the_download(db) -> None:
    events: list[str] = []
    data = seed_tcx()

    async def acknowledge() -> None:
        events.append("acknowledged")

    async def read() -> bytes:
        events.append("downloaded")
        return data

    upload = Upload(filename="session.tcx", size=len(data), read=read)
    await import_activity(db, ANA, upload, now=NOW, previews=Previews(), acknowledge=acknowledge)
    assert events == ["acknowledged", "downloaded"]


async def test_a_refused_file_opens_no_preview(db) -> None:
    previews = Previews()
    with pytest.raises(ActivityRefused, match="a ride"):
        await preview_of(db, interval_tcx(sport="Biking"), previews=previews)
    assert len(previews) == 0


# ============================================================== the previews


def _preview(preview_id: str, created: datetime) -> Preview:
    from bot.domain.laps import propose

    laps = ()
    return Preview(
        id=preview_id,
        owner_id=ANA.user_id,
        guild_id=GUILD,
        created=created,
        filename="a.fit",
        sport="running",
        day=TODAY,
        workout_id=None,
        workout_title=None,
        workout_summary=None,
        label=None,
        proposal=propose(laps, None),
        selection=(),
    )


def test_a_preview_lives_for_its_ttl() -> None:
    previews = Previews()
    preview = previews.add(_preview("a" * 16, NOW), NOW)
    assert timedelta(minutes=10) == PREVIEW_TTL
    assert previews.get(preview.id, NOW + PREVIEW_TTL) == preview
    assert previews.get(preview.id, NOW + PREVIEW_TTL + timedelta(seconds=1)) is None
    assert len(previews) == 0  # dropped once found expired
    assert previews.get(preview.id, NOW) is None  # and stays gone


def test_a_preview_from_the_future_is_expired() -> None:
    previews = Previews()
    previews.add(_preview("a" * 16, NOW + timedelta(minutes=1)), NOW)
    assert previews.get("a" * 16, NOW) is None


def test_adding_drops_the_expired_ones() -> None:
    previews = Previews()
    previews.add(_preview("a" * 16, NOW), NOW)
    later = NOW + PREVIEW_TTL + timedelta(seconds=1)
    previews.add(_preview("b" * 16, later), later)
    assert len(previews) == 1
    assert previews.get("b" * 16, later) is not None


def test_at_the_cap_the_oldest_goes_first() -> None:
    assert MAX_PREVIEWS == 500
    previews = Previews(cap=3)
    for key in "abcd":
        previews.add(_preview(key * 16, NOW), NOW)
    assert len(previews) == 3
    assert previews.get("a" * 16, NOW) is None
    assert [previews.get(k * 16, NOW) is not None for k in "bcd"] == [True, True, True]


def test_take_closes_and_put_back_reopens() -> None:
    previews = Previews()
    preview = previews.add(_preview("a" * 16, NOW), NOW)
    assert previews.take(preview.id, NOW) == preview
    assert previews.take(preview.id, NOW) is None  # a second click finds nothing
    previews.update(preview)  # a closed preview stays closed
    assert previews.get(preview.id, NOW) is None
    previews.put_back(preview)
    assert previews.get(preview.id, NOW) == preview
    previews.close(preview.id)
    assert previews.get(preview.id, NOW) is None


def test_take_of_an_expired_preview_is_none() -> None:
    previews = Previews()
    preview = previews.add(_preview("a" * 16, NOW), NOW)
    assert previews.take(preview.id, NOW + PREVIEW_TTL + timedelta(seconds=1)) is None


async def test_every_import_opens_its_own_preview(db) -> None:
    previews = Previews()
    first = await preview_of(db, seed_tcx(), previews=previews)
    second = await preview_of(db, seed_tcx(), previews=previews)
    assert first.id != second.id
    assert re.fullmatch(r"[0-9a-f]{16}", first.id)
    assert len(previews) == 2


# ===================================================================== the text


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (29780, "29.78"),
        (9990, "9.99"),
        (62400, "1:02.40"),
        (578730, "9:38.73"),
        (599990, "9:59.99"),
        (600000, "10:00.00"),
        (622390, "10:22.39"),
        (3723450, "1:02:03.45"),
    ],
)
def test_split_time(ms: int, text: str) -> None:
    assert split_time(ms) == text


def test_lap_list_shortens_runs() -> None:
    assert lap_list((2, 4, 6, 8, 10)) == "2, 4, 6, 8, 10"
    assert lap_list([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14]) == "1-12, 14"
    assert lap_list((1, 2, 5)) == "1, 2, 5"


# ================================================================ the rendering


def _marked(preview: Preview) -> dict[int, bool]:
    """Lap number → whether the table marks it (the rows after the header)."""
    rows = lap_table(preview)[1:]
    return {int(row[1:].split()[0]): row.startswith(MARK) for row in rows}


async def test_the_preview_lists_every_lap_marking_the_proposed_ones(db) -> None:
    await workout(db, SEED)
    preview = await preview_of(db, seed_tcx())
    answer = preview_answer(preview)
    assert _marked(preview) == {n: n in (2, 4, 6, 8, 10) for n in range(1, 12)}
    table = lap_table(preview)
    assert table[2].split() == [MARK, "2", "243.4", "m", "29.78", "rep", "1:", "250", "m"]
    assert table[3].split() == ["3", "41.2", "m", "1:30.00", "rest"]
    assert all(row in answer.body for row in table)
    assert "Proposed laps 2, 4, 6, 8, 10 as the workout's 5 reps" in answer.body
    assert "As typed splits: `29.78 29.98 31.31 31.20 37.47`" in answer.body
    assert answer.headline.startswith("Preview (only you see it): 5 of 11 lap(s) selected")
    assert "Nothing is stored until you press Confirm" in answer.headline
    assert answer.title == "Laps from session.tcx (running)"
    # Nothing from the file but laps: no position, no heart rate.
    assert "51.5" not in answer.body and "163" not in answer.body


async def test_the_preview_after_a_change_marks_the_new_selection(db) -> None:
    await workout(db, SEED)
    changed = select_laps(await preview_of(db, seed_tcx()), ["2", "4", "6"])
    assert _marked(changed) == {n: n in (2, 4, 6) for n in range(1, 12)}
    body = preview_answer(changed).body
    assert "Selected laps 2, 4, 6: 3 for the workout's 5 reps (Confirm needs exactly 5)." in body


def _controls(view: discord.ui.View) -> tuple[list[discord.ui.Select], list[discord.ui.Button]]:
    selects = [item for item in view.children if isinstance(item, discord.ui.Select)]
    buttons = [item for item in view.children if isinstance(item, discord.ui.Button)]
    return selects, buttons


def _assert_buttons(buttons: Sequence[discord.ui.Button], preview: Preview) -> None:
    assert [button.label for button in buttons] == ["Confirm", "Cancel"]
    actions = []
    for button in buttons:
        match = re.fullmatch(PATTERN, button.custom_id or "")
        assert match is not None, button.custom_id
        assert (match["boot"], match["preview"]) == (BOOT, preview.id)
        actions.append(match["action"])
    assert actions == ["yes", "no"]


async def test_the_view_offers_every_lap_of_a_short_file(db) -> None:
    await workout(db, SEED)
    preview = await preview_of(db, seed_tcx())
    [select], buttons = _controls(preview_view(BOOT, preview))
    assert [option.value for option in select.options] == [str(n) for n in range(1, 12)]
    assert [o.value for o in select.options if o.default] == ["2", "4", "6", "8", "10"]
    assert select.options[1].label == "Lap 2: 243.4 m in 29.78"
    assert select.options[2].label == "Lap 3: 41.2 m in 1:30.00 (rest)"
    assert (select.min_values, select.max_values) == (1, 11)
    match = re.fullmatch(PATTERN, select.custom_id)
    assert match is not None and match["action"] == "laps"
    _assert_buttons(buttons, preview)


def _sixty_laps() -> list[BuiltLap]:
    """Warm-up, then 250s with rest laps between, the 300 at lap 40, and
    more 250s: 60 laps, more than a menu holds."""
    laps = [BuiltLap(1600.0, 540.0)]
    while len(laps) < 60:
        rep = 301.0 if len(laps) == 39 else 250.0 + len(laps) % 7
        laps.append(BuiltLap(rep, 30.0 + len(laps) % 5))
        if len(laps) < 60:
            laps.append(BuiltLap(40.0, 90.0, rest=True))
    return laps


async def test_a_60_lap_file_offers_exactly_25_with_the_chosen_among_them(db) -> None:
    await workout(db, SEED)
    preview = await preview_of(db, interval_tcx(_sixty_laps(), started=THIS_MORNING))
    assert len(preview.proposal.laps) == 60
    assert preview.selection == (2, 4, 6, 8, 40)
    [select], buttons = _controls(preview_view(BOOT, preview))
    values = [int(option.value) for option in select.options]
    assert len(values) == MAX_OFFERED == 25
    assert values == sorted(values)
    assert set(preview.selection) <= set(values)
    assert [int(o.value) for o in select.options if o.default] == [2, 4, 6, 8, 40]
    assert not any(preview.lap(n).rest for n in values)  # the likeliest laps: no rest lap
    assert select.max_values == 25
    _assert_buttons(buttons, preview)
    # The table still lists all 60 laps.
    assert len(_marked(preview)) == 60
    # A lap the menu does not offer cannot be chosen.
    hidden = next(n for n in range(1, 61) if n not in values)
    with pytest.raises(InputError):
        select_laps(preview, [str(hidden)])


async def test_more_than_25_proposed_laps_without_a_workout_are_all_stored(db) -> None:
    # No workout that day: every lap not marked rest is proposed, 30 here.
    laps = [BuiltLap(200.0 + n, 35.0 + n / 10) for n in range(30)]
    preview = await preview_of(db, interval_tcx(laps, started=THIS_MORNING))
    assert preview.selection == tuple(range(1, 31))
    assert preview.offered == tuple(range(1, 26))  # Discord's 25: the first chosen
    body = preview_answer(preview).body
    assert "laps 26-30 are selected but not in it: Confirm stores every selected lap" in body
    outcome = await confirm_import(db, ANA, preview, now=NOW)
    assert len(outcome.submission.splits) == 30
    assert outcome.submission.splits[-1].distance_m == Decimal(229)
    # A change in the menu keeps only what it holds.
    assert select_laps(preview, ["1", "25"]).selection == (1, 25)
