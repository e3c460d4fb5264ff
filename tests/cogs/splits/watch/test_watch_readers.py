"""The watch-file readers (FIT, TCX, GPX with laps) on real device files and
on built track sessions: the laps they give, exactly, and every class of bad
file refused with a message naming the problem. Property tests: whatever the
bytes, a read gives an Activity or an ActivityRefused, never another error."""

from __future__ import annotations

import dataclasses
import gzip
import io
import time
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from fitdecode.utils import compute_crc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.errors import InputError
from bot.domain.laps import Lap
from cogs.splits.watch import (
    MAX_FILE_BYTES,
    MAX_LAPS,
    Activity,
    ActivityRefused,
    read_activity,
    read_activity_bytes,
)
from cogs.splits.watch.xmlfiles import MAX_DEPTH
from tests.cogs.splits.watch.builders import (
    DATA,
    SEED_SESSION,
    SEED_STARTED,
    BuiltLap,
    billion_laughs_tcx,
    external_entity_tcx,
    gpx_track,
    interval_fit,
    interval_tcx,
    real_file,
)

NOTHING = "nothing was stored"


def refused(data: bytes, filename: str) -> str:
    """The refusal's message (the test fails if the file is read)."""
    with pytest.raises(ActivityRefused) as caught:
        read_activity_bytes(data, filename)
    message = caught.value.message
    assert NOTHING in message
    return message


def laps_of(activity: Activity) -> list[tuple[int, Decimal | None, int, bool]]:
    return [(lap.number, lap.distance_m, lap.time_ms, lap.rest) for lap in activity.laps]


#: The seed session's laps as every format must give them: (number, distance, ms, rest).
SEED_LAPS = [
    (1, Decimal("1609.3"), 540000, False),
    (2, Decimal("243.4"), 29780, False),
    (3, Decimal("41.2"), 90000, True),
    (4, Decimal("251.9"), 29980, False),
    (5, Decimal("38.7"), 90000, True),
    (6, Decimal("258.0"), 31310, False),
    (7, Decimal("40.1"), 90000, True),
    (8, Decimal("246.7"), 31200, False),
    (9, Decimal("55.0"), 180000, True),
    (10, Decimal("301.2"), 37470, False),
    (11, Decimal("1450.0"), 600000, False),
]


# ============================================================ real device files


def test_the_1km_auto_lap_run_fit() -> None:
    activity = read_activity_bytes(real_file("2013-02-06-12-11-14.fit"), "2013-02-06-12-11-14.fit")
    assert activity.sport == "running"
    assert activity.started_at == datetime(2013, 2, 6, 12, 11, 14, tzinfo=UTC)
    assert laps_of(activity) == [
        (1, Decimal("1000.00"), 578730, False),
        (2, Decimal("1000.00"), 622390, False),
        (3, Decimal("1000.00"), 704010, False),
        (4, Decimal("1000.00"), 344150, False),
        (5, Decimal("835.38"), 375860, False),
    ]


def test_the_fenix_5_run_has_one_lap() -> None:
    activity = read_activity_bytes(real_file("garmin-fenix-5-run.fit"), "garmin-fenix-5-run.fit")
    assert activity.sport == "running"
    assert activity.started_at == datetime(2017, 6, 11, 14, 34, 9, tzinfo=UTC)
    # 56.887 s of timer time, rounded half up to the hundredth.
    assert laps_of(activity) == [(1, Decimal("157.56"), 56890, False)]


def test_the_training_center_tcx() -> None:
    activity = read_activity_bytes(real_file("test.tcx"), "test.tcx")
    assert activity.sport == "running"
    assert activity.started_at == datetime(2012, 12, 26, 21, 29, 53, tzinfo=UTC)
    # Distances exactly as written in the file (a float32 mile).
    assert laps_of(activity) == [
        (1, Decimal("1609.34399414"), 608470, False),
        (2, Decimal("1609.34399414"), 714800, False),
        (3, Decimal("1470.5546875"), 669510, False),
    ]


