"""`coach slack --http` as people deploy it: the real command under uvicorn with two workers,
signed requests over real HTTP, a local mock of Slack's Web API. Broken and hostile requests
get a 4xx and change nothing; a good one is answered in its thread."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzzing import fuzz_settings, within
from hypothesis import given
from hypothesis import strategies as st

from agent.interfaces.slack.server import MAX_BODY, MAX_DEPTH, Refused, check_request, json_depth
from evals.slack_mock import MockSlack

SECRET = "server-test-secret"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_listening(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError("the server did not start listening")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, built_index: Path) -> Iterator[tuple[int, MockSlack]]:
    import shutil

    home = tmp_path_factory.mktemp("slack-home")
    shutil.copytree(built_index, home / "index")
    port = _free_port()
    with MockSlack() as mock:
        env = {
            **os.environ,
            "COACH_HOME": str(home),
            "COACH_MODEL": "local",
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": mock.url,
        }
        env.pop("COACH_DATABASE_URL", None)
        coach = Path(sys.executable).parent / "coach"
        proc = subprocess.Popen(
            [str(coach), "slack", "--http", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _wait_listening(port, proc)
            yield port, mock
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _post(port: int, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _signed(body: bytes, stamp: str | None = None) -> dict[str, str]:
    ts = stamp or str(int(time.time()))
    # Slack's v0 HMAC over the raw bytes (the SDK's helper decodes them first, so it cannot
    # sign a body that is not UTF-8).
    digest = hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    signature = f"v0={digest}"
    return {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }


def _mention(text: str, event_id: str, thread_ts: str) -> bytes:
    event = {"type": "app_mention", "user": "U9", "text": text, "ts": thread_ts, "channel": "C9"}
    return json.dumps(
        {"team_id": "T1", "type": "event_callback", "event_id": event_id, "event_time": 1, "event": event}
    ).encode()


@pytest.mark.parametrize(
    ("name", "body", "stamp", "status"),
    [
        ("malformed json", b'{"type": "event_callback", ', None, 400),
        ("not utf-8", b'{"text": "\xff\xfe\xfa"}', None, 400),
        ("deeply nested", b"[" * 100_000 + b"]" * 100_000, None, 400),
        ("nested past the depth", b'{"a":' * (MAX_DEPTH + 5) + b"1" + b"}" * (MAX_DEPTH + 5), None, 400),
        ("non-numeric timestamp", b"{}", "soon", 400),
        ("fractional timestamp", b"{}", "1700000000.5", 400),
        ("oversize body", b'{"x": "' + b"a" * (MAX_BODY + 10) + b'"}', None, 413),
    ],
)
def test_hostile_requests_get_a_4xx(server, name: str, body: bytes, stamp: str | None, status: int) -> None:
    port, _ = server
    got, text = _post(port, body, _signed(body, stamp))
    assert got == status, (name, got, text)
    assert "error" in json.loads(text)


def test_forged_signature_is_refused_and_a_good_mention_is_answered(server) -> None:
    port, mock = server
    body = _mention("<@UBOT> hi, I'm a data analyst", "EvServer1", "500.1")
    forged = {**_signed(body), "X-Slack-Signature": "v0=" + "0" * 64}
    assert _post(port, body, forged)[0] == 401
    assert not [c for c in mock.of("chat.postMessage") if c.args.get("thread_ts") == "500.1"]
    status, _ = _post(port, body, _signed(body))
    assert status == 200

    def placeholders() -> list[object]:
        return [
            c
            for c in mock.of("chat.postMessage")
            if c.args.get("thread_ts") == "500.1" and "thinking" in str(c.args.get("text"))
        ]

    mock.wait(lambda: len(mock.of("chat.update")) >= 1, timeout=60)
    # A retry of the same event (Slack retries when no 2xx arrives in 3 s) is not answered twice,
    # whichever worker receives it; a later message in the thread is. Its answer arriving with
    # only two placeholders posted shows the retry queued nothing.
    assert _post(port, body, {**_signed(body), "X-Slack-Retry-Num": "1"})[0] == 200
    follow = _mention("<@UBOT> 6 hours a week", "EvServer2", "500.1")
    assert _post(port, follow, _signed(follow))[0] == 200
    mock.wait(lambda: len(mock.of("chat.update")) >= 2, timeout=60)
    assert len(placeholders()) == 2


def test_other_paths_and_methods_are_not_served(server) -> None:
    port, _ = server
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10)
    assert info.value.code == 404


def test_json_depth_is_linear_and_ignores_brackets_in_strings() -> None:
    assert json_depth('{"a": "[[[[", "b": [1, {"c": 2}]}') == 3
    assert json_depth("[" * 1_000_000) == 1_000_000


@pytest.mark.fuzz
@fuzz_settings(300)
@given(
    body=st.one_of(st.binary(max_size=4000), st.text(max_size=4000).map(str.encode)),
    stamp=st.text(max_size=20),
    kind=st.sampled_from(["application/json", "application/x-www-form-urlencoded", "text/plain", ""]),
)
def test_any_request_is_checked_quickly_without_crashing(body: bytes, stamp: str, kind: str) -> None:
    with within(0.5):
        try:
            check_request({"x-slack-request-timestamp": stamp, "content-type": kind}, body)
        except Refused as refused:
            assert 400 <= refused.status < 500
