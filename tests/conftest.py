import pytest

from bookutil import CHAPTERS, load


@pytest.fixture(params=CHAPTERS, ids=[p.stem for p in CHAPTERS])
def notebook(request):
    return request.param, load(request.param)