def test_a_real_ride_is_refused_naming_its_sport() -> None:
    message = refused(real_file("sample-activity.fit"), "sample-activity.fit")
    assert message.startswith("This file is a ride (cycling), not a run")


def test_a_real_truncated_fit_is_refused_as_truncated() -> None:
    message = refused(real_file("activity-unexpected-eof.fit"), "activity-unexpected-eof.fit")
    assert message.startswith("This FIT file is truncated")


def test_a_real_fit_with_a_corrupt_header_is_refused_as_corrupt() -> None:
    message = refused(
        real_file("activity-settings-corruptheader.fit"), "activity-settings-corruptheader.fit"
    )
    assert message.startswith("This FIT file is corrupt (a bad header)")


def test_a_real_settings_file_is_not_an_activity() -> None:
    message = refused(real_file("Settings.fit"), "Settings.fit")
    assert message.startswith("This FIT file is a settings file, not an activity")


def test_every_real_file_is_covered_here() -> None:
    names = {path.name for path in DATA.iterdir()}
    assert names - {"README.md"} == {
        "2013-02-06-12-11-14.fit",
        "garmin-fenix-5-run.fit",
        "test.tcx",
        "sample-activity.fit",
        "activity-unexpected-eof.fit",
        "activity-settings-corruptheader.fit",
        "Settings.fit",
    }


# ===================================================== built track sessions


def test_the_seed_session_as_tcx() -> None:
    activity = read_activity_bytes(interval_tcx(), "session.tcx")
    assert activity.sport == "running"
    assert activity.started_at == SEED_STARTED
    assert laps_of(activity) == SEED_LAPS


def test_the_seed_session_as_fit() -> None:
    activity = read_activity_bytes(interval_fit(), "session.fit")
    assert activity.sport == "running"
    assert activity.started_at == SEED_STARTED
    # FIT keeps centimetres: 243.40 m, the same number as the TCX's 243.4.
    assert laps_of(activity) == SEED_LAPS
    assert str(activity.laps[1].distance_m) == "243.40"


def test_the_seed_session_as_gpx_with_gpxdata_laps() -> None:
    activity = read_activity_bytes(gpx_track(laps=SEED_SESSION), "session.gpx")
    assert activity.sport == "running"
    assert activity.started_at == SEED_STARTED
    assert laps_of(activity) == SEED_LAPS


def test_the_content_decides_the_format_not_the_name() -> None:
    assert laps_of(read_activity_bytes(interval_tcx(), "activity.fit")) == SEED_LAPS
    assert laps_of(read_activity_bytes(interval_fit(), "activity.tcx")) == SEED_LAPS
    assert laps_of(read_activity_bytes(interval_fit(), "no name")) == SEED_LAPS


def test_a_tcx_with_a_byte_order_mark_or_in_utf_16_reads() -> None:
    assert laps_of(read_activity_bytes(b"\xef\xbb\xbf" + interval_tcx(), "a.tcx")) == SEED_LAPS
    utf16 = interval_tcx().decode().replace("UTF-8", "UTF-16").encode("utf-16")
    assert laps_of(read_activity_bytes(utf16, "a.tcx")) == SEED_LAPS


def test_a_file_naming_no_sport_is_read_as_other() -> None:
    assert read_activity_bytes(interval_tcx(sport="Other"), "a.tcx").sport == "other"
    assert read_activity_bytes(interval_fit(sport="GENERIC"), "a.fit").sport == "other"
    assert read_activity_bytes(gpx_track(laps=SEED_SESSION, kind=""), "a.gpx").sport == "other"


