"""The coaching graph, built in one place.

route -> intake -> retrieve -> analyze_gaps -> draft_plan -> review -> commit
      \\-> retrieve -> answer          review --edit--> analyze_gaps
      \\-> checkin --slipped--> retrieve  review --unusable answer or question--> review
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from agent.graph import nodes
from agent.graph.context import Context
from agent.graph.state import CoachState


def build_graph(
    checkpointer: Any = None, store: Any = None, input_schema: Any = None
) -> CompiledStateGraph[CoachState, Context, Any, CoachState]:
    """The compiled coach. Without a checkpointer it is what `langgraph dev` loads (with
    `input_schema=CoachInput`: what a client sends); the REPL, Slack app and tests pass
    a saver and a store."""
    builder = StateGraph(CoachState, context_schema=Context, input_schema=input_schema or CoachState)
    builder.add_node("route", nodes.route)
    builder.add_node("intake", nodes.intake)
    builder.add_node("retrieve", nodes.retrieve)
    builder.add_node("analyze_gaps", nodes.analyze_gaps)
    builder.add_node("draft_plan", nodes.draft_plan)
    builder.add_node("review", nodes.review, destinations=("commit", "analyze_gaps", "review", END))
    builder.add_node("commit", nodes.commit)
    builder.add_node("answer", nodes.answer)
    builder.add_node("checkin", nodes.checkin, destinations=("retrieve", END))
    builder.add_edge(START, "route")
    builder.add_conditional_edges("route", nodes.after_route, ["intake", "retrieve", "checkin"])
    builder.add_conditional_edges("intake", nodes.after_intake, ["retrieve", END])
    builder.add_conditional_edges("retrieve", nodes.after_retrieve, ["answer", "analyze_gaps"])
    builder.add_edge("analyze_gaps", "draft_plan")
    builder.add_edge("draft_plan", "review")
    builder.add_edge("commit", END)
    builder.add_edge("answer", END)
    return builder.compile(checkpointer=checkpointer, store=store, name="career-coach")
