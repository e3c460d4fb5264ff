"""Tests for cogs.splits.export: the exact CSV contract, quoting and the formula-injection guard."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.splits.export import HEADER, ExportRow, export_csv, export_filename

HEADER_LINE = (
    "date,workout,athlete_id,athlete,rep,distance_m,time_s,pace_per_400_s,note,group,session,source"
)

SEED_DAY = date(2017, 6, 5)
SEED_REPS = [(250, 29780), (250, 29980), (250, 31310), (250, 31200), (300, 37470)]


def seed_rows(note: str | None = None) -> list[ExportRow]:
    return [
        ExportRow(
            date=SEED_DAY,
            workout="Sprint session",
            athlete_id=123456789012345678,
            athlete="Ana",
            rep=rep,
            distance_m=Decimal(metres),
            time_ms=time_ms,
            pace_per_400_ms=Fraction(time_ms * 400, metres),
            note=note,
        )
        for rep, (metres, time_ms) in enumerate(SEED_REPS, start=1)
    ]


def parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def one(**changes: object) -> ExportRow:
    return replace(seed_rows()[0], **changes)


def test_header_is_exact() -> None:
    assert ",".join(HEADER) == HEADER_LINE
    text = export_csv(seed_rows())
    assert text.split("\r\n", 1)[0] == HEADER_LINE


def test_empty_export_has_only_the_header() -> None:
    assert export_csv([]) == HEADER_LINE + "\r\n"
    assert export_csv(iter(())) == HEADER_LINE + "\r\n"
    assert parse(export_csv([])) == []


def test_seed_rows_round_trip() -> None:
    rows = parse(export_csv(seed_rows()))
    assert [row["rep"] for row in rows] == ["1", "2", "3", "4", "5"]
    assert [row["distance_m"] for row in rows] == ["250", "250", "250", "250", "300"]
    assert [row["time_s"] for row in rows] == ["29.78", "29.98", "31.31", "31.20", "37.47"]
    assert [row["pace_per_400_s"] for row in rows] == ["47.65", "47.97", "50.10", "49.92", "49.96"]
    for row in rows:
        assert row["date"] == "2017-06-05"
        assert row["workout"] == "Sprint session"
        assert row["athlete_id"] == "123456789012345678"
        assert row["athlete"] == "Ana"
        assert row["note"] == ""
        assert list(row) == list(HEADER)


def test_lines_end_with_crlf() -> None:
    text = export_csv(seed_rows())
    assert text.endswith("\r\n")
    assert text.count("\r\n") == 6
    assert "\n" not in text.replace("\r\n", "")


@pytest.mark.parametrize(
    ("metres", "expected"),
    [
        (Decimal("250"), "250"),
        (Decimal("250.000"), "250"),
        (Decimal("1E+3"), "1000"),
        (Decimal("1609.344"), "1609.344"),
        (Decimal("1609.3440"), "1609.344"),
        (Decimal("21097.5"), "21097.5"),
        (Decimal("42195"), "42195"),
        (Decimal("409.344"), "409.344"),
        (Decimal("1000000"), "1000000"),
        (400, "400"),
    ],
)
def test_distance_is_exact_without_trailing_zeros(metres: Decimal, expected: str) -> None:
    assert parse(export_csv([one(distance_m=metres)]))[0]["distance_m"] == expected


@pytest.mark.parametrize(
    ("time_ms", "expected"),
    [
        (29780, "29.78"),
        (236130, "236.13"),  # 3:56.13: plain seconds, not m:ss
        (31200, "31.20"),
        (60000, "60.00"),
        (29995, "30.00"),  # half up
        (29994, "29.99"),
        (29785, "29.79"),
        (7_323_000, "7323.00"),
        (1, "0.00"),
        (5, "0.01"),
    ],
)
def test_time_is_seconds_with_hundredths_half_up(time_ms: int, expected: str) -> None:
    assert parse(export_csv([one(time_ms=time_ms)]))[0]["time_s"] == expected


@pytest.mark.parametrize(
    ("pace", "expected"),
    [
        (Fraction(29780 * 400, 250), "47.65"),  # 47648 exactly
        (Fraction(37470 * 400, 300), "49.96"),
        (Fraction(236130 * 400, Fraction("1609.344")), "58.69"),
        (47648.0, "47.65"),
        (49955.0, "49.96"),  # half up
        (49954.999, "49.95"),
        (Fraction(60005), "60.01"),
    ],
)
def test_pace_is_seconds_with_hundredths_half_up(pace: Fraction | float, expected: str) -> None:
    assert parse(export_csv([one(pace_per_400_ms=pace)]))[0]["pace_per_400_s"] == expected


def test_notes_with_commas_quotes_and_newlines_are_quoted() -> None:
    notes = [
        "windy, wet track",
        'felt "ok"',
        "line one\nline two",
        "cr\r\nlf",
        'all, of "them"\nat once',
    ]
    rows = [replace(row, note=note) for row, note in zip(seed_rows(), notes, strict=True)]
    text = export_csv(rows)
    assert '"windy, wet track"' in text
    assert '"felt ""ok"""' in text
    parsed = parse(text)
    assert [row["note"] for row in parsed] == notes