def test_a_lap_without_distance_among_others_is_kept_without_one() -> None:
    laps = [BuiltLap(400.0, 70.0), BuiltLap(None, 60.0), BuiltLap(401.5, 71.0)]
    for activity in (
        read_activity_bytes(interval_tcx(laps), "a.tcx"),
        read_activity_bytes(interval_fit(laps), "a.fit"),
    ):
        assert [lap.distance_m for lap in activity.laps] == [
            Decimal(400),
            None,
            Decimal("401.5"),
        ]
        assert [lap.time_ms for lap in activity.laps] == [70000, 60000, 71000]


def test_exactly_max_laps_is_read() -> None:
    laps = [BuiltLap(400.0, 80.0)] * MAX_LAPS
    assert len(read_activity_bytes(interval_tcx(laps, trackpoints=0), "a.tcx").laps) == 200
    assert len(read_activity_bytes(interval_fit(laps, records_per_lap=0), "a.fit").laps) == 200


def test_no_position_or_heart_rate_reaches_the_activity() -> None:
    tcx, fit = interval_tcx(), interval_fit()
    assert b"<LatitudeDegrees>51.5007" in tcx and b"<HeartRateBpm>" in tcx
    assert [field.name for field in dataclasses.fields(Activity)] == [
        "sport",
        "started_at",
        "laps",
    ]
    assert [field.name for field in dataclasses.fields(Lap)] == [
        "number",
        "distance_m",
        "time_ms",
        "rest",
    ]
    for activity in (
        read_activity_bytes(tcx, "a.tcx"),
        read_activity_bytes(fit, "a.fit"),
        read_activity_bytes(gpx_track(laps=SEED_SESSION), "a.gpx"),
    ):
        shown = repr(activity)
        assert "51.5" not in shown and "-0.12" not in shown and "163" not in shown


# ================================================================== bad files


def test_an_empty_file() -> None:
    assert refused(b"", "a.fit").startswith("The file is empty (0 bytes)")


def test_a_file_over_the_size_limit_is_refused_unread() -> None:
    message = refused(b"\x0e" + b"\x00" * MAX_FILE_BYTES, "big.fit")
    assert message.startswith("The file is 10.0 MB; a watch file can be up to 10 MB")
    assert "Export only this session's activity" in message


def test_more_than_max_laps_in_a_tcx() -> None:
    laps = [BuiltLap(400.0, 80.0)] * (MAX_LAPS + 1)
    message = refused(interval_tcx(laps, trackpoints=0), "a.tcx")
    assert message.startswith("This file has more than 200 laps")


def test_more_than_max_laps_in_a_fit() -> None:
    laps = [BuiltLap(400.0, 80.0)] * (MAX_LAPS + 1)
    message = refused(interval_fit(laps, records_per_lap=0), "a.fit")
    assert message.startswith("This file has more than 200 laps")


def test_more_than_max_laps_in_a_gpx() -> None:
    laps = [BuiltLap(400.0, 80.0)] * (MAX_LAPS + 1)
    assert refused(gpx_track(laps=laps), "a.gpx").startswith("This file has more than 200 laps")


@pytest.mark.parametrize(
    ("data", "name"),
    [(interval_tcx(()), "a.tcx"), (interval_fit(()), "a.fit")],
    ids=["tcx", "fit"],
)
def test_a_file_without_laps(data: bytes, name: str) -> None:
    message = refused(data, name)
    assert message.startswith("This file has no laps")
    assert "/splits submit" in message


@pytest.mark.parametrize("kind", ["tcx", "fit", "gpx"])
def test_laps_without_distance(kind: str) -> None:
    laps = [BuiltLap(None, 70.0), BuiltLap(None, 90.0, rest=True), BuiltLap(None, 71.0)]
    data = {
        "tcx": lambda: interval_tcx(laps),
        "fit": lambda: interval_fit(laps),
        "gpx": lambda: gpx_track(laps=laps),
    }[kind]()
    message = refused(data, f"a.{kind}")
    assert message.startswith("This file's laps have no distance")


