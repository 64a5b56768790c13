"""Whether what a plan quotes is about the person's target: a roadmap passage quoted in
"Why Plan A", a roadmap project placed in a milestone, the catalog's note on an industry.

A plan is read as advice for this person, so a passage about another job ("Mentor a junior
engineer", a Tech Lead's project, quoted for an instructional designer), a project set in
another industry (an e-commerce star schema for a healthcare analyst) or a note written for
ML roles ("privacy and clinical validation weigh as much as model quality", told to a
corporate trainer) is not shown as if it were about them.
"""

from __future__ import annotations

import re
from functools import cache

from tools.catalog import catalog_role, industry, load_catalog
from tools.models import GapReport, SkillLine
from tools.postings import skill_mentions
from tools.proposal import borrowed
from tools.proposal_evidence import origin_of

# Industry aliases that are ordinary words in a roadmap ("a finance team", "a research
# paper", "enterprise software"): they do not set a project in that industry.
_GENERIC = frozenset(
    {
        "tech", "software", "internet", "research", "enterprise", "consulting", "b2b", "university",
        "energy", "industrial", "logistics", "finance", "trading", "health", "government", "gov",
        "startup", "startups", "big tech", "consumer tech", "high-growth tech", "it services",
        "professional services", "enterprise software", "life sciences", "supply chain",
        "financial services", "ai lab", "research lab",
    }
)  # fmt: skip


def _phrase(text: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w+#]){re.escape(text.lower())}(?![\w+#])")


def about_target(report: GapReport, text: str, section: str = "") -> bool:
    """Whether a passage is about the plan's target: it names one of its skills (a catalog
    skill by name or alias, any other by its own name) or the position itself."""
    # Only a skill the target stands on counts: a weak guess ("Math for ML" for a nurse
    # educator, 0.25 close in meaning) would make an AI researcher's passage "about" them.
    chosen = [s for s in report.skills if _chosen(report, s)]
    ids = {s.skill_id for s in chosen}
    if skill_mentions(text) & ids:
        return True
    where = f"{section}\n{text}".lower()
    role = catalog_role(report.target.position)
    names = [report.target.position, *([role.title, *role.aliases] if role else [])]
    custom = [s.name for s in chosen if s.skill_id not in _catalog_ids()]
    return any(_phrase(n).search(where) for n in [*names, *custom] if len(n) >= 3) or any(
        _work(n).search(where) for n in names
    )


# A proposal's row borrowed from a close catalog role: "in ML engineer (0.62): priority 1".
_BORROWED = re.compile(r"\bin [^;,()]+ \(\d\.\d\d\): priority \d")


def _chosen(report: GapReport, line: SkillLine) -> bool:
    """Whether a skill is one the target stands on: a catalog role's own, one the person
    chose or kept as theirs, one their postings ask for, the industry's, or one borrowed
    from a close catalog role; not a guess from how close its name is to the title or
    from being named in a roadmap passage."""
    if not report.custom or (line.evidence is not None and line.evidence.postings > 0):
        return True
    return origin_of(line.source) not in ("weak", "close", "passages") or bool(_BORROWED.search(line.source))


def _work(title: str) -> re.Pattern[str]:
    """A job title as the work it names: its last word's stem ('instructional design' for
    Instructional designer, 'product manag...' for Product manager)."""
    *head, last = title.lower().split() or [""]
    stem = re.sub(r"(?:er|or|ist|ian)$", "", last) if len(last) > 5 else last
    words = [*map(re.escape, head), re.escape(stem) + r"\w*"]
    return re.compile(r"(?<![\w+#])" + r"\s+".join(words))


@cache
def _catalog_ids() -> frozenset[str]:
    return frozenset(s.id for s in load_catalog().skills)


@cache
def _industry_markers() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (ind.id, _phrase(alias))
        for ind in load_catalog().industries
        for alias in {ind.name, *ind.aliases}
        if alias.lower() not in _GENERIC
    )


def set_elsewhere(project: str, industry_name: str) -> bool:
    """Whether a roadmap project is set in another industry than the target's: it names
    one (an 'e-commerce dataset') and not the target's."""
    named = {ind_id for ind_id, pattern in _industry_markers() if pattern.search(project.lower())}
    own = industry(industry_name)
    return bool(named) and (own is None or own.id not in named)


def industry_note_applies(report: GapReport) -> bool:
    """Whether the catalog's industry note (written for the ML and data roles of the catalog)
    is about this target: a catalog role, or a position a catalog role is close enough to
    lend its skills to."""
    if not report.custom:
        return True
    if report.nearest_roles:
        return bool(borrowed(report.nearest_roles))
    from tools.proposal import NEAREST_K
    from tools.similarity import nearest_roles

    return bool(borrowed(nearest_roles(report.target.position, k=NEAREST_K)))


# A time stated in a roadmap: "about 40 hours", "6-9 months at 6-8 hours a week".
_DURATION = re.compile(r"\b\d+(?:\s*(?:-|–|to)\s*\d+)?\s*(?:hours?|hrs?|weeks?|months?)\b", re.I)


def stated_time(text: str, name: str) -> str:
    """The first sentence of a passage that states a time and names the skill (by its name or
    one of its longer words: "Storyline" for Articulate Storyline), or ''."""
    words = [w for w in re.findall(r"[A-Za-z][\w+#]*", name) if len(w) >= 5] or [name]
    for body in _sentences(text):
        if _DURATION.search(body) and any(_phrase(w).search(body.lower()) for w in words):
            return body
    return ""


# A heading that only names a phase and its length ("Phase 2: Deep learning (2-3 months)").
_PHASE = re.compile(r"[^.!?]*\(\s*(?:about\s+)?[\d\s\-–]+(?:to\s+\d+\s*)?(?:weeks?|months?)[^)]*\)\s*", re.I)


def _sentences(text: str) -> list[str]:
    """A passage's sentences and list items, without its headings: a time stated in a
    heading is a phase's length, not a time for a skill or the whole move."""
    out = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            body = sentence.strip(" -*>")
            if body and not _PHASE.fullmatch(body):
                out.append(body)
    return out


_SPAN = re.compile(r"\b\d+(?:\s*(?:-|–|to)\s*\d+)?\s*(?:weeks?|months?)\b", re.I)
_RATE = re.compile(r"\b(?:hours?|hrs?|h)\s*(?:a|per|/|each)\s*week\b|\bh/week\b", re.I)


def stated_total(text: str) -> str:
    """The first sentence of a passage that states how long the whole move takes: a span in
    weeks or months at some hours a week ("6-9 months at 6-8 hours a week"; a phase's
    heading, "Agents (2 months)", is not one), or ''."""
    for body in _sentences(text):
        if _SPAN.search(body) and _RATE.search(body):
            return body
    return ""
