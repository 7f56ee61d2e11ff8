"""The house rules the test command keeps: layers, no import cycles, lint, types, pinned packages."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "src" / "monokg"
BIN = Path(sys.executable).parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, here: str) -> list[tuple[str, int, bool]]:
    """(imported monokg module, line, inside a function or class?) of module ``here`` (read
    from ``path``), counting every import statement wherever it stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, nested: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef
                                         | ast.ClassDef | ast.Lambda)
            if isinstance(child, ast.Import):
                found.extend((a.name, child.lineno, nested) for a in child.names
                             if a.name.split(".")[0] == "monokg")
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                if base.split(".")[0] == "monokg":
                    for alias in child.names:
                        candidate = f"{base}.{alias.name}"
                        is_module = (PACKAGE.parent / Path(*candidate.split("."))).is_dir() or \
                            (PACKAGE.parent / Path(*candidate.split("."))).with_suffix(".py").is_file()
                        found.append((candidate if is_module else base, child.lineno, nested))
            visit(child, inner)

    visit(tree, False)
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))
#: The Python the lint and type checks cover: the package, its tests, the benchmark and the
#: helper scripts (run by hand, so nothing else would notice them rot).
LINTED = ("src", "tests", "benchmarks", "scripts")


def test_only_the_cli_imports_inside_functions_and_nothing_hides_behind_type_checking() -> None:
    offenders = []
    for path in MODULES:
        text = path.read_text(encoding="utf-8")
        if "TYPE_CHECKING" in text:
            offenders.append(f"{path.relative_to(ROOT)}: TYPE_CHECKING import")
        if path.name == "cli.py":
            continue
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        offenders.append(f"{path.relative_to(ROOT)}:{inner.lineno}: "
                                         "import inside a function or class")
    assert not offenders, "\n".join(offenders)


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of a module graph (module -> modules it imports), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if target not in graph or target == module:
                continue
            if state.get(target) == 1:
                return [*stack[stack.index(target):], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_no_import_cycle_among_the_package_modules() -> None:
    graph = {_module_name(p): {m for m, _, _ in _imports(p, _module_name(p))} for p in MODULES}
    cycle = _find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_sees_function_level_and_relative_imports(tmp_path: Path) -> None:
    # The two checks above must be able to fail.
    first, second = tmp_path / "a.py", tmp_path / "b.py"
    first.write_text("def f():\n    from monokg.model import errors\n", encoding="utf-8")
    second.write_text("from . import errors\n", encoding="utf-8")
    found_a = _imports(first, "monokg.model.a")
    found_b = _imports(second, "monokg.model.b")
    assert [(m, nested) for m, _, nested in found_a] == [("monokg.model.errors", True)]
    assert [m for m, _, _ in found_b] == ["monokg.model.errors"]
    graph = {"monokg.model.a": {"monokg.model.errors"}, "monokg.model.errors": {"monokg.model.a"}}
    assert _find_cycle(graph) == ["monokg.model.a", "monokg.model.errors", "monokg.model.a"]


def test_the_layer_contract_holds() -> None:
    result = subprocess.run([str(BIN / "lint-imports")], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_ruff_is_clean() -> None:
    result = subprocess.run([str(BIN / "ruff"), "check", *LINTED], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = subprocess.run([str(BIN / "mypy"), *LINTED], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_type_ignores_are_rare_and_each_says_why() -> None:
    # benchmarks/ and scripts/ are flat, and benchmarks/.corpora can hold whole built corpora:
    # their top level only, not a walk through every file of a million-triple site.
    checked = [*MODULES, *(p for p in sorted((ROOT / "tests").rglob("*.py"))
                           if p != Path(__file__)),
               *sorted((ROOT / "benchmarks").glob("*.py")),
               *sorted((ROOT / "scripts").glob("*.py"))]
    ignores = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}" for path in checked
               for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
               if "type: ignore" in line]
    assert len(ignores) < 5, "\n".join(ignores)
    unexplained = [i for i in ignores if not re.search(r"type: ignore\[[^\]]+\]\s*#\s*\S", i)]
    assert not unexplained, "say why on the line: " + "\n".join(unexplained)


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def test_the_environment_holds_the_pinned_versions() -> None:
    # With tests/test_exports.py (a fresh build equals the committed build/), this proves the
    # committed release is what the pinned packages build.
    pins = _pins()
    for name in ("rdflib", "pyoxigraph", "pyshacl", "owlready2", "pyld", "pyyaml", "jinja2",
                 "click"):
        assert name in pins, f"{name} is not pinned in constraints.txt"
    wrong = {name: (version, metadata.version(name)) for name, version in pins.items()
             if metadata.version(name) != version}
    assert not wrong, f"installed versions differ from constraints.txt: {wrong}"