def test_only_rest_laps_with_distance_is_laps_without_distance() -> None:
    laps = [BuiltLap(None, 70.0), BuiltLap(41.0, 90.0, rest=True), BuiltLap(None, 71.0)]
    assert refused(interval_tcx(laps), "a.tcx").startswith("This file's laps have no distance")


def test_a_lap_without_time() -> None:
    data = interval_tcx().replace(b"<TotalTimeSeconds>29.98</TotalTimeSeconds>", b"", 1)
    assert refused(data, "a.tcx").startswith("Lap 4 of this file has no time")


def test_a_gpx_track_without_laps_hints_at_fit_or_tcx() -> None:
    message = refused(gpx_track(), "morning.gpx")
    assert message.startswith("This GPX file has a track but no laps")
    assert "Export the activity as FIT or TCX" in message


@pytest.mark.parametrize(
    ("data", "name", "named"),
    [
        (interval_fit(sport="CYCLING"), "a.fit", "a ride (cycling)"),
        (interval_tcx(sport="Biking"), "a.tcx", "a ride (cycling)"),
        (gpx_track(laps=SEED_SESSION, kind="cycling"), "a.gpx", "a ride (cycling)"),
        (interval_fit(sport="SWIMMING"), "a.fit", "a swim (swimming)"),
        (interval_fit(sport="WALKING"), "a.fit", "a walk (walking)"),
        (interval_fit(sport="TENNIS"), "a.fit", "a tennis activity"),
    ],
    ids=["fit-ride", "tcx-biking", "gpx-ride", "swim", "walk", "tennis"],
)
def test_another_sport_is_refused_naming_it(data: bytes, name: str, named: str) -> None:
    assert refused(data, name).startswith(f"This file is {named}, not a run")


@pytest.mark.parametrize(
    ("file_type", "kind"),
    [("SETTINGS", "a settings"), ("WORKOUT", "a workout"), ("COURSE", "a course")],
)
def test_a_fit_that_is_not_an_activity(file_type: str, kind: str) -> None:
    message = refused(interval_fit(file_type=file_type), "a.fit")
    assert message.startswith(f"This FIT file is {kind} file, not an activity")


