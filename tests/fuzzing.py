"""Shared settings for fuzz tests: a short, deterministic budget in `make test`, a long
random one in `make fuzz` (HYPOTHESIS_PROFILE=long), and a generous time bound per input.

    from fuzzing import fuzz_settings, within

    @pytest.mark.fuzz
    @fuzz_settings(50)             # 50 examples in `make test`, 50 x LONG_FACTOR in `make fuzz`
    @given(st.text())
    def test_parser_never_crashes(text):
        with within(2.0):
            parse(text)
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import HealthCheck, settings

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
LONG_FACTOR = 40


def fuzz_settings(examples: int) -> settings:
    """`examples` in CI (derandomized: the same inputs every run), LONG_FACTOR times more,
    random, under `make fuzz`. No per-example deadline: time is checked by `within`."""
    return settings(
        max_examples=examples * (LONG_FACTOR if LONG else 1),
        deadline=None,
        derandomize=not LONG,
        suppress_health_check=list(HealthCheck),
        database=None if not LONG else settings.default.database,
    )


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Fail when the block takes longer than `seconds` (a generous bound: a linear parser
    takes milliseconds; a quadratic or exponential one blows through it)."""
    started = time.perf_counter()
    yield
    took = time.perf_counter() - started
    assert took < seconds, f"took {took:.1f} s, over the {seconds:g} s bound for one input"
