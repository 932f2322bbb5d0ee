"""The notebook checks must catch what they are for: each is run on a broken copy of a chapter."""
import copy

import pytest

import test_notebooks as checks
from bookutil import CHAPTERS, load

pytestmark = pytest.mark.skipif(not CHAPTERS, reason="no chapter yet")


@pytest.fixture
def chapter():
    path = CHAPTERS[0]
    return path, load(path)


def code(nb, index):
    return [c for c in nb["cells"] if c["cell_type"] == "code"][index]


def broken(chapter, mutate):
    path, nb = chapter
    nb = copy.deepcopy(nb)
    mutate(nb)
    return path, nb


def edit_source(nb):
    code(nb, 1)["source"] = "".join(code(nb, 1)["source"]) + "\nx = 1"


def add_error(nb):
    code(nb, 1)["outputs"].append({"output_type": "error", "ename": "ValueError", "evalue": "", "traceback": []})


def add_stderr(nb):
    code(nb, 1)["outputs"].append({"output_type": "stream", "name": "stderr", "text": "UserWarning: x\n"})


def add_log_line(nb):
    code(nb, 1)["outputs"].append({"output_type": "stream", "name": "stdout", "text": "I0000 00:00 port.cc:153] oneDNN\n"})


def add_download(nb):
    code(nb, 1)["source"] = 'model = AutoModel.from_pretrained("bert-base-uncased")'


def read_repository_file(nb):
    code(nb, 1)["source"] = 'text = open("../book/intro.md").read()'


def drop_seed(nb):
    code(nb, 0)["source"] = "".join(code(nb, 0)["source"]).replace("torch.manual_seed(SEED)", "")


def skip_a_count(nb):
    code(nb, 1)["execution_count"] += 1


def import_torch_again(nb):
    code(nb, 1)["source"] = "import torch\n" + "".join(code(nb, 1)["source"])


CASES = [
    (checks.test_outputs_are_not_stale, edit_source),
    (checks.test_errors_only_in_raises_exception_cells, add_error),
    (checks.test_no_warnings_or_log_noise, add_stderr),
    (checks.test_no_warnings_or_log_noise, add_log_line),
    (checks.test_network_only_in_nbval_skip_cells, add_download),
    (checks.test_no_project_local_imports_or_repository_files, read_repository_file),
    (checks.test_setup_cell_is_the_standard_one, drop_seed),
    (checks.test_outputs_are_one_clean_top_to_bottom_run, skip_a_count),
    (checks.test_heavy_modules_are_imported_only_in_the_setup_cell, import_torch_again),
]


@pytest.mark.parametrize("check, mutate", CASES, ids=[m.__name__ for _, m in CASES])
def test_check_passes_the_chapter_and_fails_the_broken_copy(chapter, check, mutate):
    check(chapter)  # the committed chapter passes ...
    with pytest.raises((AssertionError, pytest.fail.Exception)):
        check(broken(chapter, mutate))  # ... and the broken copy does not
