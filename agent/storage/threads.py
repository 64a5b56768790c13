"""Copying checkpoints between savers of any backend, through LangGraph's saver API
(replays fork a session in a scratch SQLite database, whatever the original runs on)."""

from __future__ import annotations

from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver


def copy_checkpoints(
    src: BaseCheckpointSaver[Any], dst: BaseCheckpointSaver[Any], thread_id: str | None = None
) -> int:
    """Copy one thread's checkpoints (every thread's with None) with their pending
    writes, keeping ids and parents; how many checkpoints were copied."""
    config: RunnableConfig | None = (
        {"configurable": {"thread_id": thread_id}} if thread_id is not None else None
    )
    copied = 0
    for item in reversed(list(src.list(config))):  # oldest first: parents before children
        conf = item.config["configurable"]
        parent = (item.parent_config or {}).get("configurable", {}).get("checkpoint_id")
        target: RunnableConfig = {
            "configurable": {
                "thread_id": conf["thread_id"],
                "checkpoint_ns": conf.get("checkpoint_ns", ""),
                **({"checkpoint_id": parent} if parent else {}),
            }
        }
        # Every channel counts as new, so the target stores every value the checkpoint holds.
        saved = dst.put(target, item.checkpoint, item.metadata, dict(item.checkpoint["channel_versions"]))
        by_task: dict[str, list[tuple[str, Any]]] = {}
        for task_id, channel, value in item.pending_writes or []:
            by_task.setdefault(task_id, []).append((channel, value))
        for task_id, writes in by_task.items():
            dst.put_writes(saved, writes, task_id)
        copied += 1
    return copied
