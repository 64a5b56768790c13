"""`coach ingest`, `coach search`, `coach kb ...` and `coach eval ...`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from agent.interfaces.cli.common import Bar, err, out
from agent.interfaces.cli.common import retriever as _retriever
from agent.interfaces.cli.output import JsonFlag, emit_json, line, show_markdown, show_table
from tools.errors import InputError

if TYPE_CHECKING:
    from tools.models import GapReport

kb_app = typer.Typer(help="The knowledge index.")
eval_app = typer.Typer(help="Evaluations with their figures.")


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.md, .txt, .html, .pdf).")],
    prune: Annotated[
        bool, typer.Option("--prune", help="Drop the chunks of files that no longer exist.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Add roadmaps to what the coach knows (unchanged files are not embedded again)."""
    retriever = _retriever()
    with Bar("embedding chunks") as bar:
        report = retriever.ingest(paths, prune=prune, progress=bar)
    nothing = _nothing_ingested(report)
    if as_json:
        emit_json(_ingest_data(report))
    else:
        for source, why in report.skipped:
            line(f"skipped {source}: {why}", err if nothing else out)
    if nothing:
        # Every file skipped is a failed command, as for `coach postings add` (exit 2).
        n = len(report.skipped)
        raise InputError(
            f"Nothing was ingested: {n} file{'s' if n != 1 else ''} skipped, for the reasons above."
            if n
            else "Nothing was ingested: no .md, .txt, .html or .pdf file there."
        )
    if as_json:
        return
    line(
        f"{len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed, {len(report.skipped)} skipped; {report.chunks_embedded} chunks embedded "
        f"in {report.seconds:.1f} s; {report.total_chunks} chunks in the index."
    )


def _nothing_ingested(report: object) -> bool:
    """No file was added, updated or found unchanged, and nothing was pruned."""
    return not any(getattr(report, key, None) for key in ("added", "updated", "unchanged", "removed"))


def _ingest_data(report: object) -> dict[str, object]:
    keys = ("added", "updated", "unchanged", "removed", "chunks_embedded", "seconds", "total_chunks")
    data: dict[str, object] = {key: getattr(report, key, None) for key in keys}
    data["skipped"] = [{"source": str(s), "reason": why} for s, why in getattr(report, "skipped", [])]
    return data


def _role_id(role: str) -> str:
    """The catalog role --role names: taken when it is that role's name or alias; a near name
    is used only with a line saying which role it is; an unknown one is refused (exit 2)."""
    from tools.catalog import match_role, require_role

    found = match_role(role)
    chosen = require_role(role)  # UnknownRoleError lists the roles there are
    if found is not None and not found.exact:
        line(f"--role '{role}': using {chosen.title}, the nearest catalog role.", err)
    return chosen.id


def _aliases(skill_id: str, name: str) -> list[str]:
    from tools.catalog import load_catalog, normalize

    try:
        skill = load_catalog().skill(skill_id)
    except KeyError:
        return [normalize(name)]
    return [normalize(a) for a in [name, skill.id.replace("_", " "), *skill.aliases]]


def plan_skill(report: GapReport, skill: str) -> str:
    """The plan's skill a name means (its name, id, the person's word or a catalog alias),
    or InputError naming the nearest of the plan's skills and listing them all."""
    from rapidfuzz import fuzz

    from tools.catalog import match_skill

    lines = report.skills + report.extras
    wanted = skill.strip().lower()
    for s in lines:
        if wanted in (s.name.lower(), s.skill_id, (s.matched_from or "").lower()):
            return skill
    found = match_skill(skill)
    if found is not None and found.exact:
        for s in lines:
            if s.skill_id == found.id:
                return s.name
    names = [s.name for s in lines]
    part = [n for n in names if len(wanted) >= 3 and wanted in n.lower()]
    if len(part) == 1:  # "platform eng" -> "Platform engineering with terraform"
        return part[0]
    near = sorted(
        ((max(fuzz.ratio(wanted, alias) for alias in _aliases(s.skill_id, s.name)), s.name) for s in lines),
        reverse=True,
    )
    nearest = ", ".join(name for score, name in near[:2] if score >= 60)
    nearest = f" Nearest: {nearest}." if nearest else ""
    raise InputError(
        f"No skill called '{skill[:60]}' in the plan for {report.target.label()}.{nearest} "
        f"The plan's skills: {', '.join(names)}."
    )


def _check_sources(wanted: list[str], names: list[str]) -> None:
    """Each --source must name a source (in full, or a unique ending such as its file
    name, as `coach kb remove` takes it); an unknown one is refused, naming those there are."""
    for want in wanted:
        if not any(s == want or s.endswith(want) for s in names):
            shown = ", ".join(sorted(names)[:20]) + (
                f" and {len(names) - 20} more" if len(names) > 20 else ""
            )
            raise InputError(f"--source: no source matches '{want}'; the sources are: {shown}.")


