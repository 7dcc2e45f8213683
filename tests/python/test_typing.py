"""The package's type hints hold (mypy, when installed: Debian python3-mypy).

The package ships py.typed, so a user's type checker reads its annotations; this keeps
them consistent with the code, and shows that a program using them is checked.
"""
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
BINDINGS = os.path.normpath(os.path.join(HERE, "..", "..", "bindings", "python"))

USER_PROGRAM = '''
from decimal import Decimal
from typing import Any, Dict, List
import kiscrm

t = kiscrm.Table.build("demo", [("name", "text"), ("amount", "money")],
                       [["甲", Decimal("1.50")], ("total", ["合计", Decimal("1.50")])])
rows: List[Dict[str, Any]] = t.to_dicts(details_only=True)
names: List[str] = t.column_names
amount: Decimal = kiscrm.parse_money("1,234.56")
wrong: int = kiscrm.parse_money("1.00")
'''


def mypy(tmp_path, *args):
    try:
        import mypy  # noqa: F401
    except ImportError:
        pytest.skip("mypy is not installed (Debian: python3-mypy)")
    env = dict(os.environ, MYPYPATH=BINDINGS)
    return subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary",
                           "--cache-dir", str(tmp_path / "cache"), *args],
                          capture_output=True, text=True, cwd=BINDINGS, env=env)


def test_package_type_checks(tmp_path):
    res = mypy(tmp_path, "-p", "kiscrm")
    assert res.returncode == 0, res.stdout + res.stderr


def test_user_program_is_checked_against_the_hints(tmp_path):
    prog = tmp_path / "prog.py"
    prog.write_text(USER_PROGRAM, encoding="utf-8")
    res = mypy(tmp_path, str(prog))
    # Exactly the one wrong line: Decimal is not int.
    errors = [l for l in res.stdout.splitlines() if ": error:" in l]
    assert len(errors) == 1 and "prog.py:11:" in errors[0], res.stdout + res.stderr
    assert "Decimal" in errors[0]
