"""The layering of STYLE.md, checked on the source: an app imports only apps below it,
no two modules import each other (even through an import inside a function), and view
modules never query models directly."""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYER = {"core": -1, "accounts": 0, "households": 1, "verification": 2, "publicity": 2, "cases": 3,
         "filing": 4, "config": 5}


def sources(app):
    for path in (ROOT / app).rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        yield path


def imported_apps(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in LAYER:
                yield top, node.lineno


def test_apps_import_only_from_apps_below_them():
    wrong = []
    for app, layer in LAYER.items():
        for path in sources(app):
            for other, line in imported_apps(path):
                if other != app and LAYER[other] >= layer:
                    wrong.append(f"{path.relative_to(ROOT)}:{line} imports {other}")
    assert not wrong, "\n".join(wrong)


def modules() -> dict[str, Path]:
    """Every module of the project's apps by dotted name (packages by their __init__)."""
    found = {}
    for app in LAYER:
        for path in sources(app):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def import_graph(found: dict[str, Path]) -> dict[str, set[str]]:
    """module → the project modules it imports, at the top or inside a function.
    `from a.b import c` counts as importing a.b.c when that is a module, else a.b."""

    def resolve(name):
        while name and name not in found:
            name = name.rpartition(".")[0]
        return name

    graph = {}
    for name, path in found.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets |= {resolve(alias.name) for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parent, base] if base else parent)
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    targets.add(resolve(full if full in found else base))
        graph[name] = targets - {name, ""}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for node in graph:
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return found


def test_the_circle_finder_finds_a_circle_through_an_import_inside_a_function(tmp_path):
    (tmp_path / "a.py").write_text("import b\n")
    (tmp_path / "b.py").write_text("def late():\n    import a  # looks harmless\n")
    (tmp_path / "c.py").write_text("import a\n")
    graph = import_graph({"a": tmp_path / "a.py", "b": tmp_path / "b.py",
                          "c": tmp_path / "c.py"})
    assert circles(graph) == [["a", "b"]]


def test_no_two_modules_import_each_other():
    found = circles(import_graph(modules()))
    assert not found, "import circles:\n" + "\n".join(" ↔ ".join(c) for c in found)


def view_modules(found: dict[str, Path]) -> set[Path]:
    """Modules named views (views.py, *_views.py, a views package) and every module a
    URLconf imports (config's composition pages among them)."""
    graph = import_graph(found)
    views = {path for path in found.values()
             if path.name == "views.py" or path.name.endswith("_views.py")
             or "views" in path.parts}
    for name, path in found.items():
        if path.name == "urls.py" or "urls" in path.parts:
            views |= {found[target] for target in graph[name]
                      if not target.endswith("urls") and ".urls." not in target}
    return views


def test_views_read_through_selectors_only():
    wrong = []
    views = view_modules(modules())
    assert ROOT / "config" / "public.py" in views
    for path in sorted(views):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if ".objects" in line:
                wrong.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert len(views) >= 12  # the views of every app, config's included
    assert not wrong, "\n".join(wrong)


def imports_inside_functions(path: Path):
    """(line, text, commented) of every import statement inside a function."""
    tree = ast.parse(path.read_text())
    lines = path.read_text().splitlines()
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                line = lines[node.lineno - 1]
                above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
                yield node.lineno, line.strip(), "#" in line or above.startswith("#")


def test_imports_inside_functions_only_defer_a_heavy_library_and_say_so():
    """Everything else is imported at the top, where a reader sees what a module
    depends on. (No circle needs breaking: test_no_two_modules_import_each_other.)"""
    heavy = ("PIL", "openpyxl", "weasyprint", "segno", "chinese_calendar", "playwright")
    wrong = []
    for path in [*ROOT.glob("*/**/*.py"), ROOT / "conftest.py"]:
        if ".venv" in path.parts or "migrations" in path.parts:
            continue
        for number, text, commented in imports_inside_functions(path):
            library = text.split()[1].split(".")[0]
            if library not in heavy or not commented:
                wrong.append(f"{path.relative_to(ROOT)}:{number}: {text}")
    assert not wrong, "\n".join(wrong)
