"""Fixtures shared by the model tests."""

from __future__ import annotations

import pytest

from pipeline.models import claims


@pytest.fixture(scope="module")
def shipped() -> claims.ClaimModel:
    """The shipped claims model (the tests that need it skip when it is not trained)."""
    loaded = claims.load_model()
    if loaded is None:
        pytest.skip("the claims model is not trained")
    return loaded
