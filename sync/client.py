"""The kiosk's client for the central credit API: one ``requests.Session``, a timeout on every
call, TLS verification on (with an optional CA bundle for government intranets), and every
HTTP outcome classified once: ok / retry / reject / fatal.
"""

from __future__ import annotations

import email.utils
import logging
import time
from datetime import UTC, datetime
from enum import Enum
from typing import Any, TypeVar

import requests
from pydantic import BaseModel, ValidationError

from kiosk import __version__
from sync.protocol import (
    CloseoutRequest,
    CloseoutResponse,
    DeviceInfo,
    EnrolRequest,
    EnrolResponse,
    RegistrationsPage,
    RevocationsPage,
    SessionsPage,
    TrustList,
    UploadBatch,
    UploadResponse,
)

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)


class Disposition(Enum):
    OK = "ok"
    RETRY = "retry"  # timeout, connection error, 5xx, 429: try again later, keep everything
    REJECT = "reject"  # 4xx about this request: park what was sent, with the server's reason
    FATAL = "fatal"  # 401/403: this device is not (or no longer) allowed; stop and say so


class ApiFailure(Exception):
    def __init__(self, disposition: Disposition, message: str, *, status: int | None = None,
                 error: str | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.disposition = disposition
        self.status = status
        self.error = error
        self.retry_after = retry_after


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def classify(response: requests.Response) -> ApiFailure | None:
    """None for a 2xx; otherwise the failure with its disposition and the server's words."""
    status = response.status_code
    if 200 <= status < 300:
        return None
    try:
        body = response.json()
        error, detail = body.get("error"), body.get("detail")
    except ValueError:
        error, detail = None, None
    detail = detail or response.reason or f"HTTP {status}"
    if status in (401, 403):
        return ApiFailure(Disposition.FATAL, detail, status=status, error=error)
    if status == 429:
        return ApiFailure(Disposition.RETRY, detail, status=status, error=error,
                          retry_after=_retry_after(response.headers.get("Retry-After")))
    if status >= 500 or status in (408, 425):
        return ApiFailure(Disposition.RETRY, detail, status=status, error=error,
                          retry_after=_retry_after(response.headers.get("Retry-After")))
    return ApiFailure(Disposition.REJECT, detail, status=status, error=error)


class ApiClient:
    """Typed calls to the credit API.  Not thread-safe: one per sync worker."""

    def __init__(self, base_url: str, token: str | None = None, *,
                 timeout: tuple[float, float] = (5.0, 30.0), ca_bundle: str | None = None,
                 session: requests.Session | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.http = session or requests.Session()
        self.http.verify = ca_bundle or True
        self.http.headers["User-Agent"] = f"starkiosk/{__version__}"
        self.last_offset_ms: int | None = None
        #: Records this kiosk still has to send, reported on every authenticated request
        #: (``X-Starkiosk-Pending``) so the platform's ``devices list`` shows who is behind.
        self.pending: int | None = None

    def close(self) -> None:
        self.http.close()

    def _call(self, method: str, path: str, model: type[M], *, body: BaseModel | None = None,
              params: dict[str, Any] | None = None, auth: bool = True) -> M:
        headers = {}
        if auth:
            if not self.token:
                raise ApiFailure(Disposition.FATAL, "this kiosk is not enrolled")
            headers["Authorization"] = f"Device {self.token}"
            if self.pending is not None:
                headers["X-Starkiosk-Pending"] = str(max(0, self.pending))
        if body is not None:
            headers["Content-Type"] = "application/json"
        data = body.model_dump_json() if body is not None else None
        sent = time.time()
        try:
            response = self.http.request(method, self.base_url + path, data=data, params=params,
                                         headers=headers, timeout=self.timeout)
        except requests.Timeout as exc:
            raise ApiFailure(Disposition.RETRY, "the credit API did not answer in time") from exc
        except requests.exceptions.SSLError as exc:
            raise ApiFailure(Disposition.RETRY, f"secure connection failed: {exc}") from exc
        except requests.ConnectionError as exc:
            raise ApiFailure(Disposition.RETRY, "cannot reach the credit API (offline?)") from exc
        except requests.RequestException as exc:
            raise ApiFailure(Disposition.RETRY, f"network error: {exc}") from exc
        received = time.time()
        failure = classify(response)
        if failure is not None:
            raise failure
        try:
            result = model.model_validate_json(response.content)
        except ValidationError as exc:
            raise ApiFailure(Disposition.RETRY,
                             f"the credit API sent an answer this kiosk does not understand ({exc.error_count()} problems)",
                             status=response.status_code) from exc
        server_time = getattr(result, "server_time", None)
        if server_time is not None:
            midpoint = (sent + received) / 2
            self.last_offset_ms = round((server_time.timestamp() - midpoint) * 1000)
        return result

    # -- endpoints ---------------------------------------------------------------------------

    def enrol(self, code: str, device_name: str, *,
              device_public_key: str | None = None) -> EnrolResponse:
        req = EnrolRequest(code=code, device_name=device_name, device_time=datetime.now(UTC),
                           device_public_key=device_public_key)
        return self._call("POST", "/v1/enrol", EnrolResponse, body=req, auth=False)

    def device(self) -> DeviceInfo:
        return self._call("GET", "/v1/device", DeviceInfo)

    def sessions(self, cursor: str | None, limit: int = 1000) -> SessionsPage:
        return self._call("GET", "/v1/sessions", SessionsPage, params=_page(cursor, limit))

    def registrations(self, cursor: str | None, limit: int = 5000) -> RegistrationsPage:
        return self._call("GET", "/v1/registrations", RegistrationsPage, params=_page(cursor, limit))

    def revocations(self, cursor: str | None, limit: int = 5000) -> RevocationsPage:
        return self._call("GET", "/v1/revocations", RevocationsPage, params=_page(cursor, limit))

    def trust(self) -> TrustList:
        return self._call("GET", "/v1/trust", TrustList)

    def upload(self, batch: UploadBatch) -> UploadResponse:
        return self._call("POST", "/v1/records", UploadResponse, body=batch)

    def closeout(self, req: CloseoutRequest) -> CloseoutResponse:
        return self._call("POST", "/v1/closeouts", CloseoutResponse, body=req)


def _page(cursor: str | None, limit: int) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": limit}
    if cursor:
        params["cursor"] = cursor
    return params


def reachable(url: str, timeout: float = 1.0) -> bool:
    """Is the API's host reachable at all?  A cheap TCP check while backing off, so a network
    that comes back is used at once instead of after the back-off wait."""
    import socket
    from urllib.parse import urlparse

    parts = urlparse(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "localhost", port), timeout=timeout):
            return True
    except OSError:
        return False
