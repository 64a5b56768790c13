"""Roles and targets as people write them.

"I've been a data analyst", "Senior data analyst here", "my title is Staff engineer";
"Plan A: GenAI engineer in edtech, building AI tutors for schools. If that doesn't
work out, data engineer in education" -> Plan A GenAI engineer in edtech, Plan B
Data engineer in education. Every pattern is linear (bounded quantifiers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from agent.coaching.matching import (
    POSITION_WORD,
    Resolved,
    contained_industries,
    practitioner,
    read_as_another_job,
    resolve_industry,
    resolve_role,
    spelling_fix,
    unknown_role_reply,
)

MAX_ROLE = 60
MAX_INDUSTRY = 40
_ROLE_NOUNS = re.compile(
    r"\b(?:engineer|eng|developer|dev|analyst|scientist|manager|designer|lead|architect|consultant|researcher|"
    r"student|grad|graduate|intern|teacher|tutor|administrator|admin|specialist|director|officer|owner|"
    r"advocate|writer|tester|qa|sre|devops|programmer|coder|founder|cto|ceo|vp|head|nurse|doctor|"
    r"accountant|economist|physicist|statistician|technician|marketer|associate|coordinator|professor|"
    r"lecturer|phd|postdoc|freelancer|contractor|strategist|operator|support|recruiter|lawyer|"
    r"journalist|editor|sales|banker|trader|actuary|chemist|biologist|mathematician|pm|po|"
    r"librarian|pharmacist|secretary|assistant|clerk|teller|agent|representative|executive|partner|"
    r"trainer|instructor|coach|educator|facilitator|counsell?or|therapist|planner|producer)s?\b",
    re.I,
)
_ROLE_INTRO = re.compile(
    r"\b(?:change my (?:current )?(?:role|title|job) to|my (?:role|title|job) is now|i'?m now an?|"
    r"i work(?:\s{1,3}in\s{1,3}[A-Za-z-]{1,30})?\s{1,3}as|i'?m working as|working as|i'?ve been|i have been|at the moment i'?m|i'?m|i am|im|i was|"
    r"currently|my (?:current )?(?:role|job|title|position) is|"
    r"(?:current )?(?:role|title|position|job)\s{0,2}[:=-])\s{1,3}(?:(?:currently|now|still)\s{1,3})?"
    r"(?:(?:working|employed)\s{1,3}as\s{1,3})?"
    r"(?:[A-Za-z]{2,20},\s{1,3}(?=an?\s))?"  # "I'm Jess, a mechanical engineer": a name first
    r"(?:an?\s{1,3}|the\s{1,3})?(?P<role>[A-Za-z][\w/+&.'-]{0,30}(?:\s{1,3}[A-Za-z][\w/+&.'-]{0,30}){0,6})",
    re.I,
)
_LEADING = re.compile(
    r"^\s{0,3}(?:(?:hi|hey|hello|yo|hiya|heya|sup|morning)[,!.\s]{1,3})?(?P<role>(?:[A-Za-z][\w/+&.'-]{0,30}\s{1,3}){0,4}?"
    r"(?:engineer|eng|developer|dev|analyst|scientist|manager|designer|lead|architect|consultant|researcher|"
    r"teacher|statistician|administrator|specialist|sre|devops|nurse|therapist|pharmacist|technician|trainer)s?)(?=\s{0,3}(?:$|[,;.(@]|\s(?:at|in|with|for)\b))",
    re.I,
)
_HERE = re.compile(
    r"^\s{0,3}(?:hi|hey|hello|yo|hiya|heya|sup|morning)?[,!.\s]{0,3}(?P<role>(?:\d{1,2}(?:st|nd|rd|th)\s{1,3})?[A-Za-z][\w/+&.'-]{0,30}"
    r"(?:\s{1,3}[A-Za-z][\w/+&.'-]{0,30}){0,5})\s{1,3}here\b",
    re.I,
)
# Where a role phrase ends: the words that start what comes after it.
ROLE_STOP = re.compile(
    r"\s(?:in|at|with|for|from|who|and|but|since|working|looking|trying|hoping|wanting|doing|on|"
    r"by|currently|now|today|right|mostly|mainly|also|so|because|that|which|where|while|over|like|for|until|"
    r"i|i'?m|my|to|into|at|a|an)\b.*$",
    re.I,
)
_NOT_ROLE = re.compile(
    r"^(?:back|here|new|ready|fine|good|ok|okay|sure|looking|trying|interested|excited|happy|hoping|going|"
    r"stuck|confused|done|not|still|just|also|so|very|really|thinking|wondering|curious|planning|"
    r"learning|studying|glad|sorry|afraid|able|about|aiming|keen|eager|open|free|available|busy|tired|"
    r"bit|little|rusty|pretty|quite|kind|sort|more|less|bad|great|decent|better|worse|alright)\b",
    re.I,
)
_INDUSTRY = re.compile(
    r"\b(?:in|at|within|inside|for)\s{1,3}(?:the\s{1,3}|a\s{1,3}|an\s{1,3})?"
    r"(?P<ind>[A-Za-z][\w&/.-]{0,30}(?:\s{1,3}[A-Za-z][\w&/.-]{0,30}){0,3}?)"
    r"(?P<suffix>\s{1,3}(?:industry|sector|space|domain|field|companies|company|startups?|firms?|world))?"
    r"(?=\s{0,3}(?:$|[,.;:!?)\n]|[^\w\s(]|\s(?:as|with|and|but|for|building|doing|working|where|because|so|since|"
    r"at|on|who|which|that|while|i|my|now|currently|right|then)\b))",
    re.I,
)
_BRACKETED = re.compile(r"\((?P<ind>[A-Za-z][\w&/.-]{1,30}(?:\s{1,3}[\w&/.-]{1,30}){0,2})\)")
_TRAILING = re.compile(
    r",\s{0,3}(?P<ind>[A-Za-z][\w&/.-]{1,30}(?:\s{1,3}[\w&/.-]{1,30}){0,2})\s{0,3}[.!]?\s{0,3}$"
)
_SAME_TAIL = re.compile(
    r"\s{1,3}(?:the\s{1,3})?same(?:\s{1,3}(?:place|industry|field|sector|space|domain|area|company|one))?\s{0,3}$",
    re.I,
)
_TARGET_SPLIT = re.compile(
    r"\s{1,3}(?:in|at|within|inside|into|for|@)\s{1,3}(?:the\s{1,3}|a\s{1,3}|an\s{1,3})?|\s{1,3}/\s{1,3}",
    re.I,
)
_GOAL_LEAD = re.compile(
    r"^(?:(?:i\s{1,3}|i'?d\s{1,3}|id\s{1,3})?(?:would|'d|d)?\s{0,3}(?:really\s{1,3}|just\s{1,3})?"
    r"(?:want|wanna|like|love|hope|plan|aim|need)"
    r"\s{1,3}(?:to\s{1,3})?"
    r"|(?:make|change|switch|set)\s{1,3}(?:it|that|this|them)\s{1,3}(?:to\s{1,3}|into\s{1,3})?|to\s{1,3}|ideally\s{1,3}|(?:ok|okay|fine|alright|then|so|well)[,.!]{0,2}\s{1,3}|probably\s{1,3}|maybe\s{1,3}|just\s{1,3}|simply\s{1,3}|actually\s{1,3}|something like\s{1,3}|i'?d say\s{1,3}"
    r"|is\s{1,3}|would be\s{1,3}|will be\s{1,3}|should be\s{1,3}|could be\s{1,3}|be\s{1,3}|become\s{1,3}|becoming\s{1,3}|an?\s{1,3}|the\s{1,3}"
    r"|move\s{1,3}(?:in)?to\s{1,3}|get\s{1,3}into\s{1,3}|switch\s{1,3}(?:in)?to\s{1,3}|work\s{1,3}as\s{1,3}"
    r"|transition\s{1,3}(?:in)?to\s{1,3}|go\s{1,3}for\s{1,3}|land\s{1,3}(?:a\s{1,3})?(?:job|role)\s{1,3}as\s{1,3}"
    r"|(?:hmm+|um+|uh+|erm|oh|yeah|like|i\s{1,3}(?:think|guess))[,.!]{0,3}\s{1,3}"
    r"|[:=-]\s{0,3})",
    re.I,
)
PLAN_MARK = re.compile(
    r"\b(?:my\s{1,3})?plan\s{0,2}(?P<which>[ab12])\b\s{0,3}(?:is|would be|will be|=|:|-)?\s{0,3}", re.I
)
FALLBACK = re.compile(
    r"\b(?:if (?:that|it|this|plan a) (?:doesn'?t|does not|won'?t|fails?|falls? through|isn'?t possible)"
    r"(?:\s{1,3}(?:work|pan)(?:\s{1,3}out)?)?"
    r"|if (?:that'?s|that is|it'?s|it is) (?:too (?:much|hard|far|ambitious|big a (?:jump|step)|unrealistic)|"
    r"not (?:realistic|possible|doable|feasible))(?:\s{1,3}then)?(?:\s{1,3}(?:maybe|perhaps))?"
    r"|if not(?:\s{1,3}then)?|otherwise|failing that|as a (?:backup|fallback|plan b)"
    r"|(?:my\s{1,3})?(?:backup|fallback)(?:\s{1,3}(?:plan|option))?(?:\s{1,3}(?:is|would be))?|or else"
    r"|second choice(?:\s{1,3}(?:is|would be))?)\b[\s,:]{0,4}",
    re.I,
)
GOAL = re.compile(
    r"\b(?:i\s{0,3}(?:want|wanna|would like|'?d like|'?d love|would love|hope|plan|aim)\s{1,3}(?:to\s{1,3})?"
    r"(?:become|be|move into|get into|switch to|transition (?:in)?to|work as|land a role as)"
    r"|(?<![\w'])want(?:ing)?\s{1,3}to\s{1,3}(?:become|be|move into|get into|switch to|work as)"
    r"|i'?m aiming (?:for|at)|aiming for|my goal is(?: to become| to be)?|hoping to (?:become|be|move into)"
    r"|looking to (?:become|move into|get into)|my dream (?:job|role) is|my target (?:role )?is"
    r"|(?P<bare>(?<![\w'])(?:i\s{1,3})?(?:want|wanna)(?!\s{1,3}to\b)(?:\s{1,3}(?:an?|the))?))\s{1,3}",
    re.I,
)


_ASKING = re.compile(
    r"^\s{0,3}(?:what|how|why|which|when|where|who|should|can|could|do|does|is|are|will|would|"
    r"tell me|explain)\b",
    re.I,
)


@dataclass
class TargetRead:
    """A Plan A or B answer: the target, a name to confirm, or one problem to say."""

    target: dict[str, str] | None = None
    confirm: str | None = None  # the catalog title to ask about ("Did you mean ...?")
    said: str = ""
    industry: str = ""
    problem: str | None = None
    note: str = ""  # how a word was read ("SaaS: read as the catalog's high-growth tech")


def names_a_job(text: str) -> bool:
    """Whether a phrase holds a job word anywhere ('not sure.. maybe data scientist')."""
    return bool(_ROLE_NOUNS.search(text))


def looks_like_title(text: str) -> bool:
    """Whether a phrase names a job ('solutions architect'), not just anything."""
    return bool(_ROLE_NOUNS.search(text)) and len(text) <= MAX_ROLE


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def find_role(text: str, answering: bool, opening: bool = False) -> tuple[str | None, tuple[int, int] | None]:
    """The person's current role, seniority kept: 'I've been a senior data analyst'.
    `opening`: the message may start with the role itself ('backend engineer at a bank,
    python 4'). Returns the role and the span it was read from."""
    patterns = (_HERE, _ROLE_INTRO, _LEADING) if opening else (_HERE, _ROLE_INTRO)
    for pattern in patterns:
        for m in pattern.finditer(text):
            # A sentence ends the role ("a BI developer. power bi 4"); "sr. ML engineer" does not.
            first = re.split(r"(?<!\bsr)(?<!\bjr)(?<!\bsnr)\.(?=\s|$)", m.group("role"), flags=re.I)[0]
            raw = ROLE_STOP.sub("", " " + first)[1:]
            role = raw.strip(" .,'-")
            if not role or _NOT_ROLE.match(role):
                continue
            if answering or _ROLE_NOUNS.search(role):
                end = m.end() if pattern is _HERE else m.start("role") + len(raw)
                return _cap(role), (m.start(), end)
    return None, None


def find_industry(text: str) -> tuple[str | None, re.Match[str] | None]:
    """The person's own industry: a catalog industry ('at a bank' -> fintech), or one
    named as an industry ('in the edtech space'), kept as written."""
    # "mechanical engineer (automotive)", "mech engineer, automotive": a catalog industry alone
    for m in [*_BRACKETED.finditer(text), *_TRAILING.finditer(text, max(0, len(text) - 80))]:
        found = resolve_industry(m.group("ind"))
        if found.how == "exact":
            return found.name, m
    for m in _INDUSTRY.finditer(text):
        said = m.group("ind").strip()
        for candidate in (said, _clean_industry(said)):
            found = resolve_industry(candidate)
            if found.how == "exact":
                return found.name, m
        # "at an online retailer": the business is named by what it does (retail).
        stem = re.sub(r"(?<=\w{4})ers?$", "", _clean_industry(said))
        within = contained_industries(stem) if len(stem.split()) <= 3 else []
        if len(within) == 1:
            return within[0], m
        if m.group("suffix") and len(said) <= MAX_INDUSTRY:
            return said, m
    return None, None


_ADJECTIVES = re.compile(
    r"^(?:(?:the|a|an|some|big|large|small|huge|tiny|major|leading|local|global|top|good|great|"
    r"well-known|known|mid-sized|midsize|fast-growing|growing|bigger|smaller)\s{1,3}){1,3}",
    re.I,
)
_NOT_INDUSTRY = re.compile(
    r"\b(?:i|i'?m|im|not|sure|maybe|if|you|we|it|that|this|because|so|building|doing|working|think)\b", re.I
)
_SAME = re.compile(
    r"^(?:the\s{1,3})?same(?:\s{1,3}(?:one|industry|field|sector|space|domain|area))?$|^(?:there|here)$", re.I
)
_POSITION_END = re.compile(
    r"\s{1,3}(?:working|building|doing|focused|focusing|specializing|specialising|who|that|which)\b.*$", re.I
)


_HEDGE_TAIL = re.compile(
    r"(?:\s{1,3}(?:i\s{1,3}guess|i\s{1,3}think|i\s{1,3}suppose|maybe|probably|perhaps|then|lol|haha|ideally|tbh|honestly|imo|"
    r"or\s{1,3}so|or\s{1,3}something|i'?d\s{1,3}say|too|as\s{1,3}well|also)){1,3}$",
    re.I,
)


def _clean_industry(text: str) -> str:
    # "agritech i guess" names agritech: a hedge is not part of the industry's name.
    text = _HEDGE_TAIL.sub("", text.strip(" .,;:-!?"))
    text = _ADJECTIVES.sub("", text.strip(" .,;:-"))
    return re.sub(
        r"\s{1,3}(?:industry|sector|space|domain|field|companies|company|startups?|firms?|world|lab|labs)$",
        "",
        text,
        flags=re.I,
    ).strip()


# "or actually no - MLOps engineer": a target taken back and replaced in the same breath.
_SELF_FIX = re.compile(
    r"[,;.]?\s{0,3}\b(?:or\s{1,3})?(?:actually(?:,?\s{1,3}no)?|no\s{1,3}wait|wait,?\s{1,3}no|i\s{1,3}mean|"
    r"scratch that|make (?:that|it))\b[\s,:;!.-]{1,5}(?=\S)",
    re.I,
)


def as_position(text: str) -> str | None:
    """A position a person named that the catalog lacks ('corporate trainer', 'astronaut',
    'instructional design' -> 'instructional designer'), or None for words that name no
    job ('something with data'). Only asked where a target is expected."""
    words = text.split()
    if not 1 <= len(words) <= 5 or not all(POSITION_WORD.fullmatch(w) for w in words):
        return None
    if _NOT_INDUSTRY.search(text) or _NOT_ROLE.match(text) or _ROLE_NOUNS.search(text):
        return text if _ROLE_NOUNS.search(text) else None
    return practitioner(words)


def industry_name(said: str, default: str | None) -> str:
    """The catalog name for an industry phrase, else the phrase as written."""
    if _SAME.match(said):
        return default or ""
    for candidate in (said, _clean_industry(said)):
        found = resolve_industry(candidate)
        if found.how == "exact":
            return found.name
    cleaned = _clean_industry(said)
    contained = contained_industries(cleaned) if len(cleaned.split()) <= 3 else []
    return contained[0] if len(contained) == 1 else cleaned


def read_target(text: str, default_industry: str | None, which: str) -> TargetRead:
    """'GenAI engineer in edtech, building AI tutors for schools' -> GenAI engineer in edtech.

    The position is what comes before 'in/at/for ...'; the industry the words after it,
    up to the end of the clause. A long description is not an industry: it is refused
    in one line naming the field, and nothing is set.
    """
    text = text.strip().lstrip(",;:- ")
    if "?" in text:
        # "can you not do roles that aren't on that list??" asks; it names no target. A "?"
        # after a title is a hedge: "maybe data scientist? in ecommerce i guess".
        parts = [p for p in re.split(r"(?<=[?.!])\s{0,3}", text) if p.strip(" ?.!")]
        if not parts or any(_ASKING.match(p) for p in parts) or not _ROLE_NOUNS.search(text):
            return TargetRead()
        text = text.replace("?", " ")
    # "ugh ok fine. genai engineer in edtech then": the target is the last sentence's words.
    if re.search(r"[.!]\s", text):
        sentences = [p for p in re.split(r"(?<=[.!])\s{1,3}(?=\S)", text.strip()) if p.strip(" .!")]
        named = [
            p for p in sentences if _ROLE_NOUNS.search(p) or resolve_role(p.split(" in ")[0]).how != "unknown"
        ]
        text = (named or sentences or [text])[-1]
    fixes = list(_SELF_FIX.finditer(text))
    if fixes and names_a_job(text[fixes[-1].end() :]):
        before = read_target(text[: fixes[-1].start()], default_industry, which)
        return read_target(text[fixes[-1].end() :], before.industry or default_industry, which)
    phrase = re.sub(r"(?:[\s,;]{1,3}(?:and|or|but|then|instead)\b)?[\s,;.!]*$", "", text.strip(), flags=re.I)
    parts_said = re.split(r"[,;]|\s-\s", phrase)
    if len(parts_said) > 1 and not names_a_job(parts_said[0]):
        # "i said it already, data engineer in healthcare": the clause that names the job.
        at = next((i for i, p in enumerate(parts_said) if names_a_job(p)), 0)
        phrase = re.split(r"[,;]|\s-\s", phrase, maxsplit=at)[-1] if at else phrase
    for _ in range(8):
        stripped = _GOAL_LEAD.sub("", phrase, count=1)
        if stripped == phrase:
            break
        phrase = stripped
    clauses = [
        c.strip() for c in re.split(r"[,;()]|\s-\s|\s{1,3}(?:but|because|since|so|where|which)\s", phrase)
    ]
    head = clauses[0] if clauses else ""
    # "data scientist same place": the same industry, said without 'in'.
    if (same := _SAME_TAIL.search(head)) is not None and not _TARGET_SPLIT.search(head):
        head = f"{head[: same.start()]} in same"
    parts = _TARGET_SPLIT.split(head, maxsplit=1)
    # "analytics engineer probably": a hedge is not part of the title.
    position = _HEDGE_TAIL.sub("", _POSITION_END.sub("", parts[0]).strip(" .:-")).strip(" .:-")
    industry = parts[1].strip(" .,;:-") if len(parts) > 1 else ""
    later = (
        re.match(
            r"^(?:(?:ideally|preferably|maybe|probably|perhaps|hopefully|somewhere|something)\s{1,3})?"
            r"(?:in|at)\s{1,3}(?:the\s{1,3}|an?\s{1,3})?(\S.{0,40})$",
            clauses[1],
            re.I,
        )
        if len(clauses) > 1
        else None
    )
    if later and re.search(r"\sfor\s", head, re.I):
        # "product manager for AI products, in SaaS": the 'for' part belongs to the title,
        # the industry is the later 'in ...'.
        position, industry = _POSITION_END.sub("", head).strip(" .:-"), later.group(1).strip(" .,;:-")
    elif later and not industry:
        industry = later.group(1).strip(" .,;:-")  # "instructional design, ideally at an edtech company"
    after = re.split(r"[,;()]|\s-\s", phrase, maxsplit=1)  # only a list separator names an industry
    clauses = [head, after[1].strip()] if len(after) > 1 and not _NOT_INDUSTRY.search(after[1]) else [head]
    if not industry and len(clauses) > 1 and 0 < len(clauses[1].split()) <= 3:
        industry = re.sub(r"^(?:in|at|for)\s{1,3}", "", clauses[1], flags=re.I).strip(" .,;:-")
    label = f"Plan {which}"
    if not position:
        return TargetRead(problem=f"{label}: name a position, for example 'ML engineer in fintech'")
    if len(position) > MAX_ROLE:
        return TargetRead(
            problem=f"{label} position is too long ({len(position)} characters); name the role in a few words"
        )
    role: Resolved = resolve_role(position)
    if role.how == "unknown" and not _ROLE_NOUNS.search(position):
        own_title = as_position(position)
        if own_title is None:  # a near typo of a catalog title is asked about below
            return TargetRead(said=position, problem=f"{label}: {unknown_role_reply(position)}")
        position = own_title
    # A title the catalog lacks is kept as written: its skills are proposed and agreed first (proposals).
    title = _cap(position) if role.how == "unknown" else role.name
    if len(industry) > MAX_INDUSTRY or len(industry.split()) > 4:
        return TargetRead(
            problem=f"{label} industry is too long ({len(industry)} characters); name it in a few words, like 'edtech'"
        )
    resolved = industry_name(industry, default_industry) if industry else (default_industry or "")
    if resolved and len(resolved) < 2:
        return TargetRead(
            problem=f"{label} industry '{resolved}' is too short; name it in a word or two, like 'edtech'"
        )
    if (
        role.how == "unknown"
        and (fixed := spelling_fix(position)).lower() != " ".join(position.split()).lower()
    ):
        # "ml platfrom lead": ask about the spelling fixed (a catalog title if it is one).
        again = resolve_role(fixed)
        return TargetRead(
            confirm=again.name if again.how == "exact" else fixed, said=position, industry=resolved
        )
    if role.how == "confirm":
        return TargetRead(confirm=role.name, said=position, industry=resolved)
    if not resolved:
        return TargetRead(
            said=position,
            confirm=None,
            problem=f"{label}: which industry for {title}? Write it as '{title} in fintech'",
        )
    note = "; ".join(read_as_another_job(position, role))  # "Data analyst: read as ... Analytics engineer"
    if industry and resolved.lower() not in industry.lower() and not _SAME.match(industry):
        # "insurance i guess" was read as insurance: the note quotes the name, not the hedge.
        said_industry = _clean_industry(industry) or industry
        note = "; ".join(filter(None, [note, f"{said_industry}: read as the catalog's {resolved}"]))
    return TargetRead(
        target={"position": title, "industry": resolved}, said=position, industry=resolved, note=note
    )


def default_industry(profile: dict[str, Any], asking: str | None) -> str | None:
    """The industry a bare position means: Plan A's for Plan B ('ideally in a similar
    field'), else the person's own industry."""
    plan_a = profile.get("plan_a") or {}
    if asking == "plan_b" and plan_a.get("industry"):
        return str(plan_a["industry"])
    return profile.get("industry") or (str(plan_a["industry"]) if plan_a.get("industry") else None)
