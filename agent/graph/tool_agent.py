"""A small tool-calling agent for questions, with a capable model: the coach's own tools
(the gap report, a what-if on hours, horizon or targets, roadmap search, the saved plan),
at most MAX_CALLS tool calls a turn.

Each call runs through `call_tool`, so it is traced and recorded for replay like the
nodes' own calls. The person's identity and data reach the tools through the closures
built here, never through the model: the schemas the model sees have no user or store.
The final answer keeps only sentences whose figures the tools returned (the claim check).
On the embedded default none of this runs: the router picks the same tools itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field

from agent.coaching.claims import check_numbers
from agent.graph.toolcalls import call_tool
from agent.llm.calls import invoke_bounded
from tools.gap import gap_report
from tools.models import GapReport, Profile

if TYPE_CHECKING:  # a type only: the retriever module loads with the first retrieval
    from knowledge.retriever import Retriever

MAX_CALLS = 6
SYSTEM = (
    "You are a career coach answering a question about the person's plan or career roadmaps. "
    "Use the tools to look figures and passages up; never state a number a tool did not give you. "
    "Cite roadmap passages as [source > section]. Answer in at most 4 sentences."
)


class PlanArg(BaseModel):
    plan: Literal["a", "b"] = Field(default="a", description="Plan A or Plan B")


class WhatIfArgs(BaseModel):
    plan: Literal["a", "b"] = Field(default="a", description="Plan A or Plan B")
    hours_per_week: float | None = Field(default=None, gt=0, le=80, description="study hours a week to try")
    horizon_months: int | None = Field(default=None, ge=1, le=36, description="months to try")
    targets: dict[str, int] = Field(default_factory=dict, description="skill name -> target level 0-5 to try")


class SearchArgs(BaseModel):
    query: str = Field(max_length=300, description="what to look for in the roadmaps")


@dataclass(frozen=True)
class Answered:
    """The agent's answer, how many tool calls it made, and sentences the check dropped."""

    text: str
    calls: int
    dropped: list[str]


def _summary(report: GapReport) -> dict[str, Any]:
    return {
        "target": report.target.label(),
        "total_hours": report.total_hours,
        "total_weeks": report.total_weeks,
        "horizon_weeks": report.horizon_weeks,
        "hours_per_week": report.hours_per_week,
        "attainable": report.attainable,
        "hours_per_week_needed": report.hours_per_week_needed,
        "skills": [
            {
                "name": s.name,
                "priority": s.priority,
                "current": s.current,
                "target": s.target,
                "hours": s.hours,
            }
            for s in report.skills
        ],
    }


def make_tools(
    profile: Profile | None,
    reports: dict[str, GapReport],
    retriever: Retriever,
    saved_plan: Callable[[], dict[str, Any] | None],
) -> list[StructuredTool]:
    """The tools, bound to this person's data (nothing about them is a model argument)."""

    def report_tool(plan: str = "a") -> dict[str, Any]:
        if plan not in reports:
            return {"error": "no plan has been drafted yet"}
        return _summary(reports[plan])

    def what_if(
        plan: str = "a",
        hours_per_week: float | None = None,
        horizon_months: int | None = None,
        targets: dict[str, int] | None = None,
    ) -> dict[str, Any]:
        if profile is None:
            return {"error": "the profile is not complete yet"}
        changed = profile.model_copy(
            update={
                k: v
                for k, v in (("hours_per_week", hours_per_week), ("horizon_months", horizon_months))
                if v is not None
            }
        )
        target = changed.plan_a if plan == "a" else changed.plan_b
        return _summary(gap_report(changed, target, target_overrides=targets or None))

    def search(query: str) -> list[dict[str, Any]]:
        return [
            {"source": h.chunk.source, "section": h.chunk.section, "text": h.chunk.text[:600]}
            for h in retriever.relevant(query, k=3)
        ]

    def saved() -> dict[str, Any]:
        return saved_plan() or {"error": "no saved plan yet"}

    return [
        StructuredTool.from_function(
            report_tool,
            name="gap_report",
            description="The skill-gap report of Plan A or B.",
            args_schema=PlanArg,
        ),
        StructuredTool.from_function(
            what_if,
            name="what_if",
            description="The gap report recomputed with other hours a week, horizon or target levels.",
            args_schema=WhatIfArgs,
        ),
        StructuredTool.from_function(
            search,
            name="search_roadmaps",
            description="Passages from the career roadmaps.",
            args_schema=SearchArgs,
        ),
        StructuredTool.from_function(saved, name="saved_plan", description="The person's latest saved plan."),
    ]


def run_agent(model: BaseChatModel, question: str, tools: list[StructuredTool]) -> Answered:
    """Answer with at most MAX_CALLS tool calls; a model that asks for more gets none and
    must answer from what it has."""
    by_name = {t.name: t for t in tools}
    bound = model.bind_tools(tools)
    messages: list[BaseMessage] = [SystemMessage(SYSTEM), HumanMessage(question)]
    results: list[str] = [question]
    calls = 0
    for _ in range(MAX_CALLS + 2):  # one round per call, one refused round, one to answer
        # Past the last allowed call the model is asked without tools: it must answer now.
        reply = invoke_bounded(cast(BaseChatModel, bound) if calls < MAX_CALLS else model, messages)
        wanted = reply.tool_calls if isinstance(reply, AIMessage) else []
        if not wanted:
            checked = check_numbers(str(reply.content), results)
            return Answered(checked.text, calls, checked.dropped)
        messages.append(reply)
        for call in wanted:
            if calls >= MAX_CALLS or call["name"] not in by_name:
                output: Any = {"error": f"no more tool calls this turn (at most {MAX_CALLS})"}
                if call["name"] not in by_name:
                    output = {"error": f"there is no tool called {call['name'][:40]}"}
            else:
                calls += 1
                tool = by_name[call["name"]]
                schema = tool.args_schema
                try:
                    args = (
                        schema.model_validate(call["args"]).model_dump()
                        if isinstance(schema, type) and issubclass(schema, BaseModel)
                        else {}
                    )
                    output = call_tool(call["name"], tool.func or (lambda **_: None), **args)
                except Exception as exc:  # a bad argument is the model's to fix, not the turn's end
                    output = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
            text = json.dumps(output, default=str)[:4000]
            results.append(text)
            messages.append(ToolMessage(text, tool_call_id=call["id"]))
    return Answered(
        f"I could not finish that within {MAX_CALLS} look-ups; ask it in smaller parts.", calls, []
    )
