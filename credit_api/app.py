"""The HTTP face of the credit API (FastAPI).  Handlers are thin: :mod:`credit_api.service`
does the work inside one database transaction per request.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from credit_api import __version__
from credit_api import service as svc
from credit_api.db import now_utc
from credit_api.service.devices import parse_pending
from sync.protocol import (
    MAX_PAGE,
    AttendanceReport,
    CloseoutRequest,
    CloseoutResponse,
    DeviceInfo,
    EnrolRequest,
    EnrolResponse,
    ErrorResponse,
    Ledger,
    RegistrationsPage,
    RevocationsPage,
    SessionsPage,
    TrustList,
    UploadBatch,
    UploadResponse,
)

log = logging.getLogger("credit_api.http")

MAX_BODY_BYTES = 2 * 1024 * 1024
Clock = Callable[[], datetime]

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in {
        400: "bad request (e.g. a cursor not from this server)",
        401: "missing or unknown device token",
        403: "device revoked, or a pass / code that is not accepted",
        404: "no such class, parent or venue for this device",
        409: "conflicts with what the platform already holds",
        413: "request body too large",
        422: "the request does not match the schema; `detail` says where",
        429: "too many attempts; wait and try again",
    }.items()
}


@dataclass(frozen=True)
class EnrolLimits:
    """Failed enrolment attempts allowed per client address and per code in a sliding window;
    counted in the database (:func:`credit_api.service.enrol_wait`), so every server process
    shares them and a restart forgets nothing."""

    per_client: int
    per_code: int
    window_s: float


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes, declared or streamed, with 413.

    The body is read here (at most ``limit`` bytes are held) before the app sees the request,
    so an oversized chunked upload is refused cleanly instead of failing half-way.
    """

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: MutableMapping[str, Any], receive: Callable[[], Awaitable[Any]],
                       send: Callable[[Any], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.limit:
                await self._refuse(send)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Any:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Callable[[Any], Awaitable[None]]) -> None:
        body = ErrorResponse(server_time=now_utc(), error="too_large",
                             detail=f"request body over {self.limit} bytes").model_dump_json()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"x-server-time", now_utc().isoformat().encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body.encode()})


def _error(status: int, error: str, detail: str, clock: Clock,
           headers: dict[str, str] | None = None) -> JSONResponse:
    body = ErrorResponse(server_time=clock(), error=error, detail=detail)
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def _describe(exc: RequestValidationError) -> str:
    parts = []
    for e in exc.errors()[:5]:
        loc = ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "request"
        parts.append(f"{loc}: {e.get('msg', 'invalid')}")
    more = len(exc.errors()) - 5
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)


_auth_header = APIKeyHeader(name="Authorization", auto_error=False,
                            description="`Device <token>` as returned by enrolment")


#: Optional request header: how many records the kiosk still has to upload (a number).
PENDING_HEADER = "X-Starkiosk-Pending"


def current_device(request: Request,
                   authorization: Annotated[str | None, Depends(_auth_header)] = None
                   ) -> svc.Device:
    """The device behind ``Authorization: Device <token>``, or 401/403.

    A kiosk may add ``X-Starkiosk-Pending: N`` (its records not yet uploaded); it is kept for
    ``credit-api devices list`` and ignored when it is not a plain number.  It is read here, not
    declared per endpoint, because any authenticated request may carry it.
    """
    if not authorization:
        raise svc.ApiError(401, "unauthorized", "send `Authorization: Device <token>`")
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme != "Device" or not token or len(token) > 200:
        raise svc.ApiError(401, "unauthorized", "the Authorization header must be `Device <token>`")
    with request.app.state.engine.begin() as conn:
        return svc.authenticate(conn, token, request.app.state.clock(),
                                pending=parse_pending(request.headers.get(PENDING_HEADER)))


Dev = Annotated[svc.Device, Depends(current_device)]
CursorQ = Annotated[str | None, Query(max_length=200, description="from the previous page")]
LimitQ = Annotated[int, Query(ge=1, le=MAX_PAGE, description="page size")]


class _RateLimited(Exception):
    def __init__(self, wait: float) -> None:
        super().__init__("rate limited")
        self.wait = wait


