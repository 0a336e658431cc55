import pytest

from catalogue.extensions import limiter


@pytest.fixture(autouse=True)
def fresh_rate_limits(app):
    """Every test starts with no login attempts counted."""
    limiter.reset()
    yield
    limiter.reset()
