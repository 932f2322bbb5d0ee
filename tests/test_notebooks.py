"""Static checks of every chapter notebook against the chapter standard.

nbval (configured in pytest.ini) re-runs the notebooks; these tests look at what is stored in
them: that the outputs are one clean, current, quiet run, that the setup cell is the standard
one, and that nothing reaches outside the notebook (the repository or the network).
"""
import re

import pytest
import yaml

from bookutil import CHAPTERS, ROOT
from nbmeta import SOURCE_HASH_KEY, cell_source, source_hash

HEAVY_MODULES = ("numpy", "torch", "tensorflow", "keras", "matplotlib.pyplot")

NETWORK = re.compile(
    r"from_pretrained\(|urlretrieve|urlopen|requests\.(get|post)|load_data\(|download\s*=\s*True|"
    r"load_dataset\(|fetch_(openml|20newsgroups|lfw_\w+|covtype|california_housing|kddcup99|olivetti_faces|rcv1|species_distributions)\(|"
    r"gensim\.downloader|\bapi\.load\(|hf_hub_download|snapshot_download|torch\.hub\.|tfds\.load|"
    r"keras\.utils\.get_file|get_file\(|^\s*!\s*(wget|curl|pip|git)\b",
    re.M,
)

LOCAL_ACCESS = re.compile(
    r"sys\.path\.(insert|append)|^\s*(from|import)\s+(tools|tests|book|chapters|conftest|nbmeta)\b|"
    r"__file__|[\"'](\.\./|\./)?(book|chapters|tools|tests)/|[\"']\.\./",
    re.M,
)

# Log and warning formats (a deliberate print of a warning's name is fine; stderr is refused anyway).
NOISE = re.compile(
    r"^\S+:\d+: \w*Warning\b|^WARNING[: ]|^W\d{4} |^I\d{4} |^E\d{4} |oneDNN|cuda_drivers|absl::|"
    r"Traceback \(most recent call last\)|━|it/s\]|\r",
    re.M,
)


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def markdown(nb):
    return "\n".join(cell_source(c) for c in nb["cells"] if c["cell_type"] == "markdown")


# ----------------------------------------------------------------------------- stored outputs


def test_kernel_is_python3(notebook):
    _, nb = notebook
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3"


def test_outputs_are_one_clean_top_to_bottom_run(notebook):
    _, nb = notebook
    cells = code_cells(nb)
    assert all(cell_source(c).strip() for c in cells), "empty code cell"
    counts = [c.get("execution_count") for c in cells]
    assert counts == list(range(1, len(cells) + 1)), f"execution counts {counts}: re-run with `make execute`"
    for c in cells:
        for out in c.get("outputs", []):
            if "execution_count" in out:
                assert out["execution_count"] == c["execution_count"]


def test_outputs_are_not_stale(notebook):
    """Each code cell's source must be the one whose run produced the stored outputs."""
    _, nb = notebook
    stale = [
        i
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code" and c.get("metadata", {}).get(SOURCE_HASH_KEY) != source_hash(c)
    ]
    assert not stale, f"cells {stale} changed after the stored run: re-run with `make execute`"


def test_errors_only_in_raises_exception_cells(notebook):
    _, nb = notebook
    for i, c in enumerate(code_cells(nb), 1):
        errors = [o for o in c.get("outputs", []) if o["output_type"] == "error"]
        if "raises-exception" in tags(c):
            assert errors, f"code cell {i} is tagged raises-exception but did not raise"
        else:
            assert not errors, f"code cell {i} raised {errors[0].get('ename')}"


def test_no_warnings_or_log_noise(notebook):
    _, nb = notebook
    for i, c in enumerate(code_cells(nb), 1):
        for out in c.get("outputs", []):
            if out["output_type"] == "stream":
                text = "".join(out.get("text", ""))
                assert out["name"] == "stdout", f"code cell {i} wrote to stderr: {text[:200]!r}"
                match = NOISE.search(text)
                assert not match, f"code cell {i} printed log noise {match.group(0)!r}: {text[:200]!r}"
            data = out.get("data", {})
            assert "application/vnd.jupyter.widget-view+json" not in data, f"widget output in code cell {i}"
            plain = "".join(data.get("text/plain", ""))
            assert not NOISE.search(plain), f"code cell {i} displays log noise: {plain[:200]!r}"


def test_figures_are_modest_pngs(notebook):
    path, nb = notebook
    for i, c in enumerate(code_cells(nb), 1):
        for out in c.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data:
                size = len("".join(data["image/png"])) * 3 // 4
                assert size < 250_000, f"code cell {i}: a {size // 1000} kB figure"
    assert path.stat().st_size < 2_500_000, "the notebook is over 2.5 MB"


