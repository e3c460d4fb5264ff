"""Several processes (issue #16): 12 Discord shards over 1, 2 and 3
``python -m bot`` processes on one PostgreSQL database, against the loopback
Discord. Prints figures, asserts nothing.

1. Daily post: N servers (default 3,000), each with a workout due now (a
   timezone where it is about noon, post time 06:00, stored before the bots
   start). For P = 1, 2, 3 processes (a fresh fake and database each): the
   time to all 12 shards ready, then posts/s overall (from the first post,
   and from ready) and per process until every workout has a message id in
   the database (polled), with the processes' real scheduler: its first tick
   runs once discord.py is ready (its ``guild_ready_timeout``, 2 s after the
   last GUILD_CREATE).
2. Burst: with those P processes still running, K athletes (default 300), one
   per server on servers spread evenly over the 12 shards, send
   ``/splits submit`` at the same moment; per process: answered, submissions/s,
   p50/p95 latency, 3 s deadline misses and rows stored once.

The fake models Discord's global limit (50 bot requests in any second, then
a global 429) and the processes pace their posts at their default
``POST_RATE`` (45 a second for the whole bot, each process its shards'
share), so the daily post takes about N / 40 s whatever P; the 429s the fake
answered are printed. ``--unpaced``: no global limit and ``POST_RATE=0``, the
raw throughput of the processes (issue #16's figures).

Every process, PostgreSQL and the fake Discord (this process) share this
machine's cores; the CPU each used in the measured windows is printed.

Run: ``.venv/bin/python bench/with_postgres.py shards_bench.py [--servers 3000] [--athletes 300]
[--unpaced]``
(needs PostgreSQL: ``BENCH_POSTGRES_URL``, which ``with_postgres.py`` sets).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from _harness import SEED_SPLITS, bench_database, latency, ms, percentile, settle

from bot.domain.workout import parse_workout
from db import open_database
from db.base import Database
from db.guild_settings import GuildSettingsQueries
from db.workouts import NewWorkout, WorkoutQueries
from loopback import Channel, FakeDiscord, Guild, InteractionRecord, Member
from loopback.sandbox import INVITE_PERMISSIONS, LOOPBACK_TOKEN
from tests.e2e.bot_process import BotProcess

SHARD_COUNT = 12
SPLITS = {1: ["0-11"], 2: ["0-5", "6-11"], 3: ["0-3", "4-7", "8-11"]}
WORKOUT = "4 x 250m sprint + 1 x 300m"  # SEED_SPLITS are its five reps
REPS = 5
DEADLINE = 3.0  # Discord's acknowledgement deadline, enforced by the fake
DISCORD_GLOBAL_LIMIT = 50  # bot requests in any second (modelled unless --unpaced)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# The next transaction id, without taking one: write transactions in between.
NEXT_XID = "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS n"


def shard_range(ids: str) -> range:
    low, high = ids.split("-")
    return range(int(low), int(high) + 1)


def noon_zone(now: datetime) -> str:
    """A fixed-offset zone where it is about noon now (as the e2e tests do)."""
    offset = 12 - now.hour
    if offset == 0:
        return "UTC"
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


# ------------------------------------------------------------------ CPU use
def _stat_fields(pid: int | str) -> list[str] | None:
    """/proc/PID/stat after the command name (field 3 onwards), None if gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _postgres_pids(postmaster: int | None) -> list[int]:
    """The benchmark's PostgreSQL server: its postmaster, background workers
    and one backend per connection (not any other server on this machine)."""
    if postmaster is None:
        return []
    pids = [postmaster]
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat_fields(entry)) and int(fields[1]) == postmaster:
            pids.append(int(entry))
    return pids


async def postmaster_pid(db: Database) -> int | None:
    """The server's postmaster (the parent of our backend), if it runs here."""
    row = await db.fetch_one("SELECT pg_backend_pid() AS pid")
    fields = _stat_fields(int(row["pid"])) if row else None
    return int(fields[1]) if fields else None


