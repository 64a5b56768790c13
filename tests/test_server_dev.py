"""A real `langgraph dev` server on a free port, driven with the SDK client and RemoteGraph:
profile in the input, the review interrupt in LangChain's HITL shape, an ambiguous answer
and an invalid decision that leave the review pending, approval, and the plan in the
server's store under the run's user. Offline: the scripted model, the embedded
embeddings with the index copied in, tracing and analytics off."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).parents[1]
LANGGRAPH = Path(sys.executable).parent / "langgraph"
PROFILE = {
    "current_role": "Backend engineer",
    "industry": "fintech",
    "hours_per_week": 8,
    "plan_a": {"position": "GenAI engineer", "industry": "fintech"},
    "plan_b": {"position": "MLOps engineer", "industry": "fintech"},
    "skills": {"Python": 4, "SQL": 3, "Docker": 2},
}
START = {"messages": [{"role": "user", "content": "Draft my plan from this profile."}], "profile": PROFILE}

pytestmark = pytest.mark.skipif(not LANGGRAPH.exists(), reason="langgraph-cli[inmem] is a dev dependency")


_WORK: dict[str, Path] = {}


def server_work(url: str) -> Path:
    """The folder a test server runs in."""
    return _WORK[url]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, built_index: Path) -> Iterator[str]:
    work = tmp_path_factory.mktemp("langgraph-dev")  # the server's own .langgraph_api goes here
    home = work / "home"
    home.mkdir()
    shutil.copytree(built_index, home / "index")
    port = _free_port()
    # The project's langgraph.json with its paths made absolute: the server runs in `work`,
    # where it keeps its own .langgraph_api folder, never in the project.
    spec = json.loads((ROOT / "langgraph.json").read_text())
    spec["dependencies"] = [str(ROOT)]
    spec["graphs"] = {
        name: str(ROOT / target.split(":")[0]) + ":" + target.split(":")[1]
        for name, target in spec["graphs"].items()
    }
    spec.pop("env", None)
    (work / "langgraph.json").write_text(json.dumps(spec))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LANGSMITH_", "LANGCHAIN_", "LANGFUSE_", "OPENAI_", "LANGGRAPH_"))
    }
    env |= {
        "COACH_HOME": str(home),
        "COACH_MODEL": "fake",
        "COACH_EMBEDDINGS": "local",
        "LANGSMITH_TRACING": "false",
        "LANGCHAIN_TRACING_V2": "false",
        "LANGGRAPH_CLI_NO_ANALYTICS": "1",
    }
    log = (work / "server.log").open("w")
    proc = subprocess.Popen(
        [
            str(LANGGRAPH),
            "dev",
            "--no-browser",
            "--no-reload",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--config",
            str(work / "langgraph.json"),
        ],
        cwd=work,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: killed whole at the end
    )
    url = f"http://127.0.0.1:{port}"
    _WORK[url] = work
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail("langgraph dev exited:\n" + (work / "server.log").read_text()[-3000:])
            try:
                if httpx.get(url + "/ok", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("langgraph dev did not start:\n" + (work / "server.log").read_text()[-3000:])
        yield url
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
                proc.wait(timeout=20)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
        log.close()


def _review(client: Any, thread_id: str) -> dict[str, Any] | None:
    state = client.threads.get_state(thread_id)
    values = [i["value"] for task in state["tasks"] for i in task.get("interrupts", [])]
    return values[0] if values else None


def _last_ai(state_or_result: dict[str, Any]) -> str:
    messages = state_or_result.get("values", state_or_result).get("messages", [])
    return next(m["content"] for m in reversed(messages) if m["type"] == "ai")


def test_a_whole_session_through_the_sdk(server: str) -> None:
    from langgraph_sdk import get_sync_client

    client = get_sync_client(url=server)
    assistant = client.assistants.search(graph_id="coach")[0]["assistant_id"]
    schemas = client.assistants.get_schemas(assistant)
    assert set(schemas["input_schema"]["properties"]) == {"messages", "profile"}
    assert "user_id" in schemas["context_schema"]["properties"]

    thread = client.threads.create()["thread_id"]
    client.runs.wait(thread, "coach", input=START, context={"user_id": "ana"})
    if _review(client, thread) is None:  # asked to rate the target roles' skills first
        ask = {"messages": [{"role": "user", "content": "skip"}]}
        client.runs.wait(thread, "coach", input=ask, context={"user_id": "ana"})
    review = _review(client, thread)
    assert review is not None, _last_ai(client.threads.get_state(thread))
    (request,) = review["action_requests"]
    assert request["name"] == "save_plan" and request["args"]["plan"]["profile"]["hours_per_week"] == 8
    assert review["review_configs"][0]["allowed_decisions"] == ["approve", "edit", "reject"]
    draft = request["args"]["draft_id"]
    # COACH_MODEL and COACH_HOME came from the server's environment: the scripted model wrote
    # the note, and the index was read from COACH_HOME (none was built in the working folder).
    assert request["args"]["plan"]["coach_note"] == "(scripted reply)"
    assert not (Path(server_work(server)) / "index").exists() and not (ROOT / "index").exists()

    # An ambiguous answer and an unusable decision: the review stays pending, the thread is not in error.
    client.runs.wait(
        thread, "coach", command={"resume": "a bit fewer hours please"}, context={"user_id": "ana"}
    )
    pending = _review(client, thread)
    assert pending is not None and pending["action_requests"][0]["args"]["draft_id"] == draft
    assert "hours a week" in pending["notice"]
    client.runs.wait(
        thread, "coach", command={"resume": {"decisions": [{"type": "maybe"}]}}, context={"user_id": "ana"}
    )
    pending = _review(client, thread)
    assert pending is not None and "decision" in pending["notice"]
    assert client.threads.get(thread)["status"] == "interrupted"
    assert client.store.search_items(("plans", "ana"))["items"] == []

    # An edit through the HITL shape, then approval.
    edit = {
        "type": "edit",
        "edited_action": {"name": "save_plan", "args": {"changes": {"hours_per_week": 12}}},
    }
    client.runs.wait(thread, "coach", command={"resume": {"decisions": [edit]}}, context={"user_id": "ana"})
    edited = _review(client, thread)
    assert (
        edited is not None and edited["action_requests"][0]["args"]["plan"]["profile"]["hours_per_week"] == 12
    )
    done = client.runs.wait(
        thread, "coach", command={"resume": {"decisions": [{"type": "approve"}]}}, context={"user_id": "ana"}
    )
    assert "Plan saved as version 1" in _last_ai(done)
    items = client.store.search_items(("plans", "ana"))["items"]
    assert [i["value"]["draft_id"] for i in items] == [edited["action_requests"][0]["args"]["draft_id"]]
    assert client.store.search_items(("plans", "local"))["items"] == []


def test_a_run_without_a_user_is_refused(server: str) -> None:
    from langgraph_sdk import get_sync_client

    client = get_sync_client(url=server)
    thread = client.threads.create()["thread_id"]
    with pytest.raises(Exception, match="user_id"):
        client.runs.wait(thread, "coach", input=START)
    assert client.store.search_items(("plans", "local"))["items"] == []


def test_remote_graph_session(server: str) -> None:
    from langgraph.pregel.remote import RemoteGraph
    from langgraph.types import Command
    from langgraph_sdk import get_sync_client

    remote = RemoteGraph("coach", url=server)
    thread = get_sync_client(url=server).threads.create()["thread_id"]
    config = {"configurable": {"thread_id": thread}}
    remote.invoke(START, config, context={"user_id": "bob"})
    if not remote.get_state(config).tasks:
        remote.invoke({"messages": [{"role": "user", "content": "skip"}]}, config, context={"user_id": "bob"})
    state = remote.get_state(config)
    (intr,) = [i for task in state.tasks for i in task.interrupts]
    assert intr.value["action_requests"][0]["name"] == "save_plan"
    out = remote.invoke(Command(resume="looks good, save it"), config, context={"user_id": "bob"})
    assert "Plan saved as version 1" in out["messages"][-1]["content"]
    items = get_sync_client(url=server).store.search_items(("plans", "bob"))["items"]
    assert len(items) == 1


def test_a_server_run_counts_the_persons_postings(server: str) -> None:
    """`coach postings add` writes the person's postings into the data directory; a run on
    LangGraph Server (no Coach in between) reads them there for that person alone."""
    from langgraph_sdk import get_sync_client

    postings = ROOT / "evals" / "data" / "postings" / "ai_product_manager.md"
    home = server_work(server) / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACH_")} | {"COACH_HOME": str(home)}
    coach = str(Path(sys.executable).with_name("coach"))
    added = subprocess.run(
        [coach, "postings", "add", str(postings), "--role", "AI product manager", "--user", "bea"],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    client = get_sync_client(url=server)
    custom = {**PROFILE, "plan_a": {"position": "AI product manager", "industry": "fintech"}}
    start = {"messages": START["messages"], "profile": custom}
    evidence = {}
    for user in ("bea", "cid"):
        thread = client.threads.create()["thread_id"]
        client.runs.wait(thread, "coach", input=start, context={"user_id": user})
        review = _review(client, thread)
        assert review is not None, _last_ai(client.threads.get_state(thread))
        skills = review["action_requests"][0]["args"]["plan"]["a"]["report"]["skills"]
        evidence[user] = [s["evidence"] for s in skills if s.get("evidence")]
    assert evidence["bea"] and all(e["of"] > 1 for e in evidence["bea"]), evidence
    assert evidence["cid"] == [], "another person's postings are not theirs"
