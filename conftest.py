"""Settings shared by the tests and the docstring examples (run as doctests)."""

from __future__ import annotations

import os

import pytest
from _pytest.doctest import DoctestItem

#: modules whose Examples read the real layer mirror
MIRROR_EXAMPLES = ("territorio.catalog.", "territorio.loaders.", "territorio.runner.")


@pytest.fixture(autouse=True, scope="session")
def _graph_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep street-network caches of the test session out of the user's cache."""
    os.environ["TERRITORIO_CACHE"] = str(tmp_path_factory.mktemp("cache") / "data")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Examples that read the mirror are integration tests too (marker ``mirror``)."""
    for item in items:
        if isinstance(item, DoctestItem) and item.name.startswith(MIRROR_EXAMPLES):
            item.add_marker(pytest.mark.mirror)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A mirror example without the mirror fails under CI and is skipped (reported) elsewhere."""
    if not (isinstance(item, DoctestItem) and item.get_closest_marker("mirror")):
        return
    from territorio.errors import MirrorNotFoundError
    from territorio.mirror import resolve_mirror

    try:
        resolve_mirror()
    except MirrorNotFoundError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"the layer mirror is required in CI: {exc}")
        pytest.skip(f"layer mirror not available: {exc}")
