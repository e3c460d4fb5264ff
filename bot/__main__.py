"""Command line: ``python -m bot`` runs the bot; ``python -m bot demo`` plays
the canonical story on the loopback Discord; ``python -m bot db migrate``,
``db backup PATH`` and ``db copy --from SOURCE --to TARGET`` look after the
database."""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
from pathlib import Path

import discord

from bot.app import build_bot, shard_ranges
from bot.health import HealthPortUnavailable
from bot.logs import configure_logging
from bot.settings import ConfigError, Settings, StorageSettings, load_settings
from db import DatabaseBusy, StorageError, open_database
from db.base import AlreadyRunning
from db.copy import CopyRefused, copy_database

log = logging.getLogger("bot")


def _fail(message: str, code: int = 2) -> int:
    print(f"trackside: {message}", file=sys.stderr)
    return code


class ShardsLost(Exception):
    """The database connection holding this process's shards ended: another
    process may take them over, so this one stopped."""


async def _run_bot(settings: Settings) -> None:
    database = await open_database(settings.database, pool_size=settings.database_pool_size)
    try:
        # Before going online: a read-only file or another process's lock is
        # reported once, here, instead of failing every athlete's submission.
        await database.check_writable()
        bot = build_bot(settings, database)
        async with bot:
            await bot.login(settings.token)
            shards = await bot.resolve_shards()
            assert bot.shard_count is not None
            # Claimed before the gateway: a shard another live process runs is
            # refused here, naming it, before this process connects for it.
            # (login() has run setup_hook by then: migrations, which take their
            # own lock, and the command sync, which only shard 0's process does
            # and which is idempotent; neither touches a shard's servers.)
            lost: list[asyncio.Task[None]] = []
            async with database.hold_process(
                shards,
                bot.shard_count,
                on_lost=lambda: lost.append(asyncio.create_task(bot.close())),
            ):
                await bot.connect()
            if lost:
                raise ShardsLost(shard_ranges(shards))
    finally:
        await database.close()


def _storage_hint(error: StorageError, settings: StorageSettings) -> str:
    if isinstance(error, DatabaseBusy):
        return "Let the other program finish (or stop it), then start again."
    if settings.database_url is not None:
        return (
            "Check that the PostgreSQL server runs and DATABASE_URL (host, port, user, "
            "password, database) is right, then start again."
        )
    return (
        "Fix the file or its folder (owner, permissions, free space) or point "
        "DATABASE_PATH elsewhere, then start again."
    )


def run(settings: Settings) -> int:
    configure_logging(settings)
    try:
        asyncio.run(_run_bot(settings))
    except discord.LoginFailure:
        return _fail(
            "Discord rejected DISCORD_TOKEN (401 Unauthorized): reset the token on the "
            "Developer Portal's Bot page and paste the new one into .env.",
            1,
        )
    except discord.PrivilegedIntentsRequired:
        return _fail("Discord refused a privileged intent; Trackside should need none.", 1)
    except AlreadyRunning as error:
        return _fail(f"{error.reason}.", 1)
    except HealthPortUnavailable as error:
        return _fail(f"{error}. Pick another HEALTH_PORT (or HEALTH_HOST), then start again.", 1)
    except ShardsLost as error:
        return _fail(
            f"Lost the database connection that holds shards {error}; stopped so that "
            "another process can take them over. Start it again once the database is reachable.",
            1,
        )
    except StorageError as error:
        # Exit once with the reason instead of running a bot that can save
        # nothing; retrying here would only repeat the same line.
        return _fail(f"{error.reason}. {_storage_hint(error, settings)}", 1)
    except KeyboardInterrupt:
        log.info("stopped")
    return 0


async def _db_command(settings: StorageSettings, args: argparse.Namespace) -> str:
    if args.action == "copy":
        source = args.source or settings.database_path
        copied = await copy_database(source, args.target)
        rows = ", ".join(f"{table.table} {table.rows}" for table in copied)
        return f"copied {_shown(source)} to {_shown(args.target)}: {rows} (digests match)"
    database = await open_database(settings.database)
    try:
        if args.action == "backup":
            # A backup copies the database as it is: it never migrates (or
            # otherwise changes) the database it copies.
            version = await database.schema_version()
            await database.backup(args.path)  # type: ignore[attr-defined]
            return f"backed up {settings.database_shown} (schema {version}) to {args.path}"
        applied = await database.migrate()
        version = await database.schema_version()
        done = f"applied {len(applied)} migration(s); " if applied else "up to date; "
        return f"{done}{settings.database_shown} is at schema version {version}"
    finally:
        await database.close()


def _shown(target: str | Path) -> str:
    return re.sub(r"//([^:/@]+):[^@/]*@", r"//\1:***@", str(target))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (the default)")
    sub.add_parser("demo", help="play the canonical story on the loopback Discord")
    db_parser = sub.add_parser("db", help="database maintenance")
    db_sub = db_parser.add_subparsers(dest="action", required=True)
    db_sub.add_parser("migrate", help="apply pending schema migrations")
    backup = db_sub.add_parser("backup", help="online backup to PATH (safe while the bot runs)")
    backup.add_argument("path", type=Path)
    copy = db_sub.add_parser(
        "copy", help="copy every row to an empty database (the bot stopped), ids kept"
    )
    copy.add_argument(
        "--from", dest="source", help="a SQLite path or postgresql:// URL (default: DATABASE_PATH)"
    )
    copy.add_argument(
        "--to", dest="target", required=True, help="a SQLite path or postgresql:// URL"
    )
    args = parser.parse_args(argv)

    try:
        if args.command == "demo":
            # The fake Discord is test tooling, not part of the installed bot:
            # the demo runs from a checkout of the repository.
            try:
                from loopback.demo import main as demo_main
            except ModuleNotFoundError:
                return _fail("the demo runs from a checkout of the repository: `make demo`.", 1)
            return demo_main()
        if args.command == "db":
            storage = load_settings(StorageSettings)
            if args.action == "backup" and storage.database_url is not None:
                return _fail(
                    "back up PostgreSQL with its own tools: pg_dump --format=custom "
                    '--file=trackside.dump "$DATABASE_URL" (restore with pg_restore).',
                    1,
                )
            if args.action == "backup" and not Path(storage.database_path).exists():
                # Opening it would create an empty database just to copy it.
                return _fail(f"there is no database at {storage.database_path} to back up.", 1)
            try:
                print(asyncio.run(_db_command(storage, args)))
            except CopyRefused as refused:
                return _fail(f"not copied: {refused}.", 1)
            except StorageError as error:
                return _fail(f"{error.reason}. {_storage_hint(error, storage)}", 1)
            return 0
        settings = load_settings(Settings)
        if settings.database_url is None and not settings.runs_every_shard:
            return _fail(
                "SHARD_IDS runs only some shards, which needs PostgreSQL (DATABASE_URL): "
                "SQLite serves one process running every shard."
            )
        return run(settings)
    except ConfigError as exc:
        return _fail(str(exc))


if __name__ == "__main__":
    sys.exit(main())
