"""The graph for `langgraph dev` (langgraph.json): compiled without a checkpointer,
since the server brings its own persistence."""

from agent.graph.builder import build_graph

graph = build_graph()
