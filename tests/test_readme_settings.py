"""The README's settings tables and seva/settings.py agree: every variable settings.py reads from the
environment has a row in a README settings table, every row names a variable that is read, and every
default in the README is the value the settings give it with the environment empty.

A table counts when its header starts "| variable | default |" or "| setting | default |". A row may name
several variables ("`A`, `B`" or "`A` / `B`") with one default for all or one each, separated the same
way. A default starts with a literal in backticks, a number, on, off, empty (an empty string or list) or
unset (None); what follows is commentary. A default that is a description instead is listed in DESCRIBED
below with the value it stands for, so it cannot drift either."""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "seva" / "settings.py"

# Defaults the README describes in words, and the values they describe (environment empty, development).
DESCRIBED = {
    "DATABASE_URL": f"sqlite:///{ROOT / 'db.sqlite3'}",
    "SECRET_KEY": "development-only-secret-key-do-not-use-in-production",
    "DEBUG": True,
    "ALLOWED_HOSTS": ["127.0.0.1", "localhost", "testserver"],
    "STATIC_ROOT": str(ROOT / "staticfiles"),
    "CELERY_TASK_ALWAYS_EAGER": True,
}

# Runs seva/settings.py with an empty environment (and no .env file) and reports, for every variable read,
# the value env() gave it; a second run as production reports the variables read only there.
PROBE = r"""
import json, os, sys
import environ
sys.path.insert(0, sys.argv[1])
seen = {}
original = environ.Env.get_value
def get_value(self, var, *args, **kwargs):
    value = original(self, var, *args, **kwargs)
    seen.setdefault(var, value)
    return value
environ.Env.get_value = get_value
environ.Env.read_env = classmethod(lambda cls, *a, **k: None)
import seva.settings  # noqa
print(json.dumps(seen, default=str))
"""


def _env_names():
    """Every variable name settings.py passes to env(), env.str(), env.int() ... (read or not on this run)."""
    names = set()
    for node in ast.walk(ast.parse(SETTINGS.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        is_env = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "env")
        first = node.args[0]
        if is_env and isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
    return names


def _defaults():
    def probe(extra):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **extra}
        result = subprocess.run([sys.executable, "-c", PROBE, str(ROOT)], cwd="/", env=env, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stderr[-3000:]
        return json.loads(result.stdout.strip().splitlines()[-1])

    values = probe({})
    given = {"ENVIRONMENT": "production", "SECRET_KEY": "p" * 8 + "-Q7vZr2Lk9xW4mN8bT3yH6jD1sF5gA0cE",
             "ALLOWED_HOSTS": "seva.example"}
    for name, value in probe(given).items():
        if name not in given:
            values.setdefault(name, value)
    return values


def _tables():
    """{name: default cell} from the README's settings tables."""
    rows, in_table = {}, False
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else None
        if cells is None:
            in_table = False
            continue
        if len(cells) >= 2 and cells[0] in ("variable", "setting") and cells[1] == "default":
            in_table = True
            continue
        if not in_table or set(cells[0]) <= set("-: "):
            continue
        names = re.findall(r"`([A-Z][A-Z0-9_]+)`", cells[0])
        separator = " / " if " / " in cells[0] else ", "
        parts = cells[1].split(separator)
        defaults = parts if len(names) > 1 and len(parts) == len(names) else [cells[1]] * len(names)
        for name, default in zip(names, defaults):
            assert name not in rows, f"{name} has two rows in the README's settings tables"
            rows[name] = default.strip()
    return rows


LEADING = re.compile(r"^(`(?P<literal>[^`]*)`|(?P<number>-?\d[\d_]*(\.\d+)?)(?![\w/])|(?P<word>on|off|empty|unset)\b)")


def _matches(name, cell, value):
    found = LEADING.match(cell)
    if not found:
        assert name in DESCRIBED, f"{name}: the README describes its default as {cell!r}; add it to DESCRIBED"
        return value == DESCRIBED[name]
    if found["literal"] is not None:
        literal = found["literal"]
        return literal == (",".join(value) if isinstance(value, list) else str(value))
    if found["number"] is not None:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and float(found["number"]) == value
    word = found["word"]
    return {"on": value is True, "off": value is False, "empty": value in ("", []), "unset": value is None}[word]


def test_every_variable_read_has_a_row_and_every_row_is_read():
    rows, names = _tables(), _env_names()
    missing, stale = sorted(names - set(rows)), sorted(set(rows) - names)
    assert not missing, f"read from the environment but missing from the README: {missing}"
    assert not stale, f"in the README but not read from the environment: {stale}"


def test_every_default_in_the_readme_is_the_default_in_settings():
    rows, defaults = _tables(), _defaults()
    wrong = {name: (cell, defaults.get(name, "<not read>")) for name, cell in rows.items()
             if name in defaults and not _matches(name, cell, defaults[name])}
    assert not wrong, "README default vs settings default: " + json.dumps(wrong, ensure_ascii=False, default=str)
    assert set(rows) <= set(defaults), f"never read, so no default to compare: {sorted(set(rows) - set(defaults))}"


def test_the_checks_themselves_catch_a_wrong_default():
    assert not _matches("X_POLL_LOCK_SECONDS", "240", 310) and _matches("X_POLL_LOCK_SECONDS", "310", 310)
    assert _matches("X_POST_ENABLED", "off", False) and not _matches("X_POST_ENABLED", "on", False)
    assert _matches("X_AUTO_FORWARD_CONFIDENCE", "unset", None) and _matches("CSRF_TRUSTED_ORIGINS", "empty", [])
    assert _matches("TRACK_THROTTLE", "`30/min`", "30/min") and not _matches("TRACK_THROTTLE", "`60/min`", "30/min")
    assert _matches("X_API_TIMEOUT", "15 (per request)", 15.0) and not _matches("X_API_TIMEOUT", "`15`", 16.0)
