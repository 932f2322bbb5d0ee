"""The HTML book builds from the stored outputs with warnings as errors, every page present.

The build itself is the session fixture `html` in tests/conftest.py, shared with test_browser.py."""
from bookutil import CHAPTERS
from test_structure import FRAME_PAGES


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