def create_app(engine: Engine, *, clock: Clock = now_utc, enrol_attempts: int = 10,
               enrol_window_s: float = 600.0, enrol_code_attempts: int | None = None,
               max_body: int = MAX_BODY_BYTES) -> FastAPI:
    """The credit API bound to ``engine`` (already migrated).

    Enrolment allows ``enrol_attempts`` failures per client address and
    ``enrol_code_attempts`` (default: the same) per code within ``enrol_window_s``.
    """
    app = FastAPI(
        title="Star Parent central credit API",
        version=__version__,
        description="Enrolment, downloads, check-in upload, close-out and ledgers for the Star "
        "Parent kiosks. All but enrolment need `Authorization: Device <token>`. Every response "
        "carries `server_time`. See docs/credit-api.md.",
        responses=_ERRORS,
    )
    limiter = EnrolLimits(enrol_attempts, enrol_code_attempts or enrol_attempts, enrol_window_s)
    app.state.engine = engine
    app.state.clock = clock
    _add_error_handlers(app, clock)
    _add_server_time(app, clock)
    _add_device_routes(app, engine, clock, limiter)
    _add_download_routes(app, engine, clock)
    _add_upload_routes(app, engine, clock)
    _add_report_routes(app, engine, clock)
    return app


def _add_error_handlers(app: FastAPI, clock: Clock) -> None:
    """Every refusal and failure answers with an :class:`ErrorResponse` body."""

    @app.exception_handler(svc.ApiError)
    async def _api_error(_req: Request, exc: svc.ApiError) -> JSONResponse:
        return _error(exc.status, exc.error, exc.detail, clock)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(422, "invalid_request", _describe(exc), clock)

    @app.exception_handler(Exception)
    async def _crash(_req: Request, exc: Exception) -> JSONResponse:
        log.error("internal error: %s", type(exc).__name__)
        return _error(500, "internal_error", "the server failed; the request can be retried "
                      "safely (uploads and close-outs are idempotent)", clock)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, "http_error", str(exc.detail), clock,
                      headers=getattr(exc, "headers", None))

    @app.exception_handler(_RateLimited)
    async def _limited(_req: Request, exc: _RateLimited) -> JSONResponse:
        secs = max(1, int(exc.wait + 0.999))
        return _error(429, "rate_limited",
                      f"too many failed enrolment attempts; try again in {secs} s", clock,
                      headers={"Retry-After": str(secs)})


