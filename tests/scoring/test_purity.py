"""The scoring package stays pure: no database, no web framework, nothing else from `app`."""

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import app.scoring

PACKAGE = Path(app.scoring.__file__).parent
FORBIDDEN = ("sqlalchemy", "fastapi", "starlette", "pydantic", "alembic")


def scoring_modules() -> list[str]:
    return sorted(f"app.scoring.{info.name}" for info in pkgutil.iter_modules([str(PACKAGE)]))


def imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            # A relative import stays inside app.scoring by construction (there are no subpackages).
            names.add((node.module or "") if node.level == 0 else "app.scoring")
    return names


def test_the_package_has_the_expected_modules() -> None:
    assert {
        "app.scoring.methods",
        "app.scoring.ranking",
        "app.scoring.stability",
        "app.scoring.tallies",
    } <= set(scoring_modules())


def test_no_scoring_module_imports_a_framework_or_the_rest_of_the_app() -> None:
    for path in sorted(PACKAGE.glob("*.py")):
        for name in imported_names(path):
            root = name.split(".")[0]
            assert root not in FORBIDDEN, f"{path.name} imports {name}"
            if root == "app":
                assert name == "app.scoring" or name.startswith("app.scoring."), (
                    f"{path.name} imports {name}"
                )


def test_importing_every_scoring_module_loads_no_framework() -> None:
    # A fresh interpreter: this test process may have loaded anything already.
    probe = (
        "import importlib, sys\n"
        f"for name in {scoring_modules()!r}: importlib.import_module(name)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout.split()
    assert not [name for name in loaded if name.split(".")[0] in FORBIDDEN]
    app_modules = {name for name in loaded if name.split(".")[0] == "app"}
    assert app_modules <= {"app", "app.scoring", *scoring_modules()}
