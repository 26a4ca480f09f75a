"""Shared fixtures. Real data is read in place from ../shared/data (never copied).

Outside CI a missing ../shared/data skips the tests that need it, with the reason; in CI
(``CI=true``) it fails them, so a broken checkout cannot pass silently.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GEOURB_SHARED_DATA", REPO.parent / "shared" / "data")).resolve()


def _need(path: Path) -> Path:
    if path.exists():
        return path
    msg = f"real test data {path} is missing (expected ../shared/data beside the repository)"
    if os.environ.get("CI"):
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The ../shared/data folder."""
    return _need(SHARED)


@pytest.fixture(scope="session")
def shared_file():
    """Return a function mapping a relative path in ../shared/data to an existing path."""
    return lambda rel: _need(SHARED / rel)


@pytest.fixture(autouse=True, scope="session")
def _geourb_test_settings(tmp_path_factory):
    """Use the real data as mirror, keep the user's cache, never download, no progress bars."""
    from geourb.settings import settings

    settings.update(mirror_dirs=[SHARED], offline=True, progress=False,
                    data_dir=tmp_path_factory.mktemp("raw"))
    yield


@pytest.fixture(scope="session")
def counties():
    """The full built-in county layer (cached after the first build)."""
    from geourb.counties import load_counties

    return load_counties()
