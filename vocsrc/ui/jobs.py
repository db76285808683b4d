"""Long work (demo build, scoring) in a child process, with its progress on a Streamlit bar.

Scoring uses a process pool; starting one from inside the Streamlit server
(many threads, and a __main__ that is the app script) is unsafe, so the app
runs the CLI instead and reads its 'PROGRESS <fraction> <message>' lines.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import deque

from vocsrc import config
from vocsrc.errors import VocError


def run_cli(args: list[str], progress) -> str:
    """Run ``python -m vocsrc --db <store> ARGS``; raise VocError with its message if it fails."""
    env = {**os.environ, "VOC_PROGRESS": "lines"}
    cmd = [sys.executable, "-m", "vocsrc", "--db", str(config.db_path()), *args]
    tail: deque[str] = deque(maxlen=20)
    with subprocess.Popen(cmd, cwd=config.PROJECT_DIR, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("PROGRESS "):
                _, fraction, *message = line.rstrip("\n").split(" ", 2)
                progress(min(max(float(fraction), 0.0), 1.0), message[0] if message else "")
            else:
                tail.append(line.rstrip("\n"))
        code = proc.wait()
    if code != 0:
        errors = [t for t in tail if t.startswith("error:")]
        raise VocError((errors[-1].removeprefix("error: ") if errors else "\n".join(tail)) or f"exit {code}")
    return "\n".join(tail)
