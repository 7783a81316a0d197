"""Calls to other services: timeouts, forwarded ids and auth, bounded retries, circuit breakers,
and two typed outcomes besides an answer.

`ServiceClient.call` is the one way to call: it returns the parsed JSON of an expected status,
raises `UpstreamRefused` (status, code, reason, details from the contract's envelope) for a 4xx
refusal, and `UpstreamUnavailable` (503 `upstream_unavailable` in the envelope) for everything
else: connection errors, timeouts, 5xx, an open circuit, a body that is not JSON or a status
the caller did not expect. `ServiceClient.request` is the raw layer underneath: it raises
`UpstreamUnavailable` for outages and returns any other answer as it is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pybreaker
import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from common.auth.tokens import service_token
from common.errors.exceptions import UpstreamUnavailable
from common.http.breakers import breakers_forget, circuit_breaker
from common.http.errors import UpstreamRefused
from common.metrics.instruments import UPSTREAM_CALLS
from common.request_id.context import current_request_id
from common.request_id.middleware import REQUEST_ID_HEADER

logger = logging.getLogger("common.http")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


class ServiceClient:
    """A client for one service, by name; its base URL comes from settings.SERVICE_URLS."""

    def __init__(
        self,
        service: str,
        *,
        base_url: str | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float = 0.1,
        breaker: Any = None,
    ):
        self.service = service
        self.base_url = (base_url or settings.SERVICE_URLS[service]).rstrip("/")
        self.timeout = settings.HTTP_CLIENT_TIMEOUT if timeout is None else timeout
        self.breaker = breaker
        retry = Retry(
            total=settings.HTTP_CLIENT_RETRIES if retries is None else retries,
            connect=None,
            read=0,
            status_forcelist=(502, 503, 504),
            allowed_methods=IDEMPOTENT_METHODS,
            backoff_factor=backoff,
            backoff_max=1.0,
            raise_on_status=False,
            respect_retry_after_header=False,
        )
        self.session = requests.Session()
        # Calls go straight to the services: no proxy or netrc lookup in the environment
        # on every call (a quarter of a call's CPU otherwise).
        self.session.trust_env = False
        adapter = HTTPAdapter(max_retries=retry, pool_maxsize=10)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def _headers(self, authorization: str | None, headers: dict[str, str] | None) -> dict:
        merged = {
            "Accept": "application/json",
            "Authorization": authorization or f"Bearer {service_token(audience=self.service)}",
        }
        request_id = current_request_id()
        if request_id:
            merged[REQUEST_ID_HEADER] = request_id
        merged.update(headers or {})
        return merged

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict | None = None,
        headers: dict[str, str] | None = None,
        authorization: str | None = None,
    ) -> requests.Response:
        """Send one call; `authorization` forwards the caller's header, else a SERVICE token."""
        method = method.upper()
        url = f"{self.base_url}{path}"
        send: Callable[[], requests.Response] = lambda: self._send(  # noqa: E731
            method, url, json=json, params=params, headers=self._headers(authorization, headers))
        if self.breaker is None:
            return send()
        try:
            return self.breaker.call(send)
        except pybreaker.CircuitBreakerError as exc:
            self._count("circuit_open")
            raise UpstreamUnavailable(f"circuit open, call not attempted ({exc}).",
                                      service=self.service) from exc

    def call(self, method: str, path: str, *, expect: tuple[int, ...] = (200,), **kwargs) -> Any:
        """Send one call and sort its answer: the parsed JSON for a status in `expect` (None for
        a 204), `UpstreamRefused` for a 4xx error envelope, `UpstreamUnavailable` otherwise."""
        response = self.request(method, path, **kwargs)
        status = response.status_code
        if status in expect:
            if status == 204:
                return None
            try:
                return response.json()
            except ValueError:
                raise UpstreamUnavailable(
                    f"{self.service} answered {status} with a body that is not JSON.",
                    service=self.service) from None
        if 400 <= status < 500:
            try:
                body = response.json()
            except ValueError:
                body = None
            refused = UpstreamRefused.from_body(self.service, status, body)
            if refused is not None:
                raise refused
        raise UpstreamUnavailable(f"{self.service} answered {status} unexpectedly.",
                                  service=self.service)

    def _count(self, outcome: str) -> None:
        UPSTREAM_CALLS.labels(settings.SERVICE_NAME, self.service, outcome).inc()

    def _send(self, method: str, url: str, **kwargs) -> requests.Response:
        try:
            response = self.session.request(
                method, url, timeout=self.timeout, allow_redirects=False, **kwargs)
        except requests.Timeout as exc:
            self._count("timeout")
            logger.warning("call to %s timed out", self.service,
                           extra={"upstream": self.service, "url": url})
            raise UpstreamUnavailable(f"{self.service} did not answer in time.",
                                      service=self.service) from exc
        except requests.RequestException as exc:
            self._count("connection_error")
            logger.warning("call to %s failed: %s", self.service, type(exc).__name__,
                           extra={"upstream": self.service, "url": url})
            raise UpstreamUnavailable(f"{self.service} could not be reached.",
                                      service=self.service) from exc
        if response.status_code >= 500:
            self._count("server_error")
            logger.warning("call to %s answered %s", self.service, response.status_code,
                           extra={"upstream": self.service, "url": url,
                                  "upstream_status": response.status_code})
            raise UpstreamUnavailable(f"{self.service} answered {response.status_code}.",
                                      service=self.service)
        self._count("client_error" if response.status_code >= 400 else "success")
        return response

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.request("DELETE", path, **kwargs)


_clients: dict[tuple[str, bool], ServiceClient] = {}


def service_client(service: str, *, breaker: bool = False) -> ServiceClient:
    """A shared client per target service, reusing its connection pool; `breaker=True` routes
    its calls through the service's circuit breaker (`common.http.breakers`)."""
    client = _clients.get((service, breaker))
    if client is None:
        client = _clients[(service, breaker)] = ServiceClient(
            service, breaker=circuit_breaker(service) if breaker else None)
    return client


def clients_reset() -> None:
    """Forget every shared client and breaker (settings changed, or between tests)."""
    _clients.clear()
    breakers_forget()
