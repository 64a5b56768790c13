"""The graph for LangGraph Server (`langgraph dev`, langgraph.json).

Compiled without a checkpointer or store: the server brings its own persistence, and
`commit` saves approved plans in the server's store under the run's user. Its input
schema is what a client sends (`messages`, and optionally a `profile` in the profile
file's keys); its context names the user (required) and may set the models and data
directory, which otherwise come from COACH_MODEL, COACH_EMBEDDINGS and COACH_HOME.
"""

from agent.graph.builder import build_graph
from agent.graph.state import CoachInput

graph = build_graph(input_schema=CoachInput)
