"""Pace answers as plain data: what the bot says, independent of Discord.

Slash commands and plain-chat questions render the same
:class:`~bot.replies.Answer`, so the numbers and wording never drift between
the two; :mod:`bot.replies` turns it into an embed plus a one-line message
content (the headline, so notifications and previews show the figure).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from bot.domain import agegrade as grading
from bot.domain import predict as models
from bot.domain import scoring
from bot.domain.distance import STANDARD_DISTANCES, Distance, format_distance, parse_distance
from bot.domain.errors import InputError
from bot.domain.pace import convert, lap_splits, pace_per
from bot.domain.times import format_time, parse_time, written_decimals
from bot.replies import Answer
from cogs.profile.profiles import age_and_sex
from db.profiles import Profile

# Short labels keep the prediction table within a phone's code-block width.
_SHORT_LABELS = {
    Decimal(400): "400",
    Decimal(800): "800",
    Decimal(1500): "1500",
    Decimal("1609.344"): "Mile",
    Decimal(3000): "3000",
    Decimal(5000): "5K",
    Decimal(10000): "10K",
    Decimal("21097.5"): "Half",
    Decimal(42195): "Mar.",
}
SAME_PACE_NOTE = (
    "Same pace, not an equivalent performance: a longer race at this pace is harder. "
    "For equivalent times use /pace predict."
)
RANGE_NOTE = (
    "* outside the model's range (Riegel and VDOT: 1500 m to the marathon; "
    "Cameron: 800 m to the marathon)."
)


def _code(lines: list[str]) -> str:
    return "```\n" + "\n".join(lines) + "\n```"


def _two_places(value: float) -> str:
    # Half-up at two decimals, like every displayed figure.
    return str(Decimal(repr(value)).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP"))


def _effort(time_ms: int, distance: Distance) -> str:
    # "2:05:30.0 for a marathon" reads better than "for marathon".
    article = "a " if distance.label.endswith("marathon") else ""
    return f"{format_time(time_ms)} for {article}{distance.label}"


#: The pace unit a profile's ``units`` puts first.
UNITS_FIRST = {"metric": "1 km", "imperial": "mile"}


def pace_convert(
    time_text: str, distance_text: str, per_text: str | None = None, units: str | None = None
) -> Answer:
    """Same-pace conversion: the pace table for one effort. ``per_text`` (a
    distance) puts that pace first in the headline, for chat questions such as
    "what's that per mile"; otherwise the asker's ``units`` (their profile's
    ``metric`` or ``imperial``) put per km or per mile first."""
    time_ms = parse_time(time_text)
    distance = parse_distance(distance_text)
    per_text = per_text or UNITS_FIRST.get(units or "")
    per = parse_distance(per_text) if per_text else None
    table = convert(time_ms, distance.metres)
    rows = [
        ("per 100 m", format_time(table.per_100_ms)),
        ("per 200 m", format_time(table.per_200_ms)),
        ("per 400 m", format_time(table.per_400_ms)),
        ("per km", format_time(table.per_km_ms)),
        ("per mile", format_time(table.per_mile_ms)),
    ]
    width = max(len(value) for _, value in rows)
    lines = [f"{name:<10}{value:>{width}}" for name, value in rows]
    lines += [
        f"{'speed':<10}{table.kmh_text} km/h",
        f"{'':<10}{table.mph_text} mph",
        f"{'':<10}{table.metres_per_second_text} m/s",
    ]
    effort = _effort(time_ms, distance)
    per_400 = format_time(table.per_400_ms)
    headline = (
        f"{effort} = {per_400} per 400 m, {format_time(table.per_km_ms)} per km, "
        f"{format_time(table.per_mile_ms)} per mile (same pace)"
    )
    if per is not None and per.metres != 400:
        asked = format_time(pace_per(time_ms, distance.metres, per.metres))
        unit = per.label.removeprefix("1 ")  # "per mile", "per km"
        headline = f"{effort} = {asked} per {unit}, {per_400} per 400 m (same pace)"
    return Answer(
        kind="Same pace",
        headline=headline,
        title=f"Same pace: {effort}",
        body=_code(lines),
        footer=SAME_PACE_NOTE,
    )


def pace_laps(time_text: str, distance_text: str, lap_text: str | None = None) -> Answer:
    """Even-pace splits as read on a track: the odd part first."""
    time_ms = parse_time(time_text)
    distance = parse_distance(distance_text)
    lap = parse_distance(lap_text) if lap_text else parse_distance("400m")
    splits = lap_splits(time_ms, distance.metres, lap.metres)
    per_lap = convert(time_ms, distance.metres)
    lap_pace = format_time(per_lap.per_400_ms * Fraction(lap.metres) / 400)
    at_width = max(len(format_distance(s.distance_m)) for s in splits)
    lines = [f"{'#':>3}  {'at':<{at_width}}  {'lap':>8}  {'total':>9}"]
    for split in splits:
        at = format_distance(split.distance_m)
        lines.append(
            f"{split.index:>3}  {at:<{at_width}}  {format_time(split.lap_ms):>8}"
            f"  {format_time(split.cumulative_ms):>9}"
        )
    totals = ", ".join(format_time(s.cumulative_ms) for s in splits[:8])
    if len(splits) > 8:
        totals += ", …"
    effort = _effort(time_ms, distance)
    first = splits[0]
    odd_note = None
    if first.distance_m != lap.metres:
        odd_note = (
            f"Not a whole number of {lap.label} laps: the first split is the odd "
            f"{format_distance(first.distance_m)}, then {lap.label} laps."
        )
    return Answer(
        kind="Even splits",
        headline=f"{effort}: {lap_pace} per {lap.label}; splits {totals}",
        title=f"Even splits: {effort}",
        body=_code(lines),
        footer=odd_note,
        file_name="splits.txt",  # a marathon in 250 m laps does not fit a message
    )


def _target_label(distance: Distance) -> str:
    return _SHORT_LABELS.get(distance.metres, distance.label)


POINTS_COLUMN = "WA pts"
POINTS_NOTE = (
    "Below 1500 m Riegel, Cameron and VDOT do not apply; the answer there is equal "
    f"World Athletics points ({scoring.EDITION}, {{table}}): the time worth the same "
    "points at the other event."
)


def pace_predict(
    time_text: str, distance_text: str, target_text: str | None = None, sex: str = "male"
) -> Answer:
    """Equivalent performances by Riegel, Cameron and VDOT side by side, plus equal
    World Athletics points, which take over below 1500 m where the models do not apply."""
    time_ms = parse_time(time_text)
    distance = parse_distance(distance_text)
    sex_code = scoring.parse_sex(sex)
    targets = [parse_distance(target_text)] if target_text else list(STANDARD_DISTANCES)
    predictions = models.predict_all(time_ms, distance.metres, targets)
    by_target: dict[Decimal, dict[str, models.Prediction]] = {}
    for prediction in predictions:
        by_target.setdefault(prediction.target_m, {})[prediction.model] = prediction
    points_by_target = {
        t.metres: scoring.equal_points_time_ms(time_ms, distance, t, sex_code) for t in targets
    }
    names = (models.RIEGEL, models.CAMERON, models.VDOT)
    table_name = scoring.table_name(sex_code, indoor=False)

    def cell(prediction: models.Prediction) -> str:
        return format_time(prediction.time_ms) + ("" if prediction.in_range else "*")

    def points_cell(target: Distance) -> str:
        found = points_by_target[target.metres]
        return format_time(found[0]) if found else "—"

    def by_points(target: Distance) -> bool:
        # Equal points answer wherever the endurance models are out of their range.
        return (distance.metres < 1500 or target.metres < 1500) and bool(
            points_by_target[target.metres]
        )

    label_width = max(4, *(len(_target_label(t)) for t in targets))
    header = [*names, POINTS_COLUMN]
    lines = [f"{'':<{label_width}} " + " ".join(f"{name:>10}" for name in header)]
    flagged = False
    for target in targets:
        row = by_target[target.metres]
        flagged |= any(not row[name].in_range for name in names)
        cells = [cell(row[name]) for name in names] + [points_cell(target)]
        lines.append(
            f"{_target_label(target):<{label_width}} " + " ".join(f"{c:>10}" for c in cells)
        )
    effort = _effort(time_ms, distance)
    notes: list[str] = []
    if flagged:
        notes.append(RANGE_NOTE)
    if any(t.metres < 1500 for t in targets) or distance.metres < 1500:
        notes.append(POINTS_NOTE.format(table=table_name))
    if all(found is None for found in points_by_target.values()):
        notes.append(
            f"No {POINTS_COLUMN} figures: the scoring tables have no {distance.label} event, "
            "or the time scores no points."
        )
    if target_text:
        target = targets[0]
        row = by_target[target.metres]
        found = points_by_target[target.metres]
        if by_points(target) and found:
            headline = (
                f"{effort} ≈ {format_time(found[0])} for {target.label} by equal World "
                f"Athletics points ({found[1]} points, {table_name}; equivalent performance)"
            )
        else:
            figures = " · ".join(f"{cell(row[name])} {name}" for name in names)
            headline = f"{effort} ≈ {figures} for {target.label} (equivalent performance)"
        title = f"Equivalent performance: {effort} → {target.label}"
    else:
        figures_by: list[str] = []
        source_label = "equal World Athletics points" if distance.metres < 1500 else "Riegel"
        for t in targets:
            if t.metres == distance.metres:
                continue
            if distance.metres < 1500:
                found = points_by_target[t.metres]
                if found:
                    figures_by.append(f"{_target_label(t)} {format_time(found[0])}")
            elif by_target[t.metres][models.RIEGEL].in_range:
                figures_by.append(
                    f"{_target_label(t)} {format_time(by_target[t.metres][models.RIEGEL].time_ms)}"
                )
        if figures_by:
            headline = f"{effort} is worth ({source_label}) " + ", ".join(figures_by[:5])
            if len(figures_by) > 5:
                headline += ", …"
        else:
            headline = (
                f"{effort}: equivalent performances (every model is out of range; see the table)"
            )
        title = f"Equivalent performances: {effort}"
    return Answer(
        kind="Equivalent performance",
        headline=headline,
        title=title,
        body=_code(lines),
        footer=" ".join(
            [
                "Riegel: T2 = T1 × (D2/D1)^1.06. Cameron: Dave Cameron's published model. "
                f"VDOT: Daniels & Gilbert. {POINTS_COLUMN}: equal World Athletics points "
                f"({table_name}).",
                *notes,
            ]
        ),
    )


def pace_vdot(time_text: str, distance_text: str, units: str | None = None) -> Answer:
    """VDOT and the Daniels training paces it implies; the asker's ``units``
    put the /km or /mile column first."""
    time_ms = parse_time(time_text)
    distance = parse_distance(distance_text)
    vdot = models.vdot_from_performance(time_ms, distance.metres)
    if not 10 <= vdot <= 100:
        raise InputError(
            f"That performance gives a VDOT of {vdot:.1f}, outside the 10–100 range the "
            "tables cover.",
            "`/pace vdot time:20:00 distance:5k`",
        )
    paces = models.training_paces(vdot)
    columns = _VDOT_COLUMNS.get(units or "", ("/400", "/km", "/mile"))
    lines = [f"{'zone':<7}" + "".join(f"{column:>9}" for column in columns)]
    for pace in paces:
        bounds = [("fast", True)]
        if pace.slow_per_400_ms != pace.fast_per_400_ms:
            bounds = [("slow", False), ("fast", True)]
        for bound, fast in bounds:
            name = f"{pace.code} {bound}" if len(bounds) > 1 else pace.code
            values = {
                "/400": pace.fast_per_400_ms if fast else pace.slow_per_400_ms,
                "/km": pace.fast_per_km_ms if fast else pace.slow_per_km_ms,
                "/mile": pace.fast_per_mile_ms if fast else pace.slow_per_mile_ms,
            }
            lines.append(f"{name:<7}" + "".join(f"{format_time(values[c]):>9}" for c in columns))
    effort = _effort(time_ms, distance)
    vdot_text = f"{Decimal(repr(vdot)).quantize(Decimal('0.1'), rounding='ROUND_HALF_UP')}"
    legend = ", ".join(f"{p.code} {p.name}" for p in paces)
    notes = []
    if not models.in_range(models.VDOT, distance.metres):
        notes.append(
            "VDOT is calibrated on 1500 m to the marathon; from this distance it is a rough guide."
        )
    return Answer(
        kind="VDOT",
        headline=f"VDOT {vdot_text} from {effort}",
        title=f"VDOT {vdot_text}: {effort}",
        body=f"Training paces (Daniels & Gilbert): {legend}.\n" + _code(lines),
        footer=" ".join(["Daniels' Running Formula intensities.", *notes]),
    )


_VDOT_COLUMNS = {
    "metric": ("/km", "/mile", "/400"),
    "imperial": ("/mile", "/km", "/400"),
}

SCORE_SOURCE = (
    f"{scoring.EDITION} ({{table}}). Equal points are an equivalent performance, not the same pace."
)


def pace_score(
    time_text: str, event_text: str, sex_text: str | None = None, indoor: bool = False
) -> Answer:
    """World Athletics points for a performance, and equal-points times nearby."""
    time_ms = parse_time(time_text)
    distance = parse_distance(event_text)
    sex = scoring.parse_sex(sex_text)
    result = scoring.score_performance(
        time_ms, distance, sex=sex, indoor=indoor, decimals=written_decimals(time_text)
    )
    table = result.table
    event = result.event.label
    notes: list[str] = []
    if result.hand_timed:
        # Shown to tenths, as typed: "10.5 hand-timed", then the converted time.
        typed = format_time(result.time_ms).removesuffix("0")
        effort = f"{typed} hand-timed ({format_time(result.scored_ms)}) for {event}"
        notes.append(
            f"Written to tenths, so scored as a hand time: {typed} + "
            f"{(result.scored_ms - result.time_ms) / 1000:.2f} s = {format_time(result.scored_ms)}."
        )
    else:
        effort = f"{format_time(result.time_ms)} for {event}"
    if result.points == 0:
        body = (
            f"**0 points**: {format_time(result.scored_ms)} is at or beyond the table's zero "
            f"point for {event} ({format_time(result.zero_point_ms)}), so there is nothing "
            "to compare at other events."
        )
        headline = f"{effort} = 0 points ({scoring.EDITION}, {table}: beyond the zero point)"
    else:
        width = max(len(e.event.label) for e in result.equivalents)
        lines = [f"{'event':<{width}}  {'time':>9}"]
        for equivalent in result.equivalents:
            marker = "  ←" if equivalent.event == result.event else ""
            lines.append(
                f"{equivalent.event.label:<{width}}  {format_time(equivalent.time_ms):>9}{marker}"
            )
        body = f"**{result.points} points.** Worth the same points:\n" + _code(lines)
        # The headline names the events either side: "worth 35.50 for 300 m, 1:22.56 for 600 m".
        at = [e.event for e in result.equivalents].index(result.event)
        nearest = result.equivalents[max(0, at - 1) : at] + result.equivalents[at + 1 : at + 2]
        worth = ", ".join(f"{format_time(e.time_ms)} for {e.event.label}" for e in nearest)
        headline = f"{effort} = {result.points} World Athletics points ({table})"
        if worth:
            headline += f"; worth {worth}"
    return Answer(
        kind="Points",
        headline=headline,
        title=f"World Athletics points: {effort}",
        body=body,
        footer=" ".join([*notes, SCORE_SOURCE.format(table=table)]),
    )


AGEGRADE_EXAMPLE = "`/pace agegrade time:18:00 distance:5k age:50 sex:female`"


def agegrade_defaults(
    age: int | None, sex: str | None, profile: Profile | None, year: int
) -> tuple[int, str]:
    """``age`` and ``sex`` as given, else from the asker's profile (age = this
    year − birth year); ``InputError`` naming what is still missing."""
    age, sex = age_and_sex(age, sex, profile, year)
    missing = [name for name, value in (("age", age), ("sex", sex)) if value is None]
    if missing:
        named = " and ".join(f"`{name}`" for name in missing)
        raise InputError(
            f"Age grading needs {named}: give {'them' if len(missing) > 1 else 'it'}, or set "
            "your birth year and sex once with `/profile set birth_year:1976 sex:female`.",
            AGEGRADE_EXAMPLE,
        )
    assert age is not None and sex is not None
    return age, sex


def pace_agegrade(
    time_text: str, distance_text: str, age: int, sex_text: str, venue_text: str | None = None
) -> Answer:
    """WMA 2023 age grade: percentage, class, factor and age-graded time."""
    time_ms = parse_time(time_text)
    distance = parse_distance(distance_text)
    sex = scoring.parse_sex(sex_text)
    venue = grading.parse_venue(venue_text)
    result = grading.age_grade(time_ms, distance, age, sex, venue)
    who = f"{'man' if sex == 'male' else 'woman'} aged {age}"
    effort = f"{format_time(time_ms)} for {result.event}"
    percent = f"{_two_places(result.percent)} %"
    rows = [
        ("age grade", f"{percent} ({result.grade_class})"),
        ("age factor", f"{result.factor:.4f}"),
        ("age-graded time", format_time(result.graded_time_ms)),
        ("open standard", format_time(result.standard_ms)),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [f"{name:<{width}}  {value}" for name, value in rows]
    venue_note = (
        f"{result.venue.capitalize()} table chosen"
        + (" as asked." if result.venue_chosen else " from how the distance was written; "
           "set `venue` to use the other.")
    )  # fmt: skip
    return Answer(
        kind="Age grade",
        headline=(
            f"{effort}, {who}: {percent} age grade ({result.grade_class}), "
            f"age-graded {format_time(result.graded_time_ms)} ({result.table})"
        ),
        title=f"Age grade ({result.table}): {effort}, {who}",
        body=_code(lines),
        footer=(
            f"{result.table} age factors (World Masters Athletics). Classes: 90 % world, "
            f"80 % national, 70 % regional, 60 % local. {venue_note}"
        ),
    )
