"""The package's house drawing: each module stands on a floor and imports only from its own floor or
below (function-level imports included), and no modules import each other in a circle."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "catalogue"

# Top floor first; a module's floor is that of the first pattern its dotted name matches.
FLOORS = [
    ("app factory", r"catalogue"),
    ("start-up and commands", r"catalogue\.(cli|bootstrap|demo|serve)(\..*)?"),
    ("views", r"catalogue\.(visit|api|organizer)(\..*)?|catalogue\.search\.views"),
    ("web edge", r"catalogue\.(web|i18n|security)"),
    ("search and imports", r"catalogue\.(search|imports)(\..*)?"),
    ("catalogue domain", r"catalogue\.catalog(\..*)?"),
    ("foundations", r"catalogue\.(config|extensions|errors|locks|backup|ratelimits|messages)"),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def floor_of(module: str) -> int:
    for level, (_, pattern) in enumerate(FLOORS):
        if re.fullmatch(pattern, module):
            return level
    raise AssertionError(f"{module} stands on no floor: add it to FLOORS")


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(module: str) -> set[str]:
    """The package's modules that `module` imports anywhere in its body (a package counts as itself)."""
    found = set()
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = module.rsplit(".", node.level - (1 if MODULES[module].name == "__init__.py" else 0))[0]
            names = [f"{base}.{node.module}" if node.module else base]
            names += [f"{names[0]}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("catalogue"):
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names if alias.name.startswith("catalogue")]
        else:
            continue
        found |= {name for name in names if name in MODULES} - {module}
    return found


def test_every_module_stands_on_a_floor():
    assert {m: floor_of(m) for m in MODULES}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != "catalogue"))
def test_no_module_imports_from_a_floor_above_its_own(module):
    above = sorted(i for i in imports_of(module) if floor_of(i) < floor_of(module))
    assert not above, f"{module} ({FLOORS[floor_of(module)][0]}) imports from above: {above}"


def test_no_modules_import_each_other_in_a_circle():
    graph = {m: imports_of(m) for m in MODULES}
    state: dict[str, int] = {}

    def visit(module: str, path: list[str]) -> list[str] | None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return [*path[path.index(target):], target] if target in path else [module, target]
            if target not in state and (circle := visit(target, [*path, target])):
                return circle
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state:
            circle = visit(module, [module])
            assert circle is None, " -> ".join(circle)
