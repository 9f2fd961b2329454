"""The layering of STYLE.md, checked on the source: an app imports only apps below it,
and views never query region-scoped models directly."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYER = {"accounts": 0, "households": 1, "verification": 2, "publicity": 2, "cases": 3,
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


def test_views_read_through_selectors_only():
    wrong = []
    for app in LAYER:
        for path in sources(app):
            if path.name != "views.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if ".objects" in line:
                    wrong.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not wrong, "\n".join(wrong)
