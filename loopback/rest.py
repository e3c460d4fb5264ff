"""The fake REST API (``/api/v10``) the real discord.py HTTP client talks to.

Every handler answers with the status, JSON error code and message Discord
uses, and records a ``Violation`` for anything Discord would have rejected,
so a test fails on the same mistakes production would.  Unknown routes get a
404 and are recorded in ``fake.unknown_routes``: the bot is using an endpoint
the fake does not model, which a test must not silently ignore.

Tests can also make Discord misbehave: :meth:`RestApi.inject_faults` answers
chosen requests with 429 rate limits or 5xx errors shaped like Discord's, and
:meth:`RestApi.hold` pauses one request (before or after Discord applied it)
so a test can kill the bot at that exact point, and :meth:`RestApi.delay`
makes Discord slow to apply chosen requests (to reproduce races).

A request meets them in this order: Discord's global limit (when the fake
models it), injected faults (answered at once, never applied), holds
``before``, delays, Discord applying it, holds ``after``.

The global limit (``FakeDiscord(global_limit=50)``, off by default) is
Discord's per-bot ceiling: past ``global_limit`` bot requests in any sliding
second, a request is answered 429 with ``"global": true`` and not applied.
Interaction callbacks and followups are exempt, as on Discord. Every 429 the
fake answers, injected or global, is listed in ``fake.rest.rate_limited``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import mimetypes
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from aiohttp import BodyPartReader, web

from . import limits
from .limits import EPHEMERAL, LOADING, FormErrors
from .models import (
    APPLICATION_COMMAND,
    APPLICATION_COMMAND_AUTOCOMPLETE,
    GUILD_CATEGORY,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    Attachment,
    Channel,
    InteractionCallback,
    InteractionRecord,
    Message,
    RestError,
)
from .permissions import (
    ADD_REACTIONS,
    ATTACH_FILES,
    EMBED_LINKS,
    MANAGE_MESSAGES,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    permission_names,
)
from .world import (
    INTENT_DIRECT_MESSAGE_REACTIONS,
    INTENT_GUILD_MEMBERS,
    INTENT_GUILD_MESSAGE_REACTIONS,
)

if TYPE_CHECKING:
    from .driver import FakeDiscord

log = logging.getLogger(__name__)

# How long Discord remembers a message nonce for enforce_nonce ("a few minutes").
NONCE_WINDOW_S = 300.0
API = "/api/v10"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Files = dict[int, tuple[str, bytes]]

#: Allowed interaction callback types per interaction type.
_CALLBACK_TYPES = {
    APPLICATION_COMMAND: {4, 5, 9},
    MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
    APPLICATION_COMMAND_AUTOCOMPLETE: {8},
    MODAL_SUBMIT: {4, 5},
}


def json_response(data: Any, status: int = 200) -> web.Response:
    """JSON with a bare ``application/json`` content type: discord.py only parses
    bodies whose Content-Type is exactly that (no charset suffix)."""
    body = json.dumps(data, separators=(",", ":")).encode()
    return web.Response(body=body, status=status, headers={"Content-Type": "application/json"})


class BadBody(Exception):
    """The request body was not valid JSON / multipart."""


# -------------------------------------------------------------- fault injection
RouteSpec = str | Callable[[web.Request], bool]


def _shown(request: web.Request) -> str:
    """``METHOD path`` with any interaction token masked, for logs and records."""
    path = request.path
    token = request.match_info.get("token")
    return f"{request.method} {path.replace(token, '<token>') if token else path}"


_SERVER_ERRORS = {
    # status: (content type, body) as Discord's edge answers them: its API's
    # own 500 is JSON, the proxies' 502/503/504 are not.
    500: ("application/json", '{"message":"500: Internal Server Error","code":0}'),
    502: ("text/html", "<html><head><title>502 Bad Gateway</title></head></html>"),
    503: (
        "text/plain",
        "upstream connect error or disconnect/reset before headers. reset reason: overflow",
    ),
    504: ("text/html", "<html><head><title>504 Gateway Time-out</title></head></html>"),
}


@dataclass(frozen=True)
class Fault:
    """One injected answer: a 429 (``retry_after`` seconds, ``scope`` as in
    ``X-RateLimit-Scope``: ``user``, ``shared`` or ``global``) or a 5xx."""

    status: int
    retry_after: float = 0.1
    scope: Literal["user", "shared", "global"] = "user"

    def __post_init__(self) -> None:
        if self.status != 429 and self.status not in _SERVER_ERRORS:
            raise ValueError(f"cannot inject {self.status}: use 429, 500, 502, 503 or 504")

    def response(self, request: web.Request) -> web.Response:
        if self.status != 429:
            content_type, body = _SERVER_ERRORS[self.status]
            return web.Response(
                status=self.status, text=body, headers={"Content-Type": content_type}
            )
        is_global = self.scope == "global"
        headers = {
            # discord.py treats a 429 without Via as Cloudflare's ban, not Discord's limit.
            "Via": "1.1 google",
            "Content-Type": "application/json",
            "Retry-After": str(max(1, math.ceil(self.retry_after))),  # whole seconds, as Discord
            "X-RateLimit-Scope": self.scope,
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        else:
            bucket = hashlib.sha1(request.match_info.route.resource.canonical.encode()).hexdigest()
            headers.update(
                {
                    "X-RateLimit-Limit": "5",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": f"{time.time() + self.retry_after:.3f}",
                    "X-RateLimit-Reset-After": f"{self.retry_after:.3f}",
                    "X-RateLimit-Bucket": bucket[:32],
                }
            )
        body = {
            "message": "You are being rate limited.",
            "retry_after": self.retry_after,
            "global": is_global,
        }
        return web.Response(
            status=429, body=json.dumps(body, separators=(",", ":")).encode(), headers=headers
        )


@dataclass
class FaultPlan:
    """Faults waiting for requests that match ``route``, used up in order.

    ``hits`` lists ``"<status> <METHOD> <path>"`` for each fault answered;
    ``await plan.wait_used(timeout=...)`` returns once every fault was.
    """

    route: str
    pending: list[Fault]
    hits: list[str] = field(default_factory=list)
    _used: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def used(self) -> bool:
        return not self.pending

    async def wait_used(self, timeout: float = 10) -> None:  # noqa: ASYNC109
        try:
            await asyncio.wait_for(self._used.wait(), timeout)
        except TimeoutError:
            raise AssertionError(
                f"faults for {self.route} not all used after {timeout:g} s: "
                f"{len(self.pending)} left, hits {self.hits}"
            ) from None


@dataclass
class Hold:
    """Requests paused in the fake; see :meth:`RestApi.hold`."""

    route: str
    stage: Literal["before", "after"]
    skip: int
    count: int | None
    timeout: float
    request_path: str | None = None  # the first one held
    held: int = 0
    dropped: bool = False
    finished: bool = False
    _reached: asyncio.Event = field(default_factory=asyncio.Event, repr=False)
    _go: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    async def reached(self, timeout: float = 10) -> str:  # noqa: ASYNC109
        """Wait until the request is held; returns ``"METHOD path"``."""
        try:
            await asyncio.wait_for(self._reached.wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"no request to {self.route} within {timeout:g} s") from None
        assert self.request_path is not None
        return self.request_path

    def release(self) -> None:
        """Let the held requests go on (``before``: Discord now applies them;
        ``after``: their answers are sent); the hold holds nothing more."""
        self.finished = True
        self._go.set()

    def drop(self) -> None:
        """``before`` only: Discord never applies the held requests (as when
        the connection died on the way); their connections close unanswered."""
        if self.stage != "before":
            raise ValueError("an 'after' hold has already been applied; release() it")
        self.dropped = True
        self.release()

    async def _pause(self, request: web.Request) -> None:
        if self.request_path is None:
            self.request_path = _shown(request)
        self._reached.set()
        try:
            await asyncio.wait_for(self._go.wait(), self.timeout)
        except TimeoutError:
            # Never leave a handler hanging (the fake's shutdown would wait on it).
            log.warning("fake Discord: released %s held for %g s", self.route, self.timeout)


@dataclass
class Delay:
    """Discord taking ``seconds`` to apply matching requests; see :meth:`RestApi.delay`.

    ``hits`` lists ``"METHOD path"`` of each request delayed.  ``cancel()`` (or
    leaving a ``with`` block) stops delaying new requests; those already
    waiting finish their wait.
    """

    route: str
    seconds: float
    count: int | None
    hits: list[str] = field(default_factory=list)
    cancelled: bool = False
    _hit: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def active(self) -> bool:
        return not self.cancelled and (self.count is None or len(self.hits) < self.count)

    def _record(self, shown: str) -> None:
        self.hits.append(shown)
        self._hit.set()

    async def reached(self, timeout: float = 10) -> str:  # noqa: ASYNC109
        """Wait until a request is being delayed (the bot has sent it, Discord
        has not applied it yet); returns its ``"METHOD path"``."""
        try:
            await asyncio.wait_for(self._hit.wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"no request to {self.route} within {timeout:g} s") from None
        return self.hits[0]

    def cancel(self) -> None:
        self.cancelled = True

    def __enter__(self) -> Delay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


class RestApi:
    """Route table and handlers of the fake REST API."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self._fault_plans: list[tuple[Callable[[web.Request], bool], FaultPlan]] = []
        self._holds: list[tuple[Callable[[web.Request], bool], Hold]] = []
        self._delays: list[tuple[Callable[[web.Request], bool], Delay]] = []
        #: HTTP requests received, REST and gateway (0: the bot never contacted Discord).
        self.request_count = 0
        #: Every 429 answered, injected or past the global limit, in order:
        #: ``"POST /api/v10/channels/1/messages (global)"``.
        self.rate_limited: list[str] = []
        #: The most bot requests accepted within one second (global limit on).
        self.busiest_second = 0
        # When the bot requests of the last second arrived (time.monotonic()).
        self._last_second: deque[float] = deque()

    # -------------------------------------------------------- fault injection
    def _matcher(self, route: RouteSpec) -> tuple[Callable[[web.Request], bool], str]:
        """``"POST /channels/{channel_id}/messages"`` (a route template below
        ``/api/v10``, as in :meth:`routes`) or a predicate on the request."""
        if callable(route):
            return route, getattr(route, "__name__", repr(route))
        method, _, template = route.partition(" ")
        known = {(m, path.removeprefix(API)) for m, path, _handler in self.routes()}
        if (method, template) not in known:
            raise ValueError(f"{route!r} is not a route of the fake (see RestApi.routes)")

        def matches(request: web.Request) -> bool:
            canonical = request.match_info.route.resource.canonical  # type: ignore[union-attr]
            return request.method == method and canonical == API + template

        return matches, route

    def inject_faults(self, route: RouteSpec, faults: Iterable[int | Fault]) -> FaultPlan:
        """Answer the next requests matching ``route`` with ``faults``, one
        each, in order (``429`` is a 0.1 s per-route rate limit; pass a
        :class:`Fault` for another ``retry_after`` or a global one), then
        behave normally again. The faulted requests are not applied, as on
        Discord. Returns the plan, to check which faults were used."""
        matches, name = self._matcher(route)
        plan = FaultPlan(name, [f if isinstance(f, Fault) else Fault(f) for f in faults])
        if plan.used:
            plan._used.set()
        self._fault_plans.append((matches, plan))
        return plan

    def hold(
        self,
        route: RouteSpec,
        *,
        stage: Literal["before", "after"] = "before",
        skip: int = 0,
        count: int | None = 1,
        timeout: float = 30,
    ) -> Hold:
        """Pause the next request matching ``route`` (after letting ``skip``
        of them through; ``count`` of them, ``None`` for every one until
        released): ``before`` Discord applies it, or ``after`` it was applied
        but before its answer goes back. The test awaits ``hold.reached()``,
        acts (kills the bot, say), then calls ``release()`` or ``drop()``;
        after ``timeout`` a request goes on by itself. Holds are consulted in
        the order they were made: a request meets the first that matches."""
        matches, name = self._matcher(route)
        held = Hold(name, stage, skip, count, timeout)
        self._holds.append((matches, held))
        return held

    def delay(self, route: RouteSpec, seconds: float, *, count: int | None = None) -> Delay:
        """Make Discord take ``seconds`` to apply each request matching
        ``route`` (the next ``count`` of them; ``None``: every one until
        ``cancel()``).  Delayed requests wait concurrently, each for itself, as
        on a slow Discord: two posts sent together both land ``seconds`` later.
        Usable as ``with fake.rest.delay(...):``.  Only the first matching delay
        (in the order made) applies to a request; a request meets injected
        faults and ``before`` holds first, then the delay, then is applied."""
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"delay seconds must be a finite number >= 0, not {seconds!r}")
        if count is not None and count < 1:
            raise ValueError(f"count must be None or >= 1, not {count!r}")
        matches, name = self._matcher(route)
        delay = Delay(name, float(seconds), count)
        self._delays.append((matches, delay))
        return delay

    def _next_delay(self, request: web.Request) -> Delay | None:
        self._delays = [(m, d) for m, d in self._delays if d.active]
        for matches, delay in self._delays:
            if matches(request):
                delay._record(_shown(request))
                return delay
        return None

    def _next_fault(self, request: web.Request) -> Fault | None:
        for matches, plan in self._fault_plans:
            if plan.pending and matches(request):
                fault = plan.pending.pop(0)
                plan.hits.append(f"{fault.status} {_shown(request)}")
                if not plan.pending:
                    plan._used.set()
                return fault
        return None

    def _next_hold(self, request: web.Request) -> Hold | None:
        self._holds = [(m, h) for m, h in self._holds if not h.finished]
        for index, (matches, held) in enumerate(self._holds):
            if matches(request):
                if held.skip:
                    held.skip -= 1
                    return None
                held.held += 1
                if held.count is not None and held.held >= held.count:
                    del self._holds[index]
                return held
        return None

    def _global_wait(self) -> float | None:
        """None if one more bot request fits under the global limit now (it is
        counted), else the seconds until one does: the oldest request of the
        sliding second leaves it."""
        limit = self.fake.global_limit
        assert limit is not None
        now = time.monotonic()
        window = self._last_second
        while window and window[0] <= now - 1.0:
            window.popleft()
        if len(window) >= limit:
            return max(0.001, round(window[0] + 1.0 - now, 3))
        window.append(now)
        self.busiest_second = max(self.busiest_second, len(window))
        return None

    # ------------------------------------------------------------------ setup
    def routes(self) -> list[tuple[str, str, Handler]]:
        apps = API + "/applications/{app_id}"
        chan = API + "/channels/{channel_id}"
        hook = API + "/webhooks/{app_id}/{token}"
        return [
            ("GET", API + "/users/{user_id}", self.get_user),
            ("POST", API + "/users/@me/channels", self.create_dm),
            ("GET", API + "/gateway", self.get_gateway),
            ("GET", API + "/gateway/bot", self.get_gateway),
            ("GET", API + "/oauth2/applications/@me", self.get_application),
            ("GET", API + "/applications/@me", self.get_application),
            ("GET", apps + "/commands", self.list_commands),
            ("PUT", apps + "/commands", self.put_commands),
            ("POST", apps + "/commands", self.post_command),
            ("GET", apps + "/commands/{command_id}", self.get_command),
            ("PATCH", apps + "/commands/{command_id}", self.patch_command),
            ("DELETE", apps + "/commands/{command_id}", self.delete_command),
            ("GET", apps + "/guilds/{guild_id}/commands", self.list_commands),
            ("PUT", apps + "/guilds/{guild_id}/commands", self.put_commands),
            ("POST", apps + "/guilds/{guild_id}/commands", self.post_command),
            ("GET", apps + "/guilds/{guild_id}/commands/{command_id}", self.get_command),
            ("PATCH", apps + "/guilds/{guild_id}/commands/{command_id}", self.patch_command),
            ("DELETE", apps + "/guilds/{guild_id}/commands/{command_id}", self.delete_command),
            ("GET", chan, self.get_channel),
            ("GET", chan + "/messages", self.list_messages),
            ("POST", chan + "/messages", self.create_message),
            ("GET", chan + "/messages/{message_id}", self.get_message),
            ("PATCH", chan + "/messages/{message_id}", self.edit_message),
            ("DELETE", chan + "/messages/{message_id}", self.delete_message),
            ("PUT", chan + "/messages/{message_id}/reactions/{emoji}/@me", self.add_reaction),
            ("DELETE", chan + "/messages/{message_id}/reactions/{emoji}/@me", self.remove_reaction),
            ("POST", chan + "/typing", self.typing),
            ("GET", API + "/guilds/{guild_id}", self.get_guild),
            ("GET", API + "/guilds/{guild_id}/channels", self.get_guild_channels),
            ("GET", API + "/guilds/{guild_id}/roles", self.get_guild_roles),
            ("GET", API + "/guilds/{guild_id}/members", self.list_members),
            ("GET", API + "/guilds/{guild_id}/members/{user_id}", self.get_member),
            ("POST", API + "/interactions/{interaction_id}/{token}/callback", self.callback),
            ("POST", hook, self.followup),
            ("GET", hook + "/messages/{message_id}", self.get_webhook_message),
            ("PATCH", hook + "/messages/{message_id}", self.edit_webhook_message),
            ("DELETE", hook + "/messages/{message_id}", self.delete_webhook_message),
            ("GET", "/attachments/{channel_id}/{attachment_id}/{filename}", self.cdn),
            ("*", "/{tail:.*}", self.unknown),
        ]

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Bot-token auth (not for webhook/interaction routes) and error capture."""
        path = request.path
        self.request_count += 1
        needs_auth = path.startswith("/api/") and not path.startswith(
            (API + "/webhooks/", API + "/interactions/")
        )
        if needs_auth and request.headers.get("Authorization") != f"Bot {self.fake.token}":
            return json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        # Discord's global limit counts the bot's requests, not interaction ones.
        wait = self._global_wait() if needs_auth and self.fake.global_limit else None
        if wait is not None:
            self.rate_limited.append(f"{_shown(request)} (global)")
            return Fault(429, retry_after=wait, scope="global").response(request)
        fault = self._next_fault(request) if self._fault_plans else None
        if fault is not None:
            self.fake.transcript.append(f"!! injected {fault.status} on {_shown(request)}")
            if fault.status == 429:
                self.rate_limited.append(f"{_shown(request)} ({fault.scope})")
            return fault.response(request)
        held = self._next_hold(request) if self._holds else None
        if held is not None and held.stage == "before":
            await held._pause(request)
            if held.dropped:
                if request.transport is not None:
                    request.transport.close()
                return web.Response(status=503, text="dropped by the test")
        delay = self._next_delay(request) if self._delays else None
        if delay is not None:
            await asyncio.sleep(delay.seconds)
        response = await self._handle(request, handler)
        if held is not None and held.stage == "after":
            await held._pause(request)
        return response

    async def _handle(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except web.HTTPException:
            raise
        except BadBody as exc:
            return self.error(
                request, 400, 50109, "The request body contains invalid JSON.", str(exc)
            )
        except Exception as exc:  # a bug in the fake must fail the test, not hang it
            log.exception("fake Discord handler crashed")
            return self.error(
                request, 400, 0, f"Fake Discord internal error: {exc!r}", "internal_error"
            )

    # ---------------------------------------------------------------- helpers
    def error(
        self,
        request: web.Request,
        status: int,
        code: int,
        message: str,
        kind: str | None = None,
        *,
        detail: str = "",
        errors: FormErrors | None = None,
        itx: InteractionRecord | None = None,
    ) -> web.Response:
        """Discord-shaped error; with ``kind`` it is also recorded as a violation."""
        body: dict[str, Any] = {"message": message, "code": code}
        if errors:
            body["errors"] = errors.tree()
            detail = detail or errors.summary()
        if kind is not None:
            path = request.path
            token = request.match_info.get("token")
            if token:
                path = path.replace(token, "<token>")
            text = f"{request.method} {path} -> {status} {code} {message}"
            if detail:
                text += f" ({detail})"
            self.fake._violate(kind, text, itx)
        if itx is not None:
            itx.errors.append(RestError(status, code, message + (f" ({detail})" if detail else "")))
        return json_response(body, status=status)

    async def read_body(self, request: web.Request) -> tuple[dict[str, Any], Files]:
        """JSON body, or multipart ``payload_json`` + ``files[n]`` parts."""
        files: Files = {}
        if request.content_type.startswith("multipart/"):
            payload: Any = {}
            reader = await request.multipart()
            index = 0
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, BodyPartReader):
                    continue
                name = part.name or ""
                if name == "payload_json":
                    try:
                        payload = json.loads(await part.text())
                    except ValueError as exc:
                        raise BadBody(str(exc)) from None
                elif name.startswith("files[") or name == "file" or part.filename:
                    key = int(name[6:-1]) if name.startswith("files[") else index
                    files[key] = (part.filename or f"file{key}", bytes(await part.read()))
                    index += 1
            return (payload if isinstance(payload, dict) else {"__list__": payload}), files
        raw = await request.read()
        if not raw:
            return {}, files
        try:
            payload = json.loads(raw)
        except ValueError as exc:
            raise BadBody(str(exc)) from None
        return (payload if isinstance(payload, dict) else {"__list__": payload}), files

    def make_attachments(self, data: dict[str, Any], files: Files) -> list[Attachment]:
        meta: dict[int, dict[str, Any]] = {}
        for item in data.get("attachments") or []:
            if isinstance(item, dict) and str(item.get("id", "")).isdigit():
                meta[int(item["id"])] = item
        out = []
        for index, (filename, raw) in sorted(files.items()):
            info = meta.get(index, {})
            name = info.get("filename") or filename
            att = Attachment(
                self.fake._snowflake(),
                name,
                raw,
                content_type=mimetypes.guess_type(name)[0],
                description=info.get("description"),
            )
            self.fake._attachments[att.id] = att
            out.append(att)
        return out

    def check_message(
        self,
        request: web.Request,
        data: dict[str, Any],
        files: Files,
        *,
        path: tuple[str, ...] = (),
        itx: InteractionRecord | None = None,
        base: Message | None = None,
    ) -> web.Response | None:
        """Validate a create (``base`` None) or edit payload; return an error response."""
        errors = FormErrors()
        limits.validate_message(data, errors, path, file_count=len(files))
        if errors:
            return self.error(
                request,
                400,
                50035,
                "Invalid Form Body",
                "invalid_form_body",
                errors=errors,
                itx=itx,
            )
        if sum(len(raw) for _name, raw in files.values()) > limits.ATTACHMENT_SIZE_LIMIT:
            return self.error(
                request, 413, 40005, "Request entity too large", "payload_too_large", itx=itx
            )

        def pick(key: str, default: Any) -> Any:
            return data.get(key, default)

        content = pick("content", base.content if base else "") or ""
        embeds = pick("embeds", base.embeds if base else []) or []
        components = pick("components", base.components if base else []) or []
        flags = int(pick("flags", base.flags if base else 0) or 0)
        kept = len(base.attachments) if base else 0
        if base is not None and data.get("attachments") is not None:
            keep = {str(a.get("id")) for a in data["attachments"] if isinstance(a, dict)}
            kept = sum(1 for a in base.attachments if str(a.id) in keep)
        has_v2 = bool(flags & limits.COMPONENTS_V2 and components)
        if not content.strip() and not embeds and not files and not kept and not has_v2:
            return self.error(
                request, 400, 50006, "Cannot send an empty message", "empty_message", itx=itx
            )
        return None

    def channel_or_404(self, request: web.Request) -> Channel | web.Response:
        try:
            channel = self.fake.channels.get(int(request.match_info["channel_id"]))
        except ValueError:
            channel = None
        if channel is None:
            return self.error(request, 404, 10003, "Unknown Channel", "unknown_channel")
        return channel

    def bot_can(
        self, request: web.Request, channel: Channel, needed: int, what: str
    ) -> web.Response | None:
        """403 like Discord when the bot lacks ``needed`` in ``channel``."""
        if channel.is_dm:
            return None
        guild = self.fake.guilds.get(channel.guild_id or 0)
        if guild is None or guild.member(self.fake.bot_user) is None:
            return self.error(request, 403, 50001, "Missing Access", "missing_access", detail=what)
        perms = self.fake.permissions_for(self.fake.bot_user, channel)
        if not perms & VIEW_CHANNEL:
            return self.error(
                request,
                403,
                50001,
                "Missing Access",
                "missing_access",
                detail=f"{what}: the bot cannot view #{channel.name}",
            )
        missing = needed & ~perms
        if missing:
            return self.error(
                request,
                403,
                50013,
                "Missing Permissions",
                "missing_permissions",
                detail=f"{what} in #{channel.name} needs {', '.join(permission_names(missing))}",
            )
        return None

    def message_in(self, request: web.Request, channel: Channel) -> Message | web.Response:
        try:
            msg = self.fake.get_message(int(request.match_info["message_id"]))
        except ValueError:
            msg = None
        if msg is None or msg.deleted or msg.ephemeral or msg.channel_id != channel.id:
            return self.error(request, 404, 10008, "Unknown Message", "unknown_message")
        return msg

    def json(self, data: Any, status: int = 200) -> web.Response:
        return json_response(data, status=status)

    # ----------------------------------------------------------- users, misc
    async def get_user(self, request: web.Request) -> web.Response:
        uid = request.match_info["user_id"]
        if uid == "@me":
            data = self.fake.bot_user.payload()
            data.update(verified=True, mfa_enabled=False, flags=0, locale="en-US", email=None)
            return self.json(data)
        user = self.fake.users.get(int(uid)) if uid.isdigit() else None
        if user is None:
            return self.error(request, 404, 10013, "Unknown User", "unknown_user")
        return self.json(user.payload())

    async def create_dm(self, request: web.Request) -> web.Response:
        body, _ = await self.read_body(request)
        rid = str(body.get("recipient_id", ""))
        user = self.fake.users.get(int(rid)) if rid.isdigit() else None
        if user is None:
            return self.error(request, 404, 10013, "Unknown User", "unknown_user")
        return self.json(self.fake.dm_channel(user).payload())

    async def get_gateway(self, request: web.Request) -> web.Response:
        """``GET /gateway`` (the URL) and ``GET /gateway/bot`` (plus the shard
        count and session start limit, as Discord shapes them)."""
        fake = self.fake
        if not request.path.endswith("/bot"):
            return self.json({"url": fake.gateway_url})
        total = 1000
        log = fake.gateway.identify_log
        day_ms = 86_400_000
        reset_after = 0
        if log:
            elapsed_ms = int((asyncio.get_running_loop().time() - log[0].at) * 1000)
            reset_after = max(0, day_ms - elapsed_ms)
        return self.json(
            {
                "url": fake.gateway_url,
                "shards": fake.shard_count,
                "session_start_limit": {
                    "total": total,
                    "remaining": max(0, total - len(log)),
                    "reset_after": reset_after,
                    "max_concurrency": fake.max_concurrency,
                },
            }
        )

    async def get_application(self, request: web.Request) -> web.Response:
        fake = self.fake
        return self.json(
            {
                "id": str(fake.application_id),
                "name": fake.bot_user.name,
                "icon": None,
                "description": "",
                "summary": "",
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "owner": fake.app_owner.payload(),
                "team": None,
                "flags": fake.application_flags,
                "bot": fake.bot_user.payload(),
                "tags": [],
                "redirect_uris": [],
                "interactions_endpoint_url": None,
                "approximate_guild_count": len(fake.guilds),
            }
        )

    async def typing(self, request: web.Request) -> web.StreamResponse:
        channel = self.channel_or_404(request)
        if isinstance(channel, web.Response):
            return channel
        denied = self.bot_can(request, channel, SEND_MESSAGES, "typing")
        return denied or web.Response(status=204)

    async def cdn(self, request: web.Request) -> web.StreamResponse:
        att = self.fake._attachments.get(int(request.match_info["attachment_id"]))
        if att is None:
            return web.Response(status=404)
        return web.Response(
            body=att.data, content_type=att.content_type or "application/octet-stream"
        )

    async def unknown(self, request: web.Request) -> web.Response:
        route = f"{request.method} {request.path}"
        self.fake.unknown_routes.append(route)
        self.fake.transcript.append(f"!! unknown route {route}")
        log.warning("fake Discord: unknown route %s", route)
        return json_response({"message": "404: Not Found", "code": 0}, status=404)

    # ---------------------------------------------------------------- guilds
    def guild_or_404(self, request: web.Request) -> Any:
        gid = request.match_info["guild_id"]
        guild = self.fake.guilds.get(int(gid)) if gid.isdigit() else None
        if guild is None or guild.member(self.fake.bot_user) is None:
            return self.error(request, 404, 10004, "Unknown Guild", "unknown_guild")
        return guild

    async def get_guild(self, request: web.Request) -> web.Response:
        guild = self.guild_or_404(request)
        if isinstance(guild, web.Response):
            return guild
        data = self.fake.guild_payload(guild)
        for key in ("members", "channels", "threads", "presences", "voice_states", "joined_at"):
            data.pop(key, None)
        return self.json(data)

    async def get_guild_channels(self, request: web.Request) -> web.Response:
        guild = self.guild_or_404(request)
        if isinstance(guild, web.Response):
            return guild
        return self.json([c.payload() for c in guild.channels])

    async def get_guild_roles(self, request: web.Request) -> web.Response:
        guild = self.guild_or_404(request)
        if isinstance(guild, web.Response):
            return guild
        return self.json([r.payload() for r in guild.roles.values()])

    async def get_member(self, request: web.Request) -> web.Response:
        guild = self.guild_or_404(request)
        if isinstance(guild, web.Response):
            return guild
        uid = request.match_info["user_id"]
        member = guild.members.get(int(uid)) if uid.isdigit() else None
        if member is None:
            # Not a violation: asking whether someone is a member is how a bot
            # without the members intent finds out.
            return self.error(request, 404, 10007, "Unknown Member")
        return self.json(member.payload())

    async def list_members(self, request: web.Request) -> web.Response:
        guild = self.guild_or_404(request)
        if isinstance(guild, web.Response):
            return guild
        if not self.fake.enabled_privileged_intents & INTENT_GUILD_MEMBERS:
            return self.error(
                request,
                403,
                50001,
                "Missing Access",
                "missing_access",
                detail="listing members needs the Server Members privileged intent",
            )
        after = int(request.query.get("after", 0))
        limit = max(1, min(1000, int(request.query.get("limit", 1))))
        members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)
        return self.json([m.payload() for m in members[:limit]])

    # -------------------------------------------------------------- commands
    def command_scope(self, request: web.Request) -> int | web.Response | None:
        if request.match_info["app_id"] != str(self.fake.application_id):
            return self.error(
                request,
                403,
                50001,
                "Missing Access",
                "missing_access",
                detail="application id does not match the bot",
            )
        gid = request.match_info.get("guild_id")
        if gid is None:
            return None
        guild = self.fake.guilds.get(int(gid)) if gid.isdigit() else None
        if guild is None or guild.member(self.fake.bot_user) is None:
            return self.error(
                request,
                403,
                50001,
                "Missing Access",
                "missing_access",
                detail="the bot is not in that guild",
            )
        return guild.id

    def store_command(self, scope: int | None, cmd: dict[str, Any]) -> dict[str, Any]:
        existing = self.fake._commands.setdefault(scope, {})
        ctype = int(cmd.get("type", 1))
        old = next(
            (c for c in existing.values() if c["type"] == ctype and c["name"] == cmd.get("name")),
            None,
        )
        stored = {
            "id": old["id"] if old else str(self.fake._snowflake()),
            "application_id": str(self.fake.application_id),
            "version": str(self.fake._snowflake()),
            "type": ctype,
            "name": cmd.get("name"),
            "name_localizations": cmd.get("name_localizations"),
            "description": cmd.get("description", ""),
            "description_localizations": cmd.get("description_localizations"),
            "options": cmd.get("options") or [],
            "default_member_permissions": cmd.get("default_member_permissions"),
            "dm_permission": cmd.get("dm_permission", True),
            "contexts": cmd.get("contexts"),
            "integration_types": cmd.get("integration_types") or [0],
            "nsfw": bool(cmd.get("nsfw", False)),
        }
        if scope is not None:
            stored["guild_id"] = str(scope)
        return stored

    async def list_commands(self, request: web.Request) -> web.Response:
        scope = self.command_scope(request)
        if isinstance(scope, web.Response):
            return scope
        return self.json(self.fake.commands(scope))

    async def put_commands(self, request: web.Request) -> web.Response:
        scope = self.command_scope(request)
        if isinstance(scope, web.Response):
            return scope
        body, _ = await self.read_body(request)
        commands = body.get("__list__", body)
        errors = FormErrors()
        limits.validate_commands(commands, errors)
        if errors:
            return self.error(
                request, 400, 50035, "Invalid Form Body", "invalid_form_body", errors=errors
            )
        stored = [self.store_command(scope, c) for c in commands]
        self.fake._commands[scope] = {int(c["id"]): c for c in stored}
        self.fake._commands_synced(scope)
        return self.json(stored)

    async def post_command(self, request: web.Request) -> web.Response:
        scope = self.command_scope(request)
        if isinstance(scope, web.Response):
            return scope
        body, _ = await self.read_body(request)
        errors = FormErrors()
        limits.validate_command(body, errors)
        if errors:
            return self.error(
                request, 400, 50035, "Invalid Form Body", "invalid_form_body", errors=errors
            )
        stored = self.store_command(scope, body)
        table = self.fake._commands.setdefault(scope, {})
        created = int(stored["id"]) not in table
        table[int(stored["id"])] = stored
        self.fake._commands_synced(scope)
        return self.json(stored, status=201 if created else 200)

    def command_or_404(self, request: web.Request, scope: int | None) -> Any:
        cid = request.match_info["command_id"]
        cmd = self.fake._commands.get(scope, {}).get(int(cid)) if cid.isdigit() else None
        if cmd is None:
            return self.error(request, 404, 10063, "Unknown application command", "unknown_command")
        return cmd

    async def get_command(self, request: web.Request) -> web.Response:
        scope = self.command_scope(request)
        if isinstance(scope, web.Response):
            return scope
        cmd = self.command_or_404(request, scope)
        return cmd if isinstance(cmd, web.Response) else self.json(cmd)

    async def patch_command(self, request: web.Request) -> web.Response:
        scope = self.command_scope(request)
        if isinstance(scope, web.Response):
            return scope
        cmd = self.command_or_404(request, scope)
        if isinstance(cmd, web.Response):
            return cmd
        body, _ = await self.read_body(request)
        merged = {**cmd, **body}
        errors = FormErrors()
        limits.validate_command(merged, errors)
        if errors:
            return self.error(
                request, 400, 50035, "Invalid Form Body", "invalid_form_body", errors=errors
            )
        stored = self.store_command(scope, merged)
        stored["id"] = cmd["id"]
        self.fake._commands[scope][int(cmd["id"])] = stored
        return self.json(stored)

    async def delete_command(self, request: web.Request) -> web.StreamResponse:
        scope = self.command_scope(request)
        if isinstance(scope, web.Response):
            return scope
        cmd = self.command_or_404(request, scope)
        if isinstance(cmd, web.Response):
            return cmd
        del self.fake._commands[scope][int(cmd["id"])]
        return web.Response(status=204)

    # -------------------------------------------------------------- channels
    async def get_channel(self, request: web.Request) -> web.Response:
        channel = self.channel_or_404(request)
        if isinstance(channel, web.Response):
            return channel
        denied = self.bot_can(request, channel, 0, "fetching the channel")
        return denied or self.json(channel.payload())

    async def list_messages(self, request: web.Request) -> web.Response:
        channel = self.channel_or_404(request)
        if isinstance(channel, web.Response):
            return channel
        denied = self.bot_can(request, channel, 0, "reading message history")
        if denied:
            return denied
        if not channel.is_dm and not (
            self.fake.permissions_for(self.fake.bot_user, channel) & READ_MESSAGE_HISTORY
        ):
            return self.json([])
        query = request.query
        limit = max(1, min(100, int(query.get("limit", 50))))
        msgs = self.fake.messages(channel)
        if "before" in query:
            msgs = [m for m in msgs if m.id < int(query["before"])]
        if "after" in query:
            msgs = [m for m in msgs if m.id > int(query["after"])]
            msgs = msgs[:limit]
        if "around" in query:
            around = int(query["around"])
            older = [m for m in msgs if m.id <= around][-(limit // 2 + 1) :]
            newer = [m for m in msgs if m.id > around][: limit - len(older)]
            msgs = older + newer
        msgs = sorted(msgs, key=lambda m: m.id, reverse=True)[:limit]
        return self.json([self.fake.message_payload(m) for m in msgs])

    async def create_message(self, request: web.Request) -> web.Response:
        channel = self.channel_or_404(request)
        if isinstance(channel, web.Response):
            return channel
        data, files = await self.read_body(request)
        if channel.is_dm:
            recipient = channel.recipients[0]
            if recipient.bot or not recipient.dms_open:
                return self.error(
                    request,
                    403,
                    50007,
                    "Cannot send messages to this user",
                    "cannot_dm",
                    detail=f"{recipient.name} does not accept DMs",
                )
        else:
            if channel.type == GUILD_CATEGORY:
                return self.error(
                    request,
                    400,
                    50008,
                    "Cannot send messages in a non-text channel",
                    "non_text_channel",
                )
            needed = SEND_MESSAGES
            if data.get("embeds"):
                needed |= EMBED_LINKS
            if files:
                needed |= ATTACH_FILES
            denied = self.bot_can(request, channel, needed, "sending a message")
            if denied:
                return denied
        problem = self.check_message(request, data, files)
        if problem:
            return problem
        reference = data.get("message_reference")
        if isinstance(reference, dict) and reference.get("message_id"):
            ref = self.fake.get_message(int(reference["message_id"]))
            if (ref is None or ref.deleted or ref.ephemeral) and reference.get(
                "fail_if_not_exists", True
            ):
                errors = FormErrors()
                errors.add(
                    ("message_reference",), "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"
                )
                return self.error(
                    request, 400, 50035, "Invalid Form Body", "invalid_form_body", errors=errors
                )
        nonce = data.get("nonce")
        if nonce is not None and data.get("enforce_nonce"):
            # Discord: with enforce_nonce, a message the same author created in
            # the same channel with the same nonce within the past few minutes
            # is returned instead of a second one being created.
            key = (channel.id, str(nonce))
            earlier = self.fake.nonces.get(key)
            if earlier is not None:
                message, at = earlier
                if self.fake._loop_time() - at <= NONCE_WINDOW_S and not message.deleted:
                    self.fake.nonce_hits += 1
                    return self.json(self.fake.message_payload(message))
        msg = self.fake._new_message(
            channel,
            self.fake.bot_user,
            data,
            self.make_attachments(data, files),
            type=19 if reference else 0,
        )
        if nonce is not None:
            self.fake.nonces[(channel.id, str(nonce))] = (msg, self.fake._loop_time())
        return self.json(self.fake.message_payload(msg))

    async def get_message(self, request: web.Request) -> web.Response:
        channel = self.channel_or_404(request)
        if isinstance(channel, web.Response):
            return channel
        denied = self.bot_can(request, channel, READ_MESSAGE_HISTORY, "fetching a message")
        if denied:
            return denied
        msg = self.message_in(request, channel)
        return msg if isinstance(msg, web.Response) else self.json(self.fake.message_payload(msg))

    async def edit_message(self, request: web.Request) -> web.Response:
        channel = self.channel_or_404(request)
        if isinstance(channel, web.Response):
            return channel
        msg = self.message_in(request, channel)
        if isinstance(msg, web.Response):
            return msg
        if msg.author.id != self.fake.bot_user.id:
            return self.error(
                request,
                403,
                50005,
                "Cannot edit a message authored by another user",
                "edit_foreign_message",
            )
        denied = self.bot_can(request, channel, 0, "editing a message")
        if denied:
            return denied
        data, files = await self.read_body(request)
        problem = self.check_message(request, data, files, base=msg)
        if problem:
            return problem
        self.fake._edit_message(msg, data, self.make_attachments(data, files))
        return self.json(self.fake.message_payload(msg))

    async def delete_message(self, request: web.Request) -> web.StreamResponse:
        channel = self.channel_or_404(request)
        if isinstance(channel, web.Response):
            return channel
        msg = self.message_in(request, channel)
        if isinstance(msg, web.Response):
            return msg
        if msg.author.id != self.fake.bot_user.id and channel.is_dm:
            return self.error(
                request,
                403,
                50003,
                "Cannot execute action on a DM channel",
                "dm_action",
                detail="bots cannot delete the other user's DM messages",
            )
        if msg.author.id != self.fake.bot_user.id:
            denied = self.bot_can(
                request, channel, MANAGE_MESSAGES, "deleting another user's message"
            )
            if denied:
                return denied
        self.fake._delete_message(msg)
        return web.Response(status=204)

    async def add_reaction(self, request: web.Request) -> web.StreamResponse:
        return await self._reaction(request, add=True)

    async def remove_reaction(self, request: web.Request) -> web.StreamResponse:
        return await self._reaction(request, add=False)

    async def _reaction(self, request: web.Request, *, add: bool) -> web.StreamResponse:
        channel = self.channel_or_404(request)
        if isinstance(channel, web.Response):
            return channel
        msg = self.message_in(request, channel)
        if isinstance(msg, web.Response):
            return msg
        emoji = request.match_info["emoji"]
        users = msg.reactions.setdefault(emoji, set())
        needed = READ_MESSAGE_HISTORY | (ADD_REACTIONS if add and not users else 0)
        denied = self.bot_can(request, channel, needed, "reacting")
        if denied:
            return denied
        bot_id = self.fake.bot_user.id
        changed = (bot_id not in users) if add else (bot_id in users)
        if add:
            users.add(bot_id)
        else:
            users.discard(bot_id)
        if changed:
            data: dict[str, Any] = {
                "user_id": str(bot_id),
                "channel_id": str(channel.id),
                "message_id": str(msg.id),
                "emoji": {"id": None, "name": emoji},
                "burst": False,
                "type": 0,
            }
            if channel.guild_id:
                data["guild_id"] = str(channel.guild_id)
            intent = (
                INTENT_GUILD_MESSAGE_REACTIONS
                if channel.guild_id
                else INTENT_DIRECT_MESSAGE_REACTIONS
            )
            event = "MESSAGE_REACTION_ADD" if add else "MESSAGE_REACTION_REMOVE"
            self.fake._dispatch(event, data, intent, guild_id=channel.guild_id)
        return web.Response(status=204)

    # ---------------------------------------------------------- interactions
    async def callback(self, request: web.Request) -> web.StreamResponse:
        fake = self.fake
        itx = fake._interactions_by_token.get(request.match_info["token"])
        if itx is None or str(itx.id) != request.match_info["interaction_id"]:
            return self.error(request, 404, 10062, "Unknown interaction", "unknown_interaction")
        body, files = await self.read_body(request)
        now = fake._loop_time()
        if itx.failed or now - itx.created_at > itx.deadline:
            fake._expire(itx)
            late = now - itx.created_at
            return self.error(
                request,
                404,
                10062,
                "Unknown interaction",
                detail=f"callback {late:.2f} s after the interaction (deadline {itx.deadline:g} s)",
                itx=itx,
            )
        if itx.callbacks:
            return self.error(
                request,
                400,
                40060,
                "Interaction has already been acknowledged.",
                "double_ack",
                detail=f"{itx._describe()} was already answered with type {itx.callbacks[0].type}",
                itx=itx,
            )
        rtype = body.get("type")
        data = body.get("data")
        errors = FormErrors()
        allowed = set(_CALLBACK_TYPES.get(itx.type, set()))
        if itx.type == MODAL_SUBMIT and itx.source_message is not None:
            allowed |= {6, 7}
        if rtype not in allowed:
            errors.add(
                ("type",),
                "INTERACTION_RESPONSE_TYPE_INVALID",
                f"Response type {rtype} is not valid for interaction type {itx.type}",
            )
            return self.error(
                request,
                400,
                50035,
                "Invalid Form Body",
                "invalid_form_body",
                errors=errors,
                itx=itx,
            )
        data = data if isinstance(data, dict) else {}
        if rtype == 4:
            problem = self.check_message(request, data, files, path=("data",), itx=itx)
            if problem:
                return problem
        elif rtype == 7:
            assert itx.source_message is not None
            problem = self.check_message(
                request, data, files, path=("data",), itx=itx, base=itx.source_message
            )
            if problem:
                return problem
        elif rtype == 8:
            limits.validate_choices(data, errors, ("data",))
        elif rtype == 9:
            limits.validate_modal(data, errors, ("data",))
        if errors:
            return self.error(
                request,
                400,
                50035,
                "Invalid Form Body",
                "invalid_form_body",
                errors=errors,
                itx=itx,
            )
        msg: Message | None = None
        bot = fake.bot_user
        where = fake._where(itx.channel.id)
        if rtype == 4:
            msg = fake._new_message(
                itx.channel,
                bot,
                data,
                self.make_attachments(data, files),
                ephemeral=bool(int(data.get("flags") or 0) & EPHEMERAL),
                type=20 if itx.type == APPLICATION_COMMAND else 0,
                interaction=itx,
            )
            itx.original = msg
            itx._set_reply(msg)
        elif rtype == 5:
            msg = fake._new_message(
                itx.channel,
                bot,
                {"content": ""},
                [],
                ephemeral=bool(int(data.get("flags") or 0) & EPHEMERAL),
                extra_flags=LOADING,
                type=20 if itx.type == APPLICATION_COMMAND else 0,
                interaction=itx,
            )
            itx.original = msg
            itx.deferred = True
        elif rtype == 6:
            itx.original = itx.source_message
            itx.deferred = True
            fake.transcript.append(f"{where} {bot.name} acknowledged the click (deferred update)")
        elif rtype == 7:
            assert itx.source_message is not None
            msg = itx.source_message
            fake._edit_message(msg, data, self.make_attachments(data, files))
            itx.original = msg
            itx._set_reply(msg)
        elif rtype == 8:
            itx.choices = list(data.get("choices") or [])
            names = ", ".join(str(c.get("name")) for c in itx.choices[:5])
            fake.transcript.append(f"{where} {bot.name} suggested: {names}")
        elif rtype == 9:
            itx.modal = data
            fields = [
                c.get("custom_id")
                for c in limits.iter_components(data.get("components"))
                if c.get("type") in limits.MODAL_INPUTS
            ]
            shown = ", ".join(map(str, fields))
            fake.transcript.append(
                f"{where} {bot.name} opened modal “{data.get('title')}” ({shown})"
            )
        itx.callbacks.append(InteractionCallback(rtype, data))
        if itx._watchdog is not None:
            itx._watchdog.cancel()
        itx._responded.set()
        if request.query.get("with_response", "").lower() not in ("1", "true"):
            return web.Response(status=204)
        inter: dict[str, Any] = {"id": str(itx.id), "type": itx.type}
        resource: dict[str, Any] = {"type": rtype}
        if msg is not None:
            inter.update(
                response_message_id=str(msg.id),
                response_message_loading=msg.loading,
                response_message_ephemeral=msg.ephemeral,
            )
            resource["message"] = fake.message_payload(msg)
        return self.json({"interaction": inter, "resource": resource})

    def webhook_itx(self, request: web.Request) -> InteractionRecord | web.Response:
        itx = self.fake._interactions_by_token.get(request.match_info["token"])
        if itx is None or request.match_info["app_id"] != str(self.fake.application_id):
            return self.error(request, 404, 10015, "Unknown Webhook", "unknown_webhook")
        if not itx.callbacks:
            return self.error(
                request,
                404,
                10015,
                "Unknown Webhook",
                "not_acknowledged",
                detail=f"{itx._describe()} has not been acknowledged yet (respond or defer first)",
                itx=itx,
            )
        return itx

    async def followup(self, request: web.Request) -> web.StreamResponse:
        itx = self.webhook_itx(request)
        if isinstance(itx, web.Response):
            return itx
        data, files = await self.read_body(request)
        problem = self.check_message(request, data, files, itx=itx)
        if problem:
            return problem
        fake = self.fake
        original = itx.original
        attachments = self.make_attachments(data, files)
        if original is not None and original.loading and itx.response_type == 5:
            # The first followup after a deferred response replaces the
            # "is thinking…" message; its visibility is the defer's.
            fake._edit_message(original, data, attachments, mark_edited=False)
            msg = original
        else:
            msg = fake._new_message(
                itx.channel,
                fake.bot_user,
                data,
                attachments,
                ephemeral=bool(int(data.get("flags") or 0) & EPHEMERAL),
                interaction=itx,
            )
        itx._add_followup(msg)
        if request.query.get("wait", "").lower() in ("1", "true"):
            return self.json(fake.message_payload(msg))
        return web.Response(status=204)

    def webhook_message(
        self, request: web.Request, itx: InteractionRecord
    ) -> Message | web.Response:
        mid = request.match_info["message_id"]
        if mid == "@original":
            msg = itx.original
        else:
            candidates = [m for m in (itx.original, *itx.followups) if m is not None]
            msg = next((m for m in candidates if str(m.id) == mid), None)
        if msg is None or msg.deleted:
            return self.error(request, 404, 10008, "Unknown Message", "unknown_message", itx=itx)
        return msg

    async def get_webhook_message(self, request: web.Request) -> web.Response:
        itx = self.webhook_itx(request)
        if isinstance(itx, web.Response):
            return itx
        msg = self.webhook_message(request, itx)
        return msg if isinstance(msg, web.Response) else self.json(self.fake.message_payload(msg))

    async def edit_webhook_message(self, request: web.Request) -> web.Response:
        itx = self.webhook_itx(request)
        if isinstance(itx, web.Response):
            return itx
        msg = self.webhook_message(request, itx)
        if isinstance(msg, web.Response):
            return msg
        data, files = await self.read_body(request)
        problem = self.check_message(request, data, files, itx=itx, base=msg)
        if problem:
            return problem
        was_loading = msg.loading
        self.fake._edit_message(
            msg, data, self.make_attachments(data, files), mark_edited=not was_loading
        )
        itx._set_reply(msg)
        return self.json(self.fake.message_payload(msg))

    async def delete_webhook_message(self, request: web.Request) -> web.StreamResponse:
        itx = self.webhook_itx(request)
        if isinstance(itx, web.Response):
            return itx
        msg = self.webhook_message(request, itx)
        if isinstance(msg, web.Response):
            return msg
        self.fake._delete_message(msg)
        return web.Response(status=204)
