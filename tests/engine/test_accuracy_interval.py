"""The 95 % Wilson interval of an accuracy: a published table and the closed form."""

import math

import pytest

from lnn_core.engine.metrics import accuracy_interval

#: Newcombe (1998), "Two-sided confidence intervals for the single proportion", Statistics in
#: Medicine 17, 857-872, Table I, method 3 (score interval without continuity correction).
NEWCOMBE = {(81, 263): (0.2553, 0.3662), (15, 148): (0.0624, 0.1605),
            (0, 20): (0.0, 0.1611), (1, 29): (0.0061, 0.1718), (29, 29): (0.8830, 1.0)}


@pytest.mark.parametrize(("counts", "expected"), NEWCOMBE.items())
def test_matches_newcombes_table(counts, expected):
    low, high = accuracy_interval(*counts)
    assert (round(low, 4), round(high, 4)) == expected


def test_bounds_are_the_roots_of_the_score_equation():
    """Wilson's bounds are the p0 where |p - p0| = z sqrt(p0 (1 - p0) / n)."""
    z = 1.959963984540054
    for correct, total in ((12, 13), (50, 60), (7, 30)):
        p = correct / total
        for bound in accuracy_interval(correct, total):
            assert abs(p - bound) == pytest.approx(z * math.sqrt(bound * (1 - bound) / total),
                                                   rel=1e-9)


def test_narrows_with_more_test_samples_and_checks_its_input():
    widths = [h - lo for lo, h in (accuracy_interval(9 * n // 10, n) for n in (10, 100, 1000))]
    assert widths[0] > widths[1] > widths[2]
    assert accuracy_interval(13, 13, confidence=0.99)[0] < accuracy_interval(13, 13)[0]
    with pytest.raises(ValueError, match="n_correct"):
        accuracy_interval(14, 13)
    with pytest.raises(ValueError, match="n_total"):
        accuracy_interval(0, 0)
