"""Enrolment never sends the one-time code and the device token over plain http:// to another
machine (issue #13, item 10): https, or loopback for the demo, or an explicit ``--insecure``."""

from __future__ import annotations

import io
from contextlib import redirect_stderr

import pytest

from kiosk.cli import main
from kiosk.core.store import Store
from sync import enrolment
from sync.client import ApiFailure
from sync.enrolment import EnrolError


class Reached(Exception):
    """The enrolment got as far as the network."""


class NoNetwork:
    def __init__(self, url: str, **_: object) -> None:
        self.url = url

    def enrol(self, *_: object, **__: object) -> None:
        raise Reached(self.url)


@pytest.fixture
def no_network(monkeypatch):
    monkeypatch.setattr(enrolment, "ApiClient", NoNetwork)


@pytest.mark.parametrize("url", [
    "http://credits.example.gov.cn", "HTTP://credits.example.gov.cn:8080/", "http://10.0.0.5",
    "http://127.0.0.1.evil.cn", "http://localhost.evil.cn", "http://localhost@evil.cn",
    "http://evil.cn#@127.0.0.1", "http://[::ffff:10.0.0.5]:8000",
])
def test_plain_http_to_another_machine_is_refused_before_any_request(tmp_path, no_network, url):
    with Store(tmp_path / "kiosk.db") as store, pytest.raises(EnrolError) as err:
        enrolment.enrol(tmp_path, store, url, "ABCD-EFGH")
    assert err.value.error == "insecure_url" and "https://" in str(err.value)
    assert not (tmp_path / "device.json").exists()


@pytest.mark.parametrize("url", [
    "https://credits.example.gov.cn", "http://127.0.0.1:8000", "http://127.8.9.10",
    "http://localhost:9", "http://LOCALHOST", "http://[::1]:8000",
])
def test_https_and_loopback_go_ahead(tmp_path, no_network, url):
    with Store(tmp_path / "kiosk.db") as store, pytest.raises(Reached):
        enrolment.enrol(tmp_path, store, url, "ABCD-EFGH")


def test_insecure_allows_plain_http_on_purpose(tmp_path, no_network):
    with Store(tmp_path / "kiosk.db") as store, pytest.raises(Reached):
        enrolment.enrol(tmp_path, store, "http://10.0.0.5", "ABCD-EFGH", insecure=True)


def test_the_command_line_refuses_http_and_takes_insecure(tmp_path, monkeypatch):
    class Unreachable(NoNetwork):
        def enrol(self, *_: object, **__: object) -> None:
            raise ApiFailure("retry", f"cannot reach {self.url}", error="network")

    monkeypatch.setattr(enrolment, "ApiClient", Unreachable)

    def enrol(*extra: str) -> tuple[int, str]:
        err = io.StringIO()
        with redirect_stderr(err):
            code = main(["--data-dir", str(tmp_path), "enrol", "http://10.0.0.5", "CODE",
                         *extra], stdin=io.StringIO(""), stdout=io.StringIO())
        return code, err.getvalue()

    code, err = enrol()
    assert code == 2 and "insecure_url" in err and "https://" in err
    code, err = enrol("--insecure")  # on purpose: it goes as far as the network
    assert code == 2 and "(network)" in err and "cannot reach http://10.0.0.5" in err