def search(
    query: Annotated[str, typer.Argument(help="What to look for in the roadmaps.")],
    k: Annotated[int, typer.Option("--k", min=1, max=50, help="How many passages.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list of hits.")] = False,
    mode: Annotated[str, typer.Option("--mode", help="hybrid, dense or bm25.")] = "hybrid",
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only this source (repeatable).")
    ] = None,
    role: Annotated[str | None, typer.Option("--role", help="Only passages about this role.")] = None,
    diversity: Annotated[float, typer.Option("--mmr", min=0.0, max=1.0, help="MMR diversity, 0-1.")] = 0.0,
) -> None:
    """Show the roadmap passages the coach would retrieve, with citations and scores."""
    if not query.strip():
        raise InputError("The query is empty; give some words to search for.")
    if mode not in ("hybrid", "dense", "bm25"):
        raise InputError(f"--mode takes hybrid, dense or bm25, not {mode!r}.")
    role_id = _role_id(role) if role else None
    retriever = _retriever()
    if source:
        _check_sources(source, list(retriever.index.sources))
    # One embedding of the query serves the search and the relevance gate.
    vec = retriever.embeddings.embed_array([query])[0]
    hits = retriever.search(
        query, k=k, mode=mode, sources=source, role=role_id, diversity=diversity, query_vec=vec
    )
    # The score ranks within these results (the best is always near 1); whether the coach
    # would quote a passage at all is its relevance gate, shown beside it.
    quotable = retriever.passes_gate(query, hits, query_vec=vec)
    if as_json:
        emit_json([{**h.to_dict(), "relevant": ok} for h, ok in zip(hits, quotable, strict=True)])
        return
    if not hits:
        line("No passages found.")
    for i, (h, ok) in enumerate(zip(hits, quotable, strict=True), start=1):
        gate = "" if ok else "; below the coach's relevance gate"
        line(f"[{i}] {h.chunk.citation()}  score {h.score:.4f}, similarity {h.dense:.2f}{gate}")
        line(h.chunk.text[:400])
        out.print()
    if hits and not any(quotable):
        line("None of these passes the coach's relevance gate: asked in chat, it would say it found nothing.")


@kb_app.command("list")
def kb_list(as_json: JsonFlag = False) -> None:
    """Sources in the index, their chunk counts, and the embedding model."""
    retriever = _retriever()
    rows = retriever.sources()
    if as_json:
        emit_json({"embedding_model": retriever.embeddings.model_id, "sources": rows})
        return
    line(f"Embedding model: {retriever.embeddings.model_id}; {len(retriever.index.chunks)} chunks.")
    show_table(["chunks", "kind", "source"], [[r["chunks"], r.get("kind", "?"), r["source"]] for r in rows])


@kb_app.command("remove")
def kb_remove(
    source: Annotated[str, typer.Argument(help="A source from `coach kb list`, or its file name.")],
) -> None:
    """Remove one source's chunks from the index."""
    removed = _retriever().remove(source)
    line(f"Removed {removed}.")


@kb_app.command("rebuild")
def kb_rebuild(as_json: JsonFlag = False) -> None:
    """Rebuild the index: the bundled roadmaps and every ingested file that still exists."""
    with Bar("embedding chunks") as bar:
        index, report = _retriever().rebuild(progress=bar)
    if as_json:
        emit_json({"chunks": len(index.chunks), "embedding_model": index.model_id, **_ingest_data(report)})
        return
    line(f"Rebuilt the index: {len(index.chunks)} chunks with {index.model_id}.")
    for source, why in report.skipped:
        line(f"skipped {source}: {why}")


@eval_app.command("retrieval")
def eval_retrieval(
    seeds: Annotated[Path | None, typer.Option("--seeds", help="Seed documents to ingest first.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """hit@1, hit@5, MRR and nDCG@10 of dense, BM25 and hybrid retrieval (and LangChain's
    EnsembleRetriever) per source, on the eval questions; exit 1 when a target is missed."""
    from evals.retrieval import as_json as result_json
    from evals.retrieval import report, run

    if seeds is not None and not seeds.is_dir():
        raise InputError(f"--seeds {seeds} is not a folder.")
    result = run(seeds)
    if as_json:
        emit_json(json.loads(result_json(result)))
    else:
        show_markdown(report(result))
    if not result["ok"]:
        raise typer.Exit(1)


@eval_app.command("plans")
def eval_plans(as_json: JsonFlag = False) -> None:
    """Every golden persona through the graph; each plan checked, and judged by a capable model if set."""
    from evals.plans import configured_judge, report_lines, run

    model, name = configured_judge()
    outcome = run(judge_model=model, judge_name=name)
    if as_json:
        emit_json(outcome)
    else:
        show_markdown("\n".join(report_lines(outcome)[:-3]))
        for text in report_lines(outcome)[-3:]:
            line(text)
    if outcome["failed"]:
        raise typer.Exit(1)  # a failed check exits 1 (README: exit codes)


@eval_app.command("conversations")
def eval_conversations(
    model: Annotated[
        str, typer.Option("--model", help="fake (scripted, default) or local (embedded).")
    ] = "fake",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for programs instead of text.")] = False,
) -> None:
    """Fact precision/recall/F1, intent accuracy, silent substitutions, turns to a first draft
    and review answers on the conversations corpus; exit 1 when a target is missed."""
    from evals.conversations import report_lines, run

    if model not in ("fake", "local"):
        raise InputError(f"--model takes fake or local, not {model!r}.")
    result = run(model)
    if as_json:
        out.print_json(json.dumps(result))
    else:
        for text in report_lines(result):
            out.print(text, highlight=False, markup=False, soft_wrap=True)
    if not result["ok"]:
        raise typer.Exit(1)  # a failed check exits 1
