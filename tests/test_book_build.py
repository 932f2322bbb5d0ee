"""The HTML book builds from the stored outputs with warnings as errors, every page present."""
import subprocess
import sys
from pathlib import Path

import pytest

from bookutil import CHAPTERS, ROOT
from test_structure import FRAME_PAGES


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    out = tmp_path_factory.mktemp("book")
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(ROOT), "--path-output", str(out), "--warningiserror", "--nitpick", "--keep-going"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1200)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, "the book does not build cleanly:\n" + log[-6000:]
    return out / "_build" / "html"


def test_frame_pages_are_built(html):
    for page in FRAME_PAGES:
        assert (html / "book" / f"{page}.html").is_file(), page


def test_every_chapter_page_is_built_with_its_outputs(html):
    for nb in CHAPTERS:
        page = html / "chapters" / f"{nb.stem}.html"
        assert page.is_file(), f"{page.name} is missing from the HTML"
        text = page.read_text(encoding="utf-8")
        assert "cell_output" in text, f"{page.name} shows no stored output"
        assert "colab.research.google.com" in text, f"{page.name} has no Colab launch button"


def test_landing_page_is_index(html):
    assert (html / "index.html").is_file()