def test_a_corrupt_fit_fails_its_checksum() -> None:
    data = bytearray(interval_fit())
    data[len(data) // 2] ^= 0xFF
    message = refused(bytes(data), "a.fit")
    assert message.startswith("This FIT file is corrupt (its checksum does not match)")


def test_a_fit_cut_in_half_is_truncated() -> None:
    data = interval_fit()
    assert refused(data[: len(data) // 2], "a.fit").startswith("This FIT file is truncated")


def test_garbage_named_fit_is_a_corrupt_fit() -> None:
    message = refused(b"this is not a watch file at all", "run.fit")
    assert message.startswith("This FIT file is corrupt (a bad header)")


def test_garbage_named_tcx_is_not_a_tcx() -> None:
    message = refused(b"Lap 1: 400m 70s", "run.tcx")
    assert message.startswith("This is not a valid TCX file (it is not a TCX document)")


@pytest.mark.parametrize("kind", ["gzip", "zip"])
def test_a_compressed_file_is_refused_with_a_hint_to_unpack_it(kind: str) -> None:
    if kind == "gzip":
        data = gzip.compress(interval_fit())
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("session.fit", interval_fit())
        data = buffer.getvalue()
    message = refused(data, "session.fit")
    assert message.startswith("`session.fit` is a compressed (zip or gzip) file")
    assert "Unpack it" in message


def test_an_unknown_type_is_not_an_activity_file() -> None:
    message = refused(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>", "plan.pdf")
    assert message.startswith(
        "`plan.pdf` is not a watch activity file (.fit, .tcx, or .gpx with laps)"
    )


def test_an_xml_that_is_neither_tcx_nor_gpx() -> None:
    data = b'<?xml version="1.0"?><kml><Document/></kml>'
    assert refused(data, "route.kml").startswith("`route.kml` is not a watch activity file")
    assert refused(data, "route.tcx").startswith("This is not a valid TCX file")


def test_the_billion_laughs_is_refused_unexpanded() -> None:
    message = refused(billion_laughs_tcx(), "a.tcx")
    assert message.startswith("This is not a valid TCX file: it declares XML entities")
    assert "lol" not in message


def test_an_external_entity_is_refused_and_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    data = external_entity_tcx().replace(b"file:///etc/passwd", secret.as_uri().encode())
    assert secret.as_uri().encode() in data
    message = refused(data, "a.tcx")
    assert message.startswith("This is not a valid TCX file: it declares XML entities")
    assert "TOP-SECRET" not in message
    assert "root:" not in refused(external_entity_tcx(), "a.tcx")


def test_a_doctype_alone_is_refused_as_hostile() -> None:
    data = interval_tcx().replace(
        b"<TrainingCenterDatabase", b"<!DOCTYPE TrainingCenterDatabase>\n<TrainingCenterDatabase", 1
    )
    assert "declares XML entities or a document type" in refused(data, "a.tcx")


def test_deeply_nested_xml_is_refused() -> None:
    depth = MAX_DEPTH + 10
    data = (
        b'<?xml version="1.0"?><TrainingCenterDatabase>'
        + b"<a>" * depth
        + b"</a>" * depth
        + b"</TrainingCenterDatabase>"
    )
    message = refused(data, "a.tcx")
    assert message.startswith("This is not a valid TCX file (its elements are nested too deeply)")


def test_very_deeply_nested_xml_is_refused_too() -> None:
    depth = 200_000
    data = b"<gpx>" + b"<a>" * depth + b"</a>" * depth + b"</gpx>"
    assert "nested too deeply" in refused(data, "a.gpx")


def test_broken_xml_names_the_line() -> None:
    data = interval_tcx().replace(b"</Lap>", b"</Lapp>", 1)
    line = data[: data.index(b"</Lapp>")].count(b"\n") + 1
    message = refused(data, "a.tcx")
    assert message.startswith(f"This is not a valid TCX file (broken XML at line {line})")


def test_a_tcx_cut_short_is_broken_xml() -> None:
    data = interval_tcx()
    assert "broken XML at line" in refused(data[: len(data) // 2], "a.tcx")


@pytest.mark.parametrize("encoding", ["UTZ-8", "Shift_JIS", "UTF-32", "base64", "idna"])
def test_an_xml_encoding_that_cannot_be_read_is_refused(encoding: str) -> None:
    data = interval_tcx().replace(b'encoding="UTF-8"', f'encoding="{encoding}"'.encode(), 1)
    message = refused(data, "a.tcx")
    assert message.startswith("This is not a valid TCX file (its declared encoding cannot be read)")


# =============================================================== the deadline


def _large_tcx() -> bytes:
    return interval_tcx(SEED_SESSION, trackpoints=1500)  # ~2.5 MB, ~100,000 elements


def test_a_read_past_its_deadline_stops_with_took_too_long() -> None:
    data = _large_tcx()
    with pytest.raises(ActivityRefused) as caught:
        read_activity_bytes(data, "a.tcx", deadline=time.monotonic() - 1)
    assert caught.value.message.startswith("This file took too long to read")


def test_a_fit_past_its_deadline_stops_with_took_too_long() -> None:
    with pytest.raises(ActivityRefused, match="took too long"):
        read_activity_bytes(interval_fit(), "a.fit", deadline=time.monotonic() - 1)


def test_the_large_tcx_reads_without_a_deadline() -> None:
    assert laps_of(read_activity_bytes(_large_tcx(), "a.tcx")) == SEED_LAPS


async def test_read_activity_off_the_loop() -> None:
    activity = await read_activity(interval_fit(), "a.fit")
    assert laps_of(activity) == SEED_LAPS


async def test_read_activity_with_no_time_refuses_with_took_too_long() -> None:
    with pytest.raises(ActivityRefused) as caught:
        await read_activity(_large_tcx(), "a.tcx", time_limit=0)
    assert caught.value.message.startswith("This file took too long to read")


async def test_read_activity_refusals_are_input_errors() -> None:
    with pytest.raises(InputError, match="a ride"):
        await read_activity(interval_fit(sport="CYCLING"), "a.fit")


# ============================================================ property tests

NAMES = st.sampled_from(["a.fit", "a.tcx", "a.gpx", "a.pdf", "activity", "a.FIT"])
FIT = interval_fit()
TCX = interval_tcx()
GPX = gpx_track(laps=SEED_SESSION)
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_or_refuse(data: bytes, name: str) -> Activity | ActivityRefused:
    """What a read ends with; any other exception fails the test."""
    try:
        activity = read_activity_bytes(data, name)
    except ActivityRefused as refusal:
        assert NOTHING in refusal.message
        return refusal
    assert isinstance(activity, Activity)
    assert 1 <= len(activity.laps) <= MAX_LAPS
    assert [lap.number for lap in activity.laps] == list(range(1, len(activity.laps) + 1))
    assert all(lap.time_ms % 10 == 0 and lap.time_ms >= 0 for lap in activity.laps)
    return activity


def _with_fit_crcs(data: bytes) -> bytes:
    """``data`` with its FIT header and file CRCs made right again, so a
    mutation reaches the decoder's message parsing instead of the checksum."""
    fixed = bytearray(data)
    if len(fixed) >= 16 and fixed[0] == 14:
        fixed[12:14] = compute_crc(fixed, end=12).to_bytes(2, "little")
        fixed[-2:] = compute_crc(fixed, end=len(fixed) - 2).to_bytes(2, "little")
    return bytes(fixed)


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 8))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


@PROPERTY
@given(data=st.binary(max_size=2048), name=NAMES)
def test_arbitrary_bytes_read_or_refuse(data: bytes, name: str) -> None:
    read_or_refuse(data, name)


@PROPERTY
@given(data=st.binary(max_size=512), name=NAMES)
def test_arbitrary_bytes_after_a_fit_header_read_or_refuse(data: bytes, name: str) -> None:
    read_or_refuse(FIT[:14] + data, name)


@PROPERTY
@given(data=mutated(FIT), name=NAMES)
def test_a_mutated_fit_reads_or_refuses(data: bytes, name: str) -> None:
    read_or_refuse(data, name)


@PROPERTY
@given(data=mutated(FIT[:-2]).map(lambda body: _with_fit_crcs(body + b"\0\0")), name=NAMES)
def test_a_mutated_fit_with_good_checksums_reads_or_refuses(data: bytes, name: str) -> None:
    read_or_refuse(data, name)


@PROPERTY
@given(data=mutated(TCX), name=NAMES)
def test_a_mutated_tcx_reads_or_refuses(data: bytes, name: str) -> None:
    read_or_refuse(data, name)


@PROPERTY
@given(data=mutated(GPX), name=NAMES)
def test_a_mutated_gpx_reads_or_refuses(data: bytes, name: str) -> None:
    read_or_refuse(data, name)


@PROPERTY
@given(cut=st.integers(0, len(FIT)))
def test_every_truncation_of_a_fit_is_refused(cut: int) -> None:
    outcome = read_or_refuse(FIT[:cut], "a.fit")
    if cut < len(FIT):
        assert isinstance(outcome, ActivityRefused)


@PROPERTY
@given(cut=st.integers(0, len(TCX) - 20))
def test_every_truncation_of_a_tcx_is_refused(cut: int) -> None:
    # The last 20 bytes are the closing tag and a newline: before them, always broken.
    assert isinstance(read_or_refuse(TCX[:cut], "a.tcx"), ActivityRefused)