def test_every_figure_has_alt_text(notebook):
    """Alt text (cell metadata mystnb.image.alt) that says what the figure shows; without it the
    HTML book gives screen readers the image's file hash."""
    _, nb = notebook
    for i, c in enumerate(code_cells(nb), 1):
        if not any("image/png" in out.get("data", {}) for out in c.get("outputs", [])):
            continue
        alt = c.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt", "")
        assert isinstance(alt, str) and len(alt.split()) >= 5, (
            f"code cell {i} draws a figure without alt text: set its cell metadata "
            '"mystnb": {"image": {"alt": "what the figure shows"}} (five words or more)')


def test_bug_list_for_make_mutate(notebook):
    """tools/mutations/<stem>.yml lists at least 3 realistic bugs, each planted by a text that
    occurs exactly once in the code cells (make mutate checks that the chapter catches them)."""
    path, nb = notebook
    listing = ROOT / "tools" / "mutations" / f"{path.stem}.yml"
    assert listing.is_file(), f"no bug list for make mutate: {listing.relative_to(ROOT)}"
    bugs = yaml.safe_load(listing.read_text(encoding="utf-8")) or []
    assert len(bugs) >= 3, f"{listing.name}: {len(bugs)} bugs listed, at least 3 wanted"
    code = [cell_source(c) for c in code_cells(nb)]
    for b in bugs:
        assert {"bug", "find", "replace"} <= set(b), f"{listing.name}: incomplete entry {b}"
        assert b["find"] != b["replace"], f"{listing.name}: {b['bug']}: replace equals find"
        n = sum(src.count(b["find"]) for src in code)
        assert n == 1, f"{listing.name}: {b['bug']}: `find` occurs {n} times in the code cells"


def test_no_execution_timing_metadata(notebook):
    _, nb = notebook
    assert not any("execution" in c.get("metadata", {}) for c in code_cells(nb))


# ----------------------------------------------------------------------------- the setup cell


def test_setup_cell_is_the_standard_one(notebook):
    _, nb = notebook
    setup = code_cells(nb)[0]
    src = cell_source(setup)
    assert src.startswith("# Setup"), "the first code cell must be the setup cell"
    assert re.search(r"^SEED = \d+$", src, re.M), "SEED is not defined"
    for call in ("random.seed(SEED)", "np.random.seed(SEED)", "torch.manual_seed(SEED)"):
        assert call in src, f"the setup cell does not call {call}"
    assert re.search(r"^DEVICE = |^\s+DEVICE = torch\.device\(\"cuda\"\)", src, re.M), "DEVICE is not defined"
    assert "torch.cuda.is_available()" in src
    if re.search(r"import tensorflow|import keras", src):
        assert "keras.utils.set_random_seed(SEED)" in src or "tf.random.set_seed(SEED)" in src
        assert re.search(r"with quiet_native_stderr\(\):\n\s+import tensorflow", src), (
            "TensorFlow must be imported inside quiet_native_stderr()"
        )
    for line in src.splitlines():
        if line.lstrip().startswith(("%", "!")):
            assert line.startswith("    %pip install"), f"unexpected magic in the setup cell: {line}"
    if "%pip" in src:
        assert 'if "google.colab" in sys.modules:' in src, "%pip outside the Colab guard"
    assert setup.get("outputs") == [], "the setup cell must print nothing"
    assert "hide-input" in tags(setup), "tag the setup cell hide-input (collapsed in the HTML book)"


def test_heavy_modules_are_imported_only_in_the_setup_cell(notebook):
    _, nb = notebook
    pattern = re.compile(r"^\s*import\s+(%s)(\s+as\s+\w+)?\s*$" % "|".join(map(re.escape, HEAVY_MODULES)), re.M)
    for i, c in enumerate(code_cells(nb)[1:], 2):
        match = pattern.search(cell_source(c))
        assert not match, f"code cell {i} imports {match.group(1)}: import it in the setup cell"


# ----------------------------------------------------------------------------- self-contained, offline


def test_no_project_local_imports_or_repository_files(notebook):
    _, nb = notebook
    for i, c in enumerate(code_cells(nb), 1):
        match = LOCAL_ACCESS.search(cell_source(c))
        assert not match, f"code cell {i} reaches into the repository: {match.group(0)!r}"


