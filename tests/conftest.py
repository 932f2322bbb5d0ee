import os
import subprocess
import sys
from pathlib import Path

import pytest

from bookutil import CHAPTERS, ROOT, load


@pytest.fixture(params=CHAPTERS, ids=[p.stem for p in CHAPTERS])
def notebook(request):
    return request.param, load(request.param)


@pytest.fixture(scope="session")
def html(tmp_path_factory):
    """The HTML book, built once per test session from the stored outputs, warnings as errors.

    BOOK_HTML=_build/html reuses a book already built by `make build` (quicker while editing)."""
    if os.environ.get("BOOK_HTML"):
        return Path(os.environ["BOOK_HTML"]).resolve()
    out = tmp_path_factory.mktemp("book")
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(ROOT), "--path-output", str(out), "--warningiserror", "--nitpick", "--keep-going"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1200)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, "the book does not build cleanly:\n" + log[-6000:]
    return out / "_build" / "html"