def _add_server_time(app: FastAPI, clock: Clock) -> None:
    """Every response carries ``X-Server-Time`` and is never cached."""

    @app.middleware("http")
    async def _server_time(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        response.headers["X-Server-Time"] = clock().isoformat()
        response.headers["Cache-Control"] = "no-store"
        return response


def _add_device_routes(app: FastAPI, engine: Engine, clock: Clock,
                       limiter: EnrolLimits) -> None:
    """Enrolment (failures limited per client address and per code), who-am-I and
    self-revocation."""

    @app.post("/v1/enrol", response_model=EnrolResponse, tags=["devices"],
              summary="Enrol a kiosk with a one-time code")
    def enrol(body: EnrolRequest, request: Request) -> EnrolResponse:
        client = request.client.host if request.client else "?"
        with engine.begin() as conn:
            wait = svc.enrol_wait(conn, client, body.code, clock(),
                                  per_client=limiter.per_client, per_code=limiter.per_code,
                                  window_s=limiter.window_s)
        if wait > 0:
            raise _RateLimited(wait)
        try:
            with engine.begin() as conn:
                device_id, token, venue = svc.enrol(conn, body.code, body.device_name, clock(),
                                                    public_key=body.device_public_key)
        except svc.ApiError:
            with engine.begin() as conn:
                svc.enrol_failed(conn, client, body.code, clock(), limiter.window_s)
            raise
        return EnrolResponse(server_time=clock(), device_id=device_id, token=token, venue=venue)

    @app.get("/v1/device", response_model=DeviceInfo, tags=["devices"],
             summary="Who this device is (also a cheap clock check)")
    def whoami(dev: Dev) -> DeviceInfo:
        with engine.begin() as conn:
            return svc.device_info(conn, dev, clock())

    @app.post("/v1/device/revoke", response_model=DeviceInfo, tags=["devices"],
                summary="Revoke this device's token (decommissioning a kiosk)")
    def revoke_self(dev: Dev) -> DeviceInfo:
        with engine.begin() as conn:
            svc.revoke_device(conn, dev.id, clock(), reason="the kiosk revoked itself")
            return svc.device_info(conn, dev, clock())


def _add_download_routes(app: FastAPI, engine: Engine, clock: Clock) -> None:
    """The cursor-paged downloads and the trust list."""

    @app.get("/v1/sessions", response_model=SessionsPage, tags=["downloads"],
             summary="Classes of the device's venue changed since the cursor")
    def sessions(dev: Dev, cursor: CursorQ = None, limit: LimitQ = 1000) -> SessionsPage:
        with engine.begin() as conn:
            return svc.sessions_page(conn, dev.venue_id, cursor, limit, clock())

    @app.get("/v1/registrations", response_model=RegistrationsPage, tags=["downloads"],
             summary="Registrations (masked names) changed or withdrawn since the cursor")
    def registrations(dev: Dev, cursor: CursorQ = None,
                      limit: LimitQ = 1000) -> RegistrationsPage:
        with engine.begin() as conn:
            return svc.registrations_page(conn, dev.venue_id, cursor, limit, clock())

    @app.get("/v1/revocations", response_model=RevocationsPage, tags=["downloads"],
             summary="Revoked pass ids since the cursor")
    def revocations(dev: Dev, cursor: CursorQ = None, limit: LimitQ = 1000) -> RevocationsPage:
        with engine.begin() as conn:
            return svc.revocations_page(conn, cursor, limit, clock())

    @app.get("/v1/trust", response_model=TrustList, tags=["downloads"],
             summary="The full list of pass-signing keys to trust")
    def trust(dev: Dev) -> TrustList:
        from credit_api import keys

        with engine.begin() as conn:
            return TrustList(server_time=clock(), keys=keys.trust_list(conn, clock()))


def _add_upload_routes(app: FastAPI, engine: Engine, clock: Clock) -> None:
    """Record upload and close-out, each in a transaction retried on deadlock."""

    @app.post("/v1/records", response_model=UploadResponse, tags=["uploads"],
              summary="Upload check-in records (≤ 1000): a result per record")
    def upload(body: UploadBatch, dev: Dev) -> UploadResponse:
        results = svc.transaction(engine, lambda conn: svc.ingest(
            conn, body.records, device_id=dev.id, venue_id=dev.venue_id, now=clock()))
        counts = {k: sum(1 for r in results if r.result == k)
                  for k in ("accepted", "duplicate", "rejected")}
        return UploadResponse(server_time=clock(), results=results, **counts)

    @app.post("/v1/closeouts", response_model=CloseoutResponse, tags=["uploads"],
              summary="Close out a class: roster corrections, trainer sign-off, credits")
    def close(body: CloseoutRequest, dev: Dev) -> CloseoutResponse:
        return svc.transaction(engine, lambda conn: svc.closeout(
            conn, body, device_id=dev.id, venue_id=dev.venue_id, now=clock()))


def _add_report_routes(app: FastAPI, engine: Engine, clock: Clock) -> None:
    """What the platform holds: a class's attendance and a parent's ledger."""

    @app.get("/v1/sessions/{session_id}/attendance", response_model=AttendanceReport,
             tags=["downloads"], summary="Attendance the platform holds for a class")
    def attendance(session_id: Annotated[int, Path(ge=1, lt=2**32)], dev: Dev) -> AttendanceReport:
        with engine.begin() as conn:
            return svc.report(conn, session_id, clock(), venue_id=dev.venue_id)

    @app.get("/v1/parents/{parent_id}/ledger", response_model=Ledger, tags=["ledger"],
             summary="A parent's stage, stars and credits per stage (a parent registered at "
             "the device's venue; 404 for any other)")
    def ledger(parent_id: Annotated[int, Path(ge=1, lt=2**32)], dev: Dev) -> Ledger:
        with engine.begin() as conn:
            return svc.ledger(conn, parent_id, clock(), venue_id=dev.venue_id)


def asgi_app(engine: Engine, **kwargs: Any) -> Any:
    """The app wrapped in the body-size limit: what ``serve`` runs."""
    max_body = kwargs.get("max_body", MAX_BODY_BYTES)
    return BodyLimit(create_app(engine, **kwargs), max_body)
