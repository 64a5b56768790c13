"""The graph's shape is kept as a mermaid snapshot, so a change of shape shows in review.
Regenerate with UPDATE_SNAPSHOTS=1 pytest tests/test_graph_snapshot.py."""

import os
from pathlib import Path

from agent.graph.builder import build_graph

SNAPSHOT = Path(__file__).parent / "snapshots" / "graph.mmd"


def test_graph_drawing_matches_snapshot() -> None:
    drawing = build_graph().get_graph().draw_mermaid()
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(drawing)
    assert drawing == SNAPSHOT.read_text()
