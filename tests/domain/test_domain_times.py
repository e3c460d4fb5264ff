"""Times: the grammar runners type, the display rules coaches read, and their round trip."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.errors import InputError
from bot.domain.times import MAX_TIME_MS, format_delta, format_time, parse_time

# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        # the product contract's examples
        ("29.78", 29_780),
        ("29.78s", 29_780),
        ("49.8", 49_800),
        ("1:02.3", 62_300),
        ("3:56.13", 236_130),
        ("4:05", 245_000),
        ("1:02:03", 3_723_000),
        ("2:05:30.5", 7_530_500),
        ("2h05m30s", 7_530_000),
        ("45'", 2_700_000),
        ('90"', 90_000),
        # phone keyboards' curly marks and primes, and two apostrophes
        ("45’", 2_700_000),
        ("90”", 90_000),
        ("45′", 2_700_000),
        ("90″", 90_000),
        ("90''", 90_000),
        ("4'05\"", 245_000),
        # unit forms, with and without spaces
        ("2h", 7_200_000),
        ("45m", 2_700_000),
        ("1h5m", 3_900_000),
        ("30s", 30_000),
        ("90sec", 90_000),
        ("5min", 300_000),
        ("2h 05m 30s", 7_530_000),
        ("1 hr 5 min", 3_900_000),
        ("90 sec", 90_000),
        ("2 hours", 7_200_000),
        ("2H05M30S", 7_530_000),
        ("2h05", 7_500_000),
        ("4'05", 245_000),
        ("1.5h", 5_400_000),
        ("2h05m30.5s", 7_530_500),
        # more clock forms
        ("0:45", 45_000),
        ("75:30", 4_530_000),
        ("00:49.80", 49_800),
        ("48:00:00", MAX_TIME_MS),
        ("1:02.345", 62_345),
        ("10", 10_000),
        # whitespace around the time is ignored
        ("  29.78 ", 29_780),
        ("\t1:02.3\n", 62_300),
        # more than 3 fraction digits round half up to the millisecond
        ("29.7785", 29_779),
        ("29.7784", 29_778),
        ("0.0005", 1),
    ],
)
def test_parse_time_accepts_the_grammar(text: str, ms: int) -> None:
    assert parse_time(text) == ms


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", ["no time"]),
        ("   ", ["no time"]),
        ("-5", ["negative"]),
        ("-1:02.3", ["negative"]),
        ("−1:00", ["negative"]),
        ("abc", ["`abc`", "isn't a time"]),
        ("fast", ["isn't a time"]),
        ("1:75", ["`1:75` has 75 seconds", "under 60"]),
        ("4:60", ["60 seconds", "under 60"]),
        ("1:75:00", ["75 minutes", "under 60"]),
        ("1:02:75", ["75 seconds", "under 60"]),
        ("2h75m", ["75 minutes", "under 60"]),
        ("0", ["zero"]),
        ("0:00", ["zero"]),
        ("0.0004", ["zero"]),
        ("49h", ["48 hours"]),
        ("48:00:00.1", ["48 hours"]),
        ("3000m", ["48 hours"]),
        ("1:5", ["two digits"]),
        ("1:5:00", ["two digits"]),
        ("29,78", ["dot"]),
        ("1:02:03:04", ["too many colons"]),
        ("5x", ["unit", "`x`"]),
        ("1.5h30m", ["decimal point"]),
        ("30s2m", ["order"]),
        ("1 2", ["isn't a time"]),
        ("29.", ["isn't a time"]),
        ("1:02x", ["isn't a time"]),
        ("1" * 41, ["too long"]),
    ],
)
def test_parse_time_rejects_with_a_message_naming_the_problem(text: str, words: list[str]) -> None:
    with pytest.raises(InputError) as caught:
        parse_time(text)
    error = caught.value
    for word in words:
        assert word.lower() in error.message.lower()
    assert str(error) == error.message
    assert error.example is not None
    # The example offered is itself valid.
    parse_time(error.example.strip("`"))


def test_the_brief_error_message_for_1_75() -> None:
    with pytest.raises(InputError) as caught:
        parse_time("1:75")
    assert caught.value.message == (
        "`1:75` has 75 seconds; seconds must be under 60 in a m:ss time."
    )
    assert caught.value.example == "`1:02.3`"


def test_user_text_cannot_break_out_of_the_code_span() -> None:
    with pytest.raises(InputError) as caught:
        parse_time("`@everyone`")
    assert caught.value.message.startswith("`'@everyone'` isn't a time")


def test_non_strings_are_input_errors() -> None:
    with pytest.raises(InputError):
        parse_time(None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- display


@pytest.mark.parametrize(
    ("ms", "shown"),
    [
        (49_960, "49.96"),
        (47_648, "47.65"),
        (49_965, "49.97"),
        (Fraction(49_965), "49.97"),
        (49_964.999, "49.96"),
        (Decimal("49965"), "49.97"),
        (124_900, "2:04.90"),
        (60_060, "1:00.06"),
        (59_994, "59.99"),
        (59_995, "1:00.00"),
        (59_996, "1:00.00"),
        (599_994, "9:59.99"),
        (599_995, "10:00.0"),
        (599_996, "10:00.0"),
        (2_501_900, "41:41.9"),
        (2_501_950, "41:42.0"),
        (3_599_949, "59:59.9"),
        (3_599_950, "1:00:00.0"),
        (3_723_000, "1:02:03.0"),
        (7_530_500, "2:05:30.5"),
        (MAX_TIME_MS, "48:00:00.0"),
        (0, "0.00"),
        (4, "0.00"),
        (5, "0.01"),
        (-1_100, "-1.10"),
    ],
)
def test_format_time_rounds_half_up_and_picks_the_bracket_after_rounding(
    ms: int | float | Fraction | Decimal, shown: str
) -> None:
    assert format_time(ms) == shown


def test_format_time_rejects_non_finite_values() -> None:
    with pytest.raises(ValueError):
        format_time(float("nan"))
    with pytest.raises(ValueError):
        format_time(float("inf"))


@pytest.mark.parametrize(
    ("ms", "shown"),
    [
        (400, "+0.40"),
        (-1_100, "-1.10"),
        (0, "+0.00"),
        (-4, "+0.00"),
        (-5, "-0.01"),
        (5, "+0.01"),
        (Fraction(-1, 3), "+0.00"),
        (62_500, "+1:02.50"),
        (-62_500, "-1:02.50"),
    ],
)
def test_format_delta(ms: int | Fraction, shown: str) -> None:
    assert format_delta(ms) == shown


def test_format_delta_in_tenths() -> None:
    assert format_delta(400, digits=1) == "+0.4"
    assert format_delta(-1_050, digits=1) == "-1.1"
    assert format_delta(-49, digits=1) == "+0.0"


# --------------------------------------------------------------------------- properties


def _reference_format(ms: Decimal) -> str:
    """An independent implementation of the display rules, with Decimal half-up rounding."""
    with localcontext() as context:
        context.prec = 60
        seconds = ms / 1000
        hundredths = seconds.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if hundredths < 60:
            return f"{hundredths:.2f}"
        if hundredths < 600:
            minutes = int(hundredths // 60)
            return f"{minutes}:{hundredths - minutes * 60:05.2f}"
        tenths = seconds.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        hours = int(tenths // 3600)
        minutes = int((tenths - hours * 3600) // 60)
        rest = tenths - hours * 3600 - minutes * 60
        if hours == 0:
            return f"{minutes}:{rest:04.1f}"
        return f"{hours}:{minutes:02d}:{rest:04.1f}"


def _displayed_ms(ms: int) -> int:
    """What ``ms`` becomes once rounded to its display precision."""
    hundredths = (Decimal(ms) / 10).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if hundredths < 60_000:
        return int(hundredths) * 10
    return int((Decimal(ms) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 100


@settings(max_examples=500, deadline=None)
@given(st.integers(min_value=5, max_value=MAX_TIME_MS))
def test_format_then_parse_round_trips_at_display_precision(ms: int) -> None:
    assert parse_time(format_time(ms)) == _displayed_ms(ms)


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=0, max_value=MAX_TIME_MS, places=4))
def test_format_time_matches_exact_half_up_rounding(ms: Decimal) -> None:
    assert format_time(Fraction(ms)) == _reference_format(ms)
    assert format_time(ms) == _reference_format(ms)


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=0, max_value=MAX_TIME_MS, allow_nan=False))
def test_format_time_of_floats_never_truncates(ms: float) -> None:
    # Decimal(float) is the float's exact value, so this is exact half-up rounding.
    assert format_time(ms) == _reference_format(Decimal(ms))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_parse_time_raises_only_input_error_on_any_text(text: str) -> None:
    try:
        ms = parse_time(text)
    except InputError:
        return
    assert isinstance(ms, int)
    assert 0 < ms <= MAX_TIME_MS


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789:.,hmsinecr'\" -’”′″", max_size=16))
def test_parse_time_raises_only_input_error_on_time_like_text(text: str) -> None:
    try:
        ms = parse_time(text)
    except InputError:
        return
    assert isinstance(ms, int)
    assert 0 < ms <= MAX_TIME_MS


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-MAX_TIME_MS, max_value=MAX_TIME_MS))
def test_format_delta_sign_and_magnitude(ms: int) -> None:
    shown = format_delta(ms)
    assert shown[0] == ("-" if ms <= -5 else "+")
    magnitude = 0 if shown[1:] == "0.00" else parse_time(shown[1:])
    assert magnitude == (_displayed_ms(abs(ms)) if abs(ms) >= 5 else 0)
