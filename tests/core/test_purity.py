"""The pure core must stay importable without Flask or SQLAlchemy (quizengine/core/README.md)."""

import json
import subprocess
import sys

CORE_PACKAGES = [
    "quizengine.core.errors",
    "quizengine.core.parsing",
    "quizengine.core.checking",
    "quizengine.core.questions",
    "quizengine.core.mastery",
]


def test_core_imports_neither_flask_nor_sqlalchemy():
    code = (
        "import importlib, json, sys\n"
        f"for name in {CORE_PACKAGES!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('flask', 'sqlalchemy', 'werkzeug', 'alembic') or m.startswith(('quizengine.web', "
        "'quizengine.db', 'quizengine.services')))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert json.loads(result.stdout) == []
