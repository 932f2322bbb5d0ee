"""The parts of tools/gpu_check.py that need no GPU: the TensorFlow-free copy, the error list, the
runtime page's wording. (The GPU run itself is `make gpu-check` on a CUDA machine.)"""
import sys

import nbformat

from bookutil import CHAPTERS, ROOT

sys.path.insert(0, str(ROOT / "tools"))
import gpu_check  # noqa: E402


def test_without_tensorflow_keeps_the_setup_cell_runnable():
    setup = ('with quiet_native_stderr():\n    import tensorflow as tf\nimport keras\nimport torch\n'
             'keras.utils.set_random_seed(SEED)  # Python, NumPy and TensorFlow\n'
             'for gpu in tf.config.list_physical_devices("GPU"):\n'
             '    tf.config.experimental.set_memory_growth(gpu, True)\n'
             'tf.config.experimental.enable_tensor_float_32_execution(False)\n'
             'torch.backends.cuda.matmul.allow_tf32 = False\n')
    namespace = {"quiet_native_stderr": __import__("contextlib").nullcontext, "SEED": 0}
    exec(compile(gpu_check.without_tensorflow(setup), "setup", "exec"), namespace)  # must not raise
    assert namespace["tf"] is None and namespace["keras"] is None and "torch" in namespace
    # a cell that really uses Keras still fails, so that the run lists it
    assert gpu_check.without_tensorflow("model = keras.Sequential()\n") == "model = keras.Sequential()\n"


def test_every_chapter_setup_survives_the_rewrite():
    """Each chapter's TensorFlow lines are among the patterns the rewrite knows."""
    for path in CHAPTERS:
        nb = nbformat.read(path, as_version=4)
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        setup = next((s for s in code if "import tensorflow as tf" in s), None)
        if setup is None:
            continue
        rewritten = gpu_check.without_tensorflow(setup)
        assert "import tensorflow" not in rewritten and "import keras\n" not in rewritten, path.name
        start = code.index(setup)
        for later in code[start:start + 6]:  # the setup cell and the next few: no line may still begin with tf. or keras.
            lines = gpu_check.without_tensorflow(later).splitlines()
            bad = [ln for ln in lines if ln.lstrip().startswith(("tf.", "keras."))]
            assert not bad, (path.name, bad)


def test_error_cells_skip_deliberate_errors_and_count_from_the_chapter():
    nb = nbformat.v4.new_notebook()
    head = nbformat.v4.new_code_cell("monitor")
    boom = nbformat.v4.new_code_cell("1/0")
    boom.outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero",
                                           traceback=[])]
    meant = nbformat.v4.new_code_cell("raise ValueError")
    meant.metadata["tags"] = ["raises-exception"]
    meant.outputs = [nbformat.v4.new_output("error", ename="ValueError", evalue="x", traceback=[])]
    nb.cells = [head, nbformat.v4.new_code_cell("pass"), boom, meant]
    assert gpu_check.error_cells(nb, offset=1) == ["cell 1: ZeroDivisionError: division by zero"]


def test_runtime_page_wording():
    assert gpu_check.gpu_result({"result": "pass"}) == "pass"
    worded = gpu_check.gpu_result({"result": "fail", "errors": ["a", "b"], "tensorflow": "absent",
                                   "peak_mib": 13_000})
    assert worded == "fail (2 cells failed), over 12 GB; TensorFlow absent"
