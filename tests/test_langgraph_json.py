"""`langgraph dev` loads the graph langgraph.json names: compiled, with no checkpointer."""

import importlib
import json
from pathlib import Path


def test_langgraph_json_points_at_a_graph_without_checkpointer() -> None:
    spec = json.loads((Path(__file__).parents[1] / "langgraph.json").read_text())
    path, attr = spec["graphs"]["coach"].split(":")
    module = importlib.import_module(path.removeprefix("./").removesuffix(".py").replace("/", "."))
    graph = getattr(module, attr)
    assert graph.checkpointer is None
    assert {"route", "review", "commit"} <= set(graph.get_graph().nodes)
