"""The layout's rules, checked on the source: imports run one way, and modules stay small.

interfaces -> replay -> runtime -> graph -> coaching -> llm / storage -> tools / knowledge.
A module may import from its own package and from any package below it, never from one above
it or beside it; tools and knowledge never import agent. Imports inside functions count too:
a lazy import that runs the wrong way is still a dependency the wrong way.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The higher the rank, the closer to the person. Packages of equal rank may not import each other.
RANKS: dict[str, int] = {
    "agent.interfaces": 7,
    "agent.replay": 6,
    "agent.runtime": 5,
    "agent.graph": 4,
    "agent.coaching": 3,
    "agent.llm": 2,
    "agent.storage": 2,
    # tools and knowledge are one foundation: they share the error types and the catalog
    "tools": 1,
    "knowledge": 1,
}
FOUNDATION = {"tools", "knowledge"}
MAX_LINES = 400


def _layer(module: str) -> str | None:
    for name in sorted(RANKS, key=len, reverse=True):
        if module == name or module.startswith(name + "."):
            return name
    return None


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # `from agent.graph import nodes` names a sub-module of the package it imports from
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return sorted(set(found))


def _sources() -> list[Path]:
    return sorted(p for pkg in ("agent", "tools", "knowledge") for p in (ROOT / pkg).rglob("*.py"))


def violations(paths: list[Path]) -> list[str]:
    """Every import that runs the wrong way, as 'file:line: a -> b'."""
    found: list[str] = []
    for path in paths:
        here = _layer(_module_name(path))
        if here is None:
            continue
        for line, target in _imports(path):
            there = _layer(target)
            if there is None and (target == "agent" or target.startswith("agent.")):
                there = "agent"  # the bare package or an unlisted module: never below anything
            if there is None or there == here or {here, there} <= FOUNDATION:
                continue
            if there == "agent" or RANKS[there] >= RANKS[here]:
                found.append(f"{path.relative_to(ROOT)}:{line}: {here} -> {there}")
    return sorted(set(found))


def test_imports_run_one_way() -> None:
    assert violations(_sources()) == []


def test_the_check_catches_a_wrong_way_import(tmp_path: Path) -> None:
    # The rule itself must be able to fail: a graph module importing an interface, and a
    # tool importing the agent, are both reported.
    bad_graph = ROOT / "agent" / "graph" / "_wrong_way_probe.py"
    bad_tool = ROOT / "tools" / "_wrong_way_probe.py"
    try:
        bad_graph.write_text("from agent.interfaces.repl import Repl\n")
        bad_tool.write_text("def f():\n    import agent.graph.state\n")
        found = violations([bad_graph, bad_tool])
    finally:
        bad_graph.unlink()
        bad_tool.unlink()
    assert len(found) == 2, found


@pytest.mark.parametrize("path", _sources() + sorted((ROOT / "evals").rglob("*.py")), ids=str)
def test_module_is_small(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines (at most {MAX_LINES})"
