"""The book's shape: the table of contents, the frame pages, the chapter files."""
import re

import yaml

from bookutil import CHAPTERS, ROOT

FRAME_PAGES = ["intro", "how-to-run", "notation", "glossary", "source-map", "errata", "runtime", "bibliography"]


def toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc.get("parts", []))
    return files


def resolve(entry):
    for suffix in ("", ".md", ".ipynb"):
        path = ROOT / f"{entry}{suffix}"
        if path.is_file():
            return path
    return None


def test_toc_names_only_existing_files():
    missing = [f for f in toc_files() if resolve(f) is None]
    assert not missing, f"_toc.yml names files that do not exist: {missing}"


def test_every_chapter_is_in_the_toc():
    listed = {resolve(f) for f in toc_files()}
    absent = [p.name for p in CHAPTERS if p not in listed]
    assert not absent, f"notebooks missing from _toc.yml: {absent}"


def test_no_file_is_listed_twice():
    files = toc_files()
    assert len(files) == len(set(files))


def test_frame_pages_are_in_the_toc():
    listed = set(toc_files())
    assert {f"book/{p}" for p in FRAME_PAGES} <= listed


def test_chapter_file_names():
    for path in CHAPTERS:
        assert re.fullmatch(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*\.ipynb", path.name), path.name


def test_every_chapter_is_on_the_source_map_errata_and_runtime_pages():
    pages = {name: (ROOT / "book" / f"{name}.md").read_text() for name in ("source-map", "errata", "runtime")}
    for path in CHAPTERS:
        for name, text in pages.items():
            assert path.stem in text, f"{path.stem} is not mentioned on book/{name}.md"


def test_cited_keys_exist_in_the_bibliography():
    bib = (ROOT / "book" / "references.bib").read_text()
    defined = set(re.findall(r"@\w+\{([^,\s]+),", bib))
    sources = [p.read_text() for p in CHAPTERS] + [p.read_text() for p in (ROOT / "book").glob("*.md")]
    cited = set()
    for text in sources:
        for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", text):
            cited.update(k.strip() for k in group.split(","))
    assert cited - defined == set(), f"cited but not in references.bib: {sorted(cited - defined)}"