def test_workout_and_athlete_with_commas_round_trip() -> None:
    row = one(workout="4 x 250m sprint + 1 x 300m, then 300m", athlete='Ana "Speedy", Jr')
    parsed = parse(export_csv([row]))[0]
    assert parsed["workout"] == "4 x 250m sprint + 1 x 300m, then 300m"
    assert parsed["athlete"] == 'Ana "Speedy", Jr'


@pytest.mark.parametrize(
    "dangerous",
    [
        '=HYPERLINK("http://evil","x")',
        "+1+1",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_formula_injection_is_neutralised(dangerous: str) -> None:
    row = one(workout=dangerous, athlete=dangerous, note=dangerous)
    parsed = parse(export_csv([row]))[0]
    for column in ("workout", "athlete", "note"):
        assert parsed[column] == "'" + dangerous


def test_harmless_text_is_left_alone() -> None:
    row = one(workout="10x400m @ 68", athlete="Zoë O'Neill", note="a=b, 1+1 later - fine")
    parsed = parse(export_csv([row]))[0]
    assert parsed["workout"] == "10x400m @ 68"
    assert parsed["athlete"] == "Zoë O'Neill"
    assert parsed["note"] == "a=b, 1+1 later - fine"


def test_empty_workout_and_missing_note() -> None:
    parsed = parse(export_csv([one(workout="", note=None)]))[0]
    assert parsed["workout"] == ""
    assert parsed["note"] == ""


def test_text_is_always_encodable() -> None:
    row = one(athlete="Ana\x00", note="bad \ud800 half")
    text = export_csv([row])
    text.encode("utf-8")  # must not raise
    parsed = parse(text)[0]
    assert parsed["athlete"] == "Ana"
    assert parsed["note"] == "bad \ufffd half"


@settings(max_examples=150, deadline=None)
@given(
    cells=st.lists(
        st.tuples(
            st.text(),  # workout
            st.text(),  # athlete
            st.one_of(st.none(), st.text()),  # note
        ),
        max_size=8,
    )
)
def test_arbitrary_text_parses_back_row_for_row(
    cells: list[tuple[str, str, str | None]],
) -> None:
    base = seed_rows()[0]
    rows = [
        replace(base, workout=workout, athlete=athlete, note=note, rep=index)
        for index, (workout, athlete, note) in enumerate(cells, start=1)
    ]
    reader = csv.reader(io.StringIO(export_csv(rows), newline=""))
    parsed = list(reader)
    assert parsed[0] == list(HEADER)
    assert len(parsed) == len(rows) + 1
    for line, (workout, athlete, note) in zip(parsed[1:], cells, strict=True):
        assert len(line) == len(HEADER)
        expected = [workout, athlete, note or ""]
        got = [line[1], line[3], line[8]]
        for cell, original in zip(got, expected, strict=True):
            original = original.replace("\x00", "")
            if original[:1] in ("=", "+", "-", "@", "\t", "\r"):
                original = "'" + original
            assert cell == original


def test_filename_with_range() -> None:
    assert (
        export_filename("Track Club", date(2026, 11, 1), date(2026, 11, 28))
        == "trackside-track-club-splits-2026-11-01-to-2026-11-28.csv"
    )


def test_filename_partial_and_open_ranges() -> None:
    assert export_filename("Track Club", date(2026, 11, 1), None) == (
        "trackside-track-club-splits-from-2026-11-01.csv"
    )
    assert export_filename("Track Club", None, date(2026, 11, 28)) == (
        "trackside-track-club-splits-to-2026-11-28.csv"
    )
    assert export_filename("Track Club", None, None) == "trackside-track-club-splits-all.csv"


def test_filename_without_a_usable_server_name() -> None:
    assert (
        export_filename("🏃‍♀️🏃", date(2026, 11, 1), date(2026, 11, 28))
        == "trackside-splits-2026-11-01-to-2026-11-28.csv"
    )
    assert export_filename("", None, None) == "trackside-splits-all.csv"


@given(st.text(max_size=200))
def test_filename_is_always_safe(name: str) -> None:
    filename = export_filename(name, date(2026, 11, 1), None)
    assert filename.startswith("trackside-")
    assert filename.endswith(".csv")
    assert set(filename) <= set("abcdefghijklmnopqrstuvwxyz0123456789-.")
    assert "--" not in filename
    assert len(filename) <= 100


def test_filename_folds_accents_and_symbols() -> None:
    assert export_filename("Équipe Piste / Run!", None, None) == (
        "trackside-equipe-piste-run-splits-all.csv"
    )
