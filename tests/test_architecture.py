"""The layout the library promises: I/O only at the edges, no import cycle, themes apart."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import territorio

PACKAGE = Path(territorio.__file__).resolve().parent
#: the only modules that open, read or write files
IO_MODULES = ("catalog.py", "cli/", "readers/", "outputs/")
#: calls that open, read or write a file (attribute or plain name)
IO_CALLS = {
    "open",
    "read_file",
    "to_file",
    "read_csv",
    "to_csv",
    "to_parquet",
    "read_parquet",
    "read_text",
    "write_text",
    "read_bytes",
    "write_bytes",
    "read_dataframe",
    "write_dataframe",
    "connect",
    "ZipFile",
    "savez",
    "load",
    "copyfile",
    "copytree",
    "save",
    "Catalog",
}
THEMES = ("land", "digital", "access", "transit", "services")


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "vendor" not in p.parts)


def relative(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def io_calls(path: Path, label: str | None = None) -> list[str]:
    """``file:line name(`` of every I/O call in ``path``, in line order.

    Calls on an ``outputs`` object (``ctx.outputs.write_csv(...)``) are the OutputSet's own
    writers, which live in ``territorio/outputs``, and are allowed anywhere.
    """
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if isinstance(func, ast.Attribute) and _last_name(func.value) == "outputs":
            continue
        if name in IO_CALLS:
            found.append((node.lineno, f"{label or relative(path)}:{node.lineno} {name}("))
    return [text for _, text in sorted(found)]


def _last_name(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return getattr(node, "id", "")


def test_the_scanner_finds_io_calls(tmp_path):
    # the scanner itself must not be blind: it flags each kind of call in a sample
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import rasterio, geopandas as gpd\n"
        "open('x')\nrasterio.open('x')\ngpd.read_file('x')\nframe.to_file('x')\n"
        "Catalog()\nframe.to_csv('x')\nPath('x').write_text('y')\nnp.load('x')\n"
        "ctx.outputs.write_text('a.md', 'ok')\n"
    )
    names = [hit.split(" ")[1] for hit in io_calls(sample, "sample.py")]
    assert names == [
        "open(",
        "open(",
        "read_file(",
        "to_file(",
        "Catalog(",
        "to_csv(",
        "write_text(",
        "load(",
    ]


def test_no_module_outside_the_edges_opens_a_file():
    offending = [
        hit
        for path in modules()
        if not relative(path).startswith(IO_MODULES)
        for hit in io_calls(path)
    ]
    assert offending == [], "file I/O outside catalogue/readers/outputs/CLI:\n" + "\n".join(
        offending
    )


def import_graph() -> dict[str, set[str]]:
    """Module → territorio modules it imports (at any depth of the file, TYPE_CHECKING aside)."""
    names = {}
    for path in modules():
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = {
            id(n)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for n in ast.walk(node)
        }
        targets = set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.ImportFrom) and node.module:
                base = node.module
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    targets.add(full if full in names else base)
            elif isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
        graph[name] = {t for t in targets if t in names and t != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as a list of modules, or [] (depth-first search)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return []


def test_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle():
    graph = import_graph()
    # the facade re-exports everything; no module may import it back
    importers = sorted(m for m, targets in graph.items() if "territorio" in targets)
    assert importers == [], f"modules importing the package facade: {importers}"
    graph.pop("territorio")
    assert find_cycle(graph) == []


@pytest.mark.parametrize("theme", THEMES)
def test_themes_do_not_import_each_other(theme):
    graph = import_graph()
    others = tuple(f"territorio.{t}" for t in THEMES if t != theme)
    crossing = sorted(
        f"{module} → {target}"
        for module, targets in graph.items()
        if module.startswith(f"territorio.{theme}")
        for target in targets
        if target.startswith(others)
    )
    assert crossing == []


def test_pure_modules_import_no_edge_module():
    # indicator modules must not reach the catalogue, the readers, the outputs or the CLI
    graph = import_graph()
    edges = ("territorio.catalog", "territorio.readers", "territorio.outputs", "territorio.cli")
    pure = [m for m in graph if m.startswith(tuple(f"territorio.{t}" for t in THEMES))]
    pure += ["territorio.zonal", "territorio.population", "territorio.spatial"]
    pure += [m for m in graph if m.startswith("territorio.network")]
    reaching = sorted(f"{m} → {t}" for m in pure for t in graph[m] if t.startswith(edges))
    assert reaching == []


def test_default_config_is_complete_in_a_fresh_interpreter():
    # whatever was imported before, the defaults list every section (the old cycle did not)
    fresh = subprocess.run(
        [
            sys.executable,
            "-c",
            "from territorio.settings import config_toml, BASE_SECTIONS\n"
            "from territorio.config import default_config_toml\n"
            "print(len(default_config_toml()))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    from territorio.config import default_config_toml

    text = default_config_toml()
    assert int(fresh.stdout) == len(text)
    sections = [line[1:-1] for line in text.splitlines() if line.startswith("[")]
    assert sections[:10] == [
        "data",
        "output",
        "run",
        "territory",
        "population",
        "land",
        "digital",
        "access",
        "transit",
        "services",
    ]