def test_network_only_in_nbval_skip_cells(notebook):
    _, nb = notebook
    for i, c in enumerate(code_cells(nb), 1):
        src = cell_source(c)
        match = NETWORK.search(src)
        if match and "nbval-skip" not in tags(c):
            pytest.fail(f"code cell {i} may touch the network ({match.group(0)!r}) outside an nbval-skip cell")


# ----------------------------------------------------------------------------- the chapter's shape


def test_title_and_heading_levels(notebook):
    _, nb = notebook
    first = cell_source(nb["cells"][0])
    assert nb["cells"][0]["cell_type"] == "markdown" and re.match(r"# \d\d\. \S", first), "no '# NN. Title' first"
    levels = []
    for c in nb["cells"]:
        if c["cell_type"] == "markdown":
            text = re.sub(r"```.*?```", "", cell_source(c), flags=re.S)
            levels += [len(m) for m in re.findall(r"^(#{1,6}) ", text, re.M)]
    assert levels.count(1) == 1, "exactly one '#' title"
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, "a heading level is skipped"


def test_chapter_sections_in_order(notebook):
    path, nb = notebook
    heads = [
        h.lower() for h in re.findall(r"^## (.+)$", markdown(nb), re.M)
    ]
    wanted = ["math", "check", "scratch", "framework", "train", "correction", "exercise", "summary", "reference"]
    positions = []
    for word in wanted:
        hits = [i for i, h in enumerate(heads) if word in h]
        assert hits, f"{path.name}: no '## ...{word}...' section"
        positions.append(hits[0])
    assert positions == sorted(positions), f"{path.name}: sections out of order: {heads}"


def test_mirrors_line_and_gpu_note(notebook):
    _, nb = notebook
    md = markdown(nb)
    assert re.search(r"Mirrors:? .*\b00[0-4]\b", md), "the opening must say which article sections it mirrors"
    assert re.search(r"^### On a GPU", md, re.M), "the training section needs an '### On a GPU' note"


def test_math_labels_are_prefixed_and_references_resolve(notebook):
    path, nb = notebook
    md = markdown(nb)
    number = path.name[:2]
    labels = re.findall(r"\$\$\s*\(([^)\s]+)\)", md)
    assert labels, "no numbered display equation"
    for label in labels:
        assert label.startswith(f"ch{number}-"), f"equation label {label!r} must start with ch{number}-"
    assert len(labels) == len(set(labels)), "an equation label is defined twice"
    for ref in re.findall(r"\{eq\}`([^`]+)`", md):
        assert ref in labels, f"{{eq}} reference to an undefined label {ref!r}"


def test_checks_are_real(notebook):
    _, nb = notebook
    cells = code_cells(nb)
    asserts = sum(len(re.findall(r"^\s*assert\b", cell_source(c), re.M)) for c in cells)
    assert asserts >= 8, f"only {asserts} assert statements"
    checked = [c for c in cells if cell_source(c).startswith("# NBVAL_CHECK_OUTPUT")]
    assert checked, "no '# NBVAL_CHECK_OUTPUT' cell"
    for c in checked:
        assert any(o["output_type"] in ("stream", "execute_result") for o in c["outputs"]), (
            "an NBVAL_CHECK_OUTPUT cell that prints nothing checks nothing"
        )


def test_exercises_have_solutions(notebook):
    _, nb = notebook
    md = markdown(nb)
    section = re.search(r"^## [^\n]*Exercise.*?(?=^## )", md, re.M | re.S | re.I)
    assert section, "no exercises section"
    solutions = section.group(0).count("<details>")
    assert 3 <= solutions <= 6, f"{solutions} collapsed solutions; the standard asks for 3 to 5 exercises"
    assert section.group(0).count("<details>") == section.group(0).count("</details>")


def test_no_bibliography_directive_in_chapters(notebook):
    _, nb = notebook
    assert "{bibliography}" not in markdown(nb), "the book has one bibliography page"


# Packages the book uses that Colab does not ship; the setup cell installs them there, pinned as here.
COLAB_LACKS = ("gensim", "mittens", "pycocotools")


def test_colab_installs_what_colab_lacks(notebook):
    _, nb = notebook
    cells = code_cells(nb)
    setup, rest = cell_source(cells[0]), "\n".join(cell_source(c) for c in cells)
    pins = dict(
        line.split("#")[0].strip().split("==")
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    for package in COLAB_LACKS:
        if re.search(rf"^\s*(import|from)\s+{package}\b", rest, re.M):
            wanted = f"%pip install -q {package}=={pins[package]}"
            assert wanted in setup, f"the setup cell must install {package} in Colab: {wanted}"
