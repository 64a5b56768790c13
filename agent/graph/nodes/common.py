"""Helpers every node uses: the last message, the run's model and retriever, the profile."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage

from agent.coaching.parsing import ProfileField
from agent.coaching.proposals import needs_proposal
from agent.coaching.rated import listed_holding
from agent.graph.context import Context
from agent.graph.state import CoachState
from agent.llm.calls import invoke_bounded
from agent.llm.models import make_chat_model
from tools.errors import ConfigError
from tools.gap import person_skills
from tools.models import Profile, Target
from tools.targets import target_skills

if TYPE_CHECKING:  # imported on first use: with ingest it pulls ftfy and lxml, which no intake turn needs
    from knowledge.retriever import Retriever


def last_human(state: CoachState) -> str:
    for message in reversed(state.get("messages", [])):
        if isinstance(message, HumanMessage):
            return str(message.content)
    return ""


# Bounded: a process that serves many homes (a test run makes one per test) would
# otherwise keep every index's memory-mapped files and chunk database open for good.
@functools.lru_cache(maxsize=4)
def _default_retriever(home: str, embeddings: str) -> Retriever:
    from knowledge.retriever import Retriever

    return Retriever(Path(home), embeddings)


def retriever_for(ctx: Context) -> Retriever:
    """The retriever of this run: the context's own, or the default for its home."""
    return ctx.retriever or _default_retriever(ctx.home, ctx.embeddings)


def model_for(ctx: Context) -> BaseChatModel:
    """The chat model of this run (check `generates(ctx)` first: `local` has none)."""
    model = ctx.chat_model or make_chat_model(ctx.model)
    if model is None:
        raise ConfigError(f"COACH_MODEL={ctx.model} has no generative model; this answer needs one.")
    return model


def generates(ctx: Context) -> bool:
    """Whether this run has a model that may phrase answers: a configured provider or a
    scripted test model. The embedded default answers by quoting and computing only."""
    return ctx.chat_model is not None or ctx.model != "local"


def ask_model(ctx: Context, messages: list[Any]) -> str:
    """The model's answer, capped and under a deadline that also holds while it streams;
    a provider's failure is one clear line (agent.llm.calls)."""
    return str(invoke_bounded(model_for(ctx), messages).content).strip()


def unrated_role_skills(profile: dict[str, Any]) -> list[str]:
    """Short names of Plan A and B skills the person has not rated yet (catalog roles,
    a target's own skills, or the proposal for a position the catalog lacks)."""
    targets = {key: Target.model_validate(profile[key]) for key in ("plan_a", "plan_b")}
    # As the gap engine reads them: a rated skill of a target's own list ('Teaching
    # patients 4') counts by its name, never fuzzily as a catalog skill (it was asked again).
    rated = Profile.model_construct(
        plan_a=targets["plan_a"], plan_b=targets["plan_b"], skills=dict(profile.get("skills") or {})
    )
    names: list[str] = []
    listed = [w.skill.name for target in targets.values() for w in target_skills(target).wants]
    for target in targets.values():
        wants = target_skills(target).wants
        held = person_skills(rated, wants).levels
        for want in wants:
            skill = want.skill
            # A short name that reads back as this skill: 'a/b testing' is another listed
            # skill's (Experimentation at scale (A/B platforms)) when both are asked.
            short = next((a for a in skill.aliases if not listed_holding(a, listed)), skill.name)
            if skill.id not in held and short not in names:
                names.append(short)
    return names


def missing_field(state: CoachState, profile: dict[str, Any]) -> ProfileField | None:
    """The next thing to ask for, or None when the profile is complete."""
    for name in ("current_role", "skills", "hours_per_week", "plan_a", "plan_b"):
        if name == "skills" and (profile.get("skills") or profile.get("skills_skipped")):
            continue
        if not profile.get(name):
            return name
    if needs_proposal(profile):
        return "proposal"  # a position the catalog lacks: its 10 skills are agreed first
    if not state.get("role_skills_asked") and unrated_role_skills(profile):
        return "role_skills"
    return None


def postings_of(runtime: Any) -> list[Any]:
    """The person's job postings (records): through the interface's reader, or, under
    LangGraph Server (which runs the graph without a Coach), from the coach's storage in
    the run's data directory, where `coach postings add` put them."""
    from agent.graph.context import run_user

    read = getattr(runtime.context, "postings", None)
    if read is not None:
        return list(read(run_user(runtime)))
    return stored_postings(Path(runtime.context.home), run_user(runtime))


def stored_postings(home: Path, user_id: str) -> list[Any]:
    """A person's postings in the data directory's storage ([] when it has none yet: a
    read must not create a database)."""
    from agent.storage import database_url, open_storage
    from agent.storage.files import DB_FILE

    url = database_url()
    if url is None and not (home / DB_FILE).is_file():
        return []
    storage = open_storage(home, url)
    try:
        return list(storage.postings.list(user_id))
    finally:
        storage.close()


def profile_of(profile: dict[str, Any]) -> Profile:
    """The validated profile from the state's partial one."""
    fields = {k: v for k, v in profile.items() if k in Profile.model_fields}
    return Profile.model_validate(fields)


# ---- nodes -----------------------------------------------------------------------
