"""http: a web page served on this machine answers — its status and its body.

Only loopback addresses are allowed (127.0.0.0/8, localhost, [::1]): a lab checks a port its
containers publish on this machine, never another host. No proxy is used. Servers take a
moment to start, so the check is retried by default (20 attempts, 0.5 s apart) unless it has
its own `retry`."""

from __future__ import annotations

import ipaddress
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, StrictInt, StrictStr, field_validator

from runner.checks.base import (
    CheckBase,
    CheckContext,
    CheckOutcome,
    Problem,
    TextMatch,
    outcome,
    text_problems,
    unexamined,
)
from runner.lab.types import Retry, key_error
from runner.messages import msg

DEFAULT_RETRY = Retry(attempts=20, delay=0.5)
BODY_LIMIT = 1 << 20
REQUEST_TIMEOUT = 3.0


class HttpCheck(CheckBase, TextMatch):
    """A URL on this machine (127.0.0.1, localhost, [::1]) answers with a status and a body."""

    type: Literal["http"]
    url: StrictStr = Field(description="e.g. http://127.0.0.1:8080/ (loopback only)")
    status: StrictInt = Field(200, description="The HTTP status it must answer with.")

    @field_validator("url")
    @classmethod
    def _loopback_only(cls, url: str) -> str:
        if "{" not in url and not is_loopback_url(url):  # with variables: checked when run
            raise key_error("schema.http_loopback", url=url)
        return url


def is_loopback_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return False  # a user part (`a@127.0.0.1`) is read differently by other parsers
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def evaluate(check: HttpCheck, ctx: CheckContext) -> CheckOutcome:
    url = ctx.text(check.url)
    summary = msg("check.http", url=url, status=check.status)
    if not is_loopback_url(url):
        return outcome(summary, [unexamined(msg("check.http_not_loopback"), "127.0.0.1", url)])
    status, body, error = fetch(url)
    if error is not None:
        return outcome(summary, [Problem(msg("check.http_no_answer"), str(check.status), error)])
    problems = []
    if status != check.status:
        problems.append(Problem(msg("check.http_status"), str(check.status), str(status)))
    problems += text_problems(check, body, ctx, msg("check.word_body"))
    return outcome(summary, problems)


def fetch(url: str) -> tuple[int, str, str | None]:
    """(status, body, None), or (0, "", why) when nothing answered. Never through a proxy;
    a redirect is followed only to this machine (else the 3xx is the answer)."""
    import http.client
    import urllib.error
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _redirect_handler()())
    try:
        with opener.open(url, timeout=REQUEST_TIMEOUT) as response:
            return response.status, _text(response.read(BODY_LIMIT)), None
    except urllib.error.HTTPError as error:  # 404, 500…: an answer all the same
        return error.code, _text(error.read(BODY_LIMIT)), None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        return 0, "", str(getattr(error, "reason", error)) or type(error).__name__


def _redirect_handler() -> type:
    """urllib's redirect handler, refusing to leave this machine (built lazily: urllib is
    imported only when an http check runs)."""
    import urllib.request

    class LoopbackRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req, fp, code, msg, headers, newurl):
            if not is_loopback_url(newurl):
                return None  # urllib then raises HTTPError: the 3xx is the answer
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return LoopbackRedirects


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")
