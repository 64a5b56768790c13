"""The graph's nodes, one module per step; each is a thin wrapper over coaching, tools and knowledge."""

from agent.graph.nodes.answers import after_retrieve, answer, retrieve
from agent.graph.nodes.checkin import checkin
from agent.graph.nodes.intake import after_intake, intake
from agent.graph.nodes.planning import analyze_gaps, draft_plan
from agent.graph.nodes.review import commit, review
from agent.graph.nodes.routing import after_route, route

__all__ = [
    "after_intake",
    "after_retrieve",
    "after_route",
    "analyze_gaps",
    "answer",
    "checkin",
    "commit",
    "draft_plan",
    "intake",
    "retrieve",
    "review",
    "route",
]