def _machine() -> tuple[float, float, float]:
    """(busy, of which interrupts, steal) CPU seconds of the whole machine so
    far (/proc/stat; busy includes interrupts, not steal)."""
    with open("/proc/stat", encoding="ascii") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values[:8]
    busy = user + nice + system + irq + softirq
    return busy / CLOCK_TICKS, (irq + softirq) / CLOCK_TICKS, steal / CLOCK_TICKS


def _every_process() -> dict[int, tuple[str, float]]:
    """pid → (command name, CPU seconds so far) of every process on this machine."""
    seen = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                text = stat.read()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        seen[int(entry)] = (name, (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return seen


@dataclass
class CpuSample:
    processes: dict[int, tuple[str, float]]
    bots: list[int]
    postgres: list[int]
    machine: tuple[float, float, float]
    wall: float


def cpu_sample(processes: list[BotProcess], postmaster: int | None) -> CpuSample:
    return CpuSample(
        processes=_every_process(),
        bots=[p.process.pid for p in processes],
        postgres=_postgres_pids(postmaster),
        machine=_machine(),
        wall=time.perf_counter(),
    )


@dataclass
class CpuUse:
    wall: float
    bots: list[float]
    fake: float  # this process: the fake Discord and the driver
    postgres: float | None
    others: list[tuple[str, float]]  # other processes on the machine, by name, most first
    busy: float
    interrupts: float
    steal: float

    def line(self) -> str:
        cores = os.cpu_count() or 1
        capacity = self.wall * cores
        pg = "n/a (not on this machine)" if self.postgres is None else f"{self.postgres:.2f} s"
        bots = " + ".join(f"{b:.2f}" for b in self.bots)
        others = sum(used for _, used in self.others)
        top = ", ".join(f"{name} {used:.2f}" for name, used in self.others[:3] if used >= 0.01)
        rest = self.busy - sum(self.bots) - self.fake - (self.postgres or 0.0) - others
        return (
            f"CPU in {self.wall:.2f} s × {cores} cores = {capacity:.2f} s: machine busy"
            f" {self.busy:.2f} s ({self.busy / capacity:.0%}; steal {self.steal:.2f} s):"
            f" bot processes {bots} s, fake Discord + this driver {self.fake:.2f} s,"
            f" PostgreSQL {pg}, other processes {others:.2f} s"
            + (f" ({top})" if top else "")
            + f", the rest {rest:.2f} s (interrupts {self.interrupts:.2f} s, processes that"
            " came and went)"
        )


def cpu_between(before: CpuSample, after: CpuSample) -> CpuUse:
    def used(pid: int) -> float:
        if pid not in after.processes:
            return 0.0  # gone: its last figures are lost
        start = before.processes[pid][1] if pid in before.processes else 0.0
        return after.processes[pid][1] - start

    ours = {os.getpid(), *after.bots, *after.postgres}
    others: dict[str, float] = {}
    for pid, (name, _) in after.processes.items():
        if pid not in ours:
            others[name] = others.get(name, 0.0) + used(pid)
    return CpuUse(
        wall=after.wall - before.wall,
        bots=[used(pid) for pid in after.bots],
        fake=used(os.getpid()),
        postgres=sum(used(pid) for pid in after.postgres) if after.postgres else None,
        others=sorted(others.items(), key=lambda item: -item[1]),
        busy=after.machine[0] - before.machine[0],
        interrupts=after.machine[1] - before.machine[1],
        steal=after.machine[2] - before.machine[2],
    )


# ------------------------------------------------------------------ the world
@dataclass
class Team:
    guild: Guild
    channel: Channel
    coach: Member
    athlete: Member | None = None


def build_servers(fake: FakeDiscord, servers: int, athletes: int) -> list[Team]:
    """Server n on shard n % 12 (so every shard has the same number); the
    first ``athletes`` servers get one athlete each. Built before any bot
    connects, so no member events."""
    teams = []
    for n in range(servers):
        guild = fake.create_guild(
            f"Club {n:05d}", bot_permissions=INVITE_PERMISSIONS, shard=n % SHARD_COUNT
        )
        channel = fake.create_channel(guild, "workouts")
        coach = fake.create_member(guild, f"Coach {n:05d}")
        team = Team(guild, channel, coach)
        if n < athletes:
            team.athlete = fake.create_member(guild, f"Athlete {n:05d}")
        teams.append(team)
    return teams


async def schedule(url: str, teams: list[Team]) -> None:
    """Each server: a timezone where it is about noon, #workouts as its post
    channel, post time 06:00 and today's workout, so it is due now. Stored
    with the bot's own query classes, a few at a time over one pool."""
    db = await open_database(url)
    try:
        await db.migrate()
        now = datetime.now(UTC)
        zone = noon_zone(now)
        today = now.astimezone(ZoneInfo(zone)).date()
        stamp = int(now.timestamp() * 1000)
        settings, workouts = GuildSettingsQueries(db), WorkoutQueries(db)
        plan = parse_workout(WORKOUT)
        gate = asyncio.Semaphore(8)

        async def one(team: Team) -> None:
            async with gate:
                await settings.update(
                    team.guild.id,
                    now=stamp,
                    timezone=zone,
                    post_time="06:00",
                    channel_id=team.channel.id,
                )
                await workouts.save(
                    NewWorkout(
                        guild_id=team.guild.id,
                        local_date=today,
                        title=None,
                        text=WORKOUT,
                        plan=plan,
                        recovery=None,
                        notes=None,
                        author_id=team.coach.id,
                        origin_channel_id=team.channel.id,
                    ),
                    now=stamp,
                )

        await asyncio.gather(*(one(team) for team in teams))
    finally:
        await db.close()


async def count(db: Database, sql: str) -> int:
    row = await db.fetch_one(sql)
    return int(row["n"]) if row else 0


# ------------------------------------------------------------------ figures
@dataclass
class Posting:
    processes: int
    shard_sets: list[str]
    ready_s: float  # spawn → all 12 shards ready (GUILD_CREATEs processed)
    process_ready_s: list[float]
    first_post_s: float  # all ready → first post created in the fake
    posting_s: float  # first post → every workout marked posted in the database
    from_ready_s: float  # all ready → every workout marked posted
    per_process: list[tuple[int, float]]  # (posts, first → last post of that process, s)
    posts_in_fake: int
    writes_per_post: float  # PostgreSQL write transactions (xids) per post, all processes
    cpu: CpuUse
    rate_limited: int  # 429s the fake answered from all ready to every workout posted
    busiest_second: int  # most bot requests the fake accepted in one second, same window


@dataclass
class BurstRow:
    label: str
    shards: str
    size: int
    ok: int
    seconds: float
    latencies: list[float]
    missed: int
    errors: int
    stored: int
    once: bool


@dataclass
class Run:
    posting: Posting
    burst: list[BurstRow] = field(default_factory=list)
    burst_cpu: CpuUse | None = None
    burst_rate_limited: int = 0
    logs: list[str] = field(default_factory=list)


async def wait_all_posted(
    db: Database, servers: int, processes: list[BotProcess], postmaster: int | None
) -> tuple[CpuSample, float]:
    """Poll until every workout has a message id. Returns the CPU sample taken
    when the first one was seen marked posted (the posting window's start),
    and the perf_counter moment the last one was."""
    end = time.perf_counter() + 300 + servers / 10  # paced: servers / 40 s
    first: CpuSample | None = None
    while True:
        posted = await count(db, "SELECT COUNT(*) AS n FROM workouts WHERE message_id IS NOT NULL")
        if posted and first is None:
            first = cpu_sample(processes, postmaster)
        if posted >= servers:
            assert first is not None
            return first, time.perf_counter()
        for process in processes:
            if process.process.returncode is not None:
                raise RuntimeError(f"a bot exited ({process.process.returncode}):\n{process.log}")
        if time.perf_counter() > end:
            raise RuntimeError("not every workout posted in time")
        await asyncio.sleep(0.02)


async def one_run(processes: int, servers: int, athletes: int, *, paced: bool = True) -> Run:
    shard_sets = SPLITS[processes]
    with tempfile.TemporaryDirectory() as folder:
        async with (
            bench_database(folder, f"shards{processes}") as url,
            FakeDiscord(
                token=LOOPBACK_TOKEN,
                shard_count=SHARD_COUNT,
                max_concurrency=16,
                # Paced: the processes keep their default POST_RATE (the
                # loopback turns it off on a fake without the global limit).
                global_limit=DISCORD_GLOBAL_LIMIT if paced else None,
            ) as fake,
        ):
            teams = build_servers(fake, servers, athletes)
            await schedule(str(url), teams)
            owner = {shard: i for i, ids in enumerate(shard_sets) for shard in shard_range(ids)}
            env = {"SHARD_COUNT": str(SHARD_COUNT)}
            spawned = time.perf_counter()
            bots = [
                await BotProcess.start(fake, url, cwd=Path(folder), SHARD_IDS=ids, **env)
                for ids in shard_sets
            ]
            watcher = await open_database(str(url))
            try:
                ready_at: list[float] = [0.0] * len(bots)

                async def ready(i: int) -> None:
                    await bots[i].alive_while(
                        fake.wait_for_shards(shard_range(shard_sets[i]), timeout=120)
                    )
                    ready_at[i] = time.perf_counter()

                await asyncio.gather(*(ready(i) for i in range(len(bots))))
                await fake.wait_for_shards(range(SHARD_COUNT), timeout=10)
                all_ready = time.perf_counter()
                all_ready_wall = datetime.now(UTC)
                limited_at_ready = len(fake.rest.rate_limited)
                fake.rest.busiest_second = 0
                postmaster = await postmaster_pid(watcher)
                xid = await count(watcher, NEXT_XID)
                before, done = await wait_all_posted(watcher, servers, bots, postmaster)
                after = cpu_sample(bots, postmaster)
                rate_limited = len(fake.rest.rate_limited) - limited_at_ready
                busiest_second = fake.rest.busiest_second
                writes = await count(watcher, NEXT_XID) - xid

                # When each post was created on Discord's side (the fake's stamp).
                channels = {team.channel.id: team for team in teams}
                stamps: list[list[float]] = [[] for _ in bots]
                for message in list(fake._messages.values()):
                    team = channels.get(message.channel_id)
                    if team is None or message.author.id != fake.bot_user.id:
                        continue
                    at = (message.timestamp - all_ready_wall).total_seconds()
                    stamps[owner[fake.shard_of(team.guild)]].append(at)
                first = min(min(s) for s in stamps if s)
                posting = Posting(
                    processes=processes,
                    shard_sets=shard_sets,
                    ready_s=all_ready - spawned,
                    process_ready_s=[at - spawned for at in ready_at],
                    first_post_s=first,
                    posting_s=(done - all_ready) - first,
                    from_ready_s=done - all_ready,
                    per_process=[(len(s), (max(s) - min(s)) if s else 0.0) for s in stamps],
                    posts_in_fake=sum(len(s) for s in stamps),
                    writes_per_post=writes / servers,
                    cpu=cpu_between(before, after),
                    rate_limited=rate_limited,
                    busiest_second=busiest_second,
                )
                run = Run(posting)
                if athletes:
                    await fake.wait_for_commands(timeout=30)
                    limited = len(fake.rest.rate_limited)
                    run.burst, run.burst_cpu = await burst(
                        fake, watcher, teams, bots, shard_sets, owner, postmaster
                    )
                    run.burst_rate_limited = len(fake.rest.rate_limited) - limited
            finally:
                await watcher.close()
                for bot in bots:
                    if bot.process.returncode is None:
                        await bot.stop()
            for ids, bot in zip(shard_sets, bots, strict=True):
                problems = [
                    line
                    for line in bot.lines
                    if "Traceback" in line or " ERROR " in line or " WARNING " in line
                ]
                if problems:
                    run.logs.append(
                        f"shards {ids}: {len(problems)} warning/error lines, first: {problems[0]}"
                    )
            violations = [v for v in fake.take_violations() if v.kind != "ack_deadline"]
            if violations:
                run.logs.append(
                    f"fake Discord violations: {len(violations)}, first: {violations[0]}"
                )
    return run


async def burst(
    fake: FakeDiscord,
    db: Database,
    teams: list[Team],
    bots: list[BotProcess],
    shard_sets: list[str],
    owner: dict[int, int],
    postmaster: int | None,
) -> tuple[list[BurstRow], CpuUse]:
    """Every athlete submits at once: slash() sends INTERACTION_CREATE without
    waiting, so the whole burst is on the gateways before any reply."""
    athletes = [team for team in teams if team.athlete is not None]
    before = cpu_sample(bots, postmaster)
    records: list[InteractionRecord] = []
    for team in athletes:
        assert team.athlete is not None
        records.append(
            await fake.slash(
                team.athlete, "splits submit", {"splits": SEED_SPLITS}, channel=team.channel
            )
        )
    await asyncio.gather(*(settle(itx, timeout=30) for itx in records))
    after = cpu_sample(bots, postmaster)
    # Work whose reply came too late may still be committing.
    await asyncio.sleep(0.5)
    submissions = await db.fetch_all(
        "SELECT guild_id, COUNT(*) AS n FROM submissions GROUP BY guild_id"
    )
    reps = await db.fetch_all("SELECT guild_id, COUNT(*) AS n FROM splits GROUP BY guild_id")
    split_rows = {int(r["guild_id"]): int(r["n"]) for r in reps}
    stored = {
        int(r["guild_id"]): (int(r["n"]), split_rows.get(int(r["guild_id"]), 0))
        for r in submissions
    }
    groups: list[list[InteractionRecord]] = [[] for _ in bots]
    for itx in records:
        assert itx.guild is not None
        groups[owner[fake.shard_of(itx.guild)]].append(itx)
    out = [
        burst_row(f"process {i + 1}", shard_sets[i], group, stored)
        for i, group in enumerate(groups)
    ]
    if len(groups) > 1:
        out.append(burst_row("all", "0-11", records, stored))
    return out, cpu_between(before, after)


def burst_row(
    label: str, shards: str, group: list[InteractionRecord], stored: dict[int, tuple[int, int]]
) -> BurstRow:
    ok = [itx for itx in group if itx.reply is not None and "splits for" in itx.reply.text()]
    replied = [itx.replied_at for itx in group if itx.replied_at is not None]
    start = min(itx.created_at for itx in group)
    rows = [stored.get(itx.guild.id, (0, 0)) for itx in group if itx.guild is not None]
    return BurstRow(
        label=label,
        shards=shards,
        size=len(group),
        ok=len(ok),
        seconds=(max(replied) - start) if replied else 0.0,
        latencies=[v for v in map(latency, group) if v is not None],
        missed=sum(1 for itx in group if itx.failed),
        errors=sum(1 for itx in group if itx.reply is not None) - len(ok),
        stored=sum(n for n, _ in rows),
        once=all(n == 1 and reps == REPS for n, reps in rows),
    )


# ------------------------------------------------------------------- report
def report(runs: list[Run], servers: int, athletes: int, *, paced: bool = True) -> None:
    cores = os.cpu_count()
    print(
        f"Several processes: {SHARD_COUNT} shards over 1, 2, 3 `python -m bot` processes,"
        f" one PostgreSQL database, {servers} servers"
    )
    print(
        f"(paced: the fake models Discord's global limit, {DISCORD_GLOBAL_LIMIT} bot requests"
        " in any second; each process posts at its shards' share of the default POST_RATE)"
        if paced
        else "(unpaced: no global limit in the fake, POST_RATE=0)"
    )
    print(
        f"(every bot process, PostgreSQL and the fake Discord share this machine's cores:"
        f" os.cpu_count() = {cores})"
    )
    print()
    print(f"Daily post: {servers} servers with a workout due now, the processes' first tick")
    head = (
        f"{'P':>2} {'shards':<16} {'ready s':>7} {'→1st post':>9} {'posting s':>9}"
        f" {'posts/s':>7} {'from ready':>10} {'429s':>5} {'busiest':>7}"
        "  per process: posts, posts/s"
    )
    print(head)
    print("-" * (len(head) + 10))
    for run in runs:
        p = run.posting
        per = ", ".join(f"{n} @ {n / s:.1f}/s" if s > 0 else f"{n}" for n, s in p.per_process)
        print(
            f"{p.processes:>2} {' '.join(p.shard_sets):<16} {p.ready_s:>7.2f}"
            f" {p.first_post_s:>8.2f}s {p.posting_s:>9.2f} {servers / p.posting_s:>7.1f}"
            f" {servers / p.from_ready_s:>8.1f}/s {p.rate_limited:>5} {p.busiest_second:>7}"
            f"  {per}"
        )
    print(
        "(ready s: spawn → all 12 shards identified and their GUILD_CREATEs processed;"
        " →1st post: ready → first post created (discord.py's 2 s guild_ready_timeout"
        " before the scheduler starts); posting s / posts/s: first post → every workout"
        " marked posted in the database; from ready: the same counted from ready;"
        " 429s: answered by the fake in that window; busiest: most bot requests the"
        " fake accepted in one sliding second of it; per process: its posts, first →"
        " last of its posts)"
    )
    for run in runs:
        p = run.posting
        ready = ", ".join(f"{s:.2f}" for s in p.process_ready_s)
        print(
            f"  P={p.processes}: {p.posts_in_fake} posts in the fake's channels,"
            f" {p.writes_per_post:.2f} PostgreSQL write transactions per post;"
            f" each process's shards ready at {ready} s"
        )
        print(f"    {p.cpu.line()}")
    if not any(run.burst for run in runs):
        return
    print()
    print(
        f"Burst: {athletes} athletes (one per server, servers spread evenly over the 12 shards)"
        " submit /splits submit at the same moment"
    )
    head = (
        f"{'P':>2} {'process':<10} {'shards':<6} {'sent':>5} {'ok':>5} {'total s':>7}"
        f" {'subm/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'missed 3s':>9} {'errors':>6}"
        f" {'stored':>6}  once"
    )
    print(head)
    print("-" * len(head))
    for run in runs:
        for row in run.burst:
            rate = row.ok / row.seconds if row.seconds else 0.0
            print(
                f"{run.posting.processes:>2} {row.label:<10} {row.shards:<6} {row.size:>5}"
                f" {row.ok:>5} {row.seconds:>7.2f} {rate:>7.0f}"
                f" {ms(percentile(row.latencies, 50)):>8} {ms(percentile(row.latencies, 95)):>8}"
                f" {row.missed:>9} {row.errors:>6} {row.stored:>6}  {'yes' if row.once else 'no'}"
            )
    print(
        "(total s: first INTERACTION_CREATE of the burst → that group's last reply;"
        f" subm/s: ok / total s; missed 3s: no callback within {DEADLINE:g} s;"
        f" once: one submissions row with its {REPS} splits per athlete)"
    )
    for run in runs:
        if run.burst_cpu is not None:
            print(
                f"  P={run.posting.processes}: {run.burst_rate_limited} 429s;"
                f" {run.burst_cpu.line()}"
            )
    for run in runs:
        for line in run.logs:
            print(f"  P={run.posting.processes}: {line}")


async def main(servers: int, athletes: int, counts: list[int], *, paced: bool = True) -> None:
    started = time.perf_counter()
    runs = []
    for processes in counts:
        runs.append(await one_run(processes, servers, athletes, paced=paced))
    report(runs, servers, athletes, paced=paced)
    print(f"(shards run {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--servers", type=int, default=3000)
    parser.add_argument("--athletes", type=int, default=300)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 3], choices=[1, 2, 3])
    parser.add_argument(
        "--unpaced", action="store_true", help="no global limit in the fake, POST_RATE=0"
    )
    args = parser.parse_args()
    if not os.environ.get("BENCH_POSTGRES_URL"):
        sys.exit("shards_bench needs PostgreSQL: run it as bench/with_postgres.py shards_bench.py")
    if args.athletes > args.servers:
        sys.exit("--athletes is at most --servers (one athlete per server)")
    asyncio.run(main(args.servers, args.athletes, args.processes, paced=not args.unpaced))
