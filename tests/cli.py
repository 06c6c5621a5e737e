"""Running the `chibo` command as a newcomer does, against a SQLite file in a folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def chibo(folder: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` in `folder`, its database `folder/demo.db`, Vietnamese."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'demo.db'}", "LANGUAGE": "vi"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
        timeout=120,
        check=False,
    )
