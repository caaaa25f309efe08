"""Tests for compiler.accounts.balance (GRAS; Junius & Oosterhaven 2003, Temurshoev et al. 2013).

Tolerances: targets are checked to 1e-9 (the default ``tol``); comparisons against
hand-computed or independently computed solutions use ``atol=1e-9`` with ``tol=1e-12``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import compiler.accounts.balance as balance
from compiler.accounts.balance import (
    GrasConvergenceError,
    InfeasibleTargetsError,
    gras,
    gras_frame,
)

# Example of Temurshoev, Miller & Bouwmeester (2013), after Junius & Oosterhaven (2003).
TMB_X0 = np.array([[7.0, 3, 5, -3], [2, 9, 8, 0], [-2, 0, 2, 1]])
TMB_U = np.array([15.0, 26, -1])
TMB_V = np.array([9.0, 16, 17, -2])


def _gras_form(x0, r, s):
    """r̂ P ŝ - r̂⁻¹ N ŝ⁻¹ (TMB 2013)."""
    p, n = np.maximum(x0, 0), np.maximum(-x0, 0)
    return r[:, None] * p * s[None, :] - n / r[:, None] / s[None, :]


def _ras(x0, u, v, tol=1e-14, max_iter=100_000):
    """Textbook RAS with explicit per-row/per-column loops (reference implementation)."""
    x = x0.astype(float).copy()
    m, n = x.shape
    for _ in range(max_iter):
        for i in range(m):
            rs = x[i].sum()
            if rs > 0:
                x[i] *= u[i] / rs
        for j in range(n):
            cs = x[:, j].sum()
            if cs > 0:
                x[:, j] *= v[j] / cs
        if np.max(np.abs(x.sum(axis=1) - u) / np.maximum(1, np.abs(u))) < tol:
            return x
    raise AssertionError("reference RAS did not converge")


def _assert_balanced(x, u, v, tol=1e-9):
    assert np.all(np.abs(x.sum(axis=1) - u) <= tol * np.maximum(1, np.abs(u)))
    assert np.all(np.abs(x.sum(axis=0) - v) <= tol * np.maximum(1, np.abs(v)))


# --------------------------------------------------------------------------- solutions


def test_tmb_example_meets_targets_and_gras_properties():
    res = gras(TMB_X0, TMB_U, TMB_V)
    x = res.matrix
    assert res.converged and res.max_residual <= 1e-9
    _assert_balanced(x, TMB_U, TMB_V)
    assert np.all(np.sign(x) == np.sign(TMB_X0))  # signs kept, zeros stay zero
    assert np.all(res.row_multipliers > 0) and np.all(res.col_multipliers > 0)
    np.testing.assert_allclose(
        x, _gras_form(TMB_X0, res.row_multipliers, res.col_multipliers), rtol=0, atol=1e-12
    )


def test_known_solution_2x2_by_hand():
    # X0 = [[1, -1], [1, 1]] with r = (2, 1), s = (1, 2) gives
    # X = [[2*1*1, -1/(2*2)], [1*1*1, 1*1*2]] = [[2, -0.25], [1, 2]]:
    # u = (1.75, 3), v = (3, 1.75). The GRAS solution is unique (strictly convex objective).
    x0 = np.array([[1.0, -1.0], [1.0, 1.0]])
    res = gras(x0, [1.75, 3.0], [3.0, 1.75], tol=1e-12)
    np.testing.assert_allclose(res.matrix, [[2.0, -0.25], [1.0, 2.0]], rtol=0, atol=1e-9)


def test_known_solution_from_chosen_multipliers():
    # Any matrix of the GRAS form that meets the targets is the GRAS solution, so build
    # targets from chosen multipliers and check that gras recovers the matrix.
    r, s = np.array([1.5, 0.8, 2.0]), np.array([1.0, 0.5, 2.0, 1.25])
    expected = _gras_form(TMB_X0, r, s)
    res = gras(TMB_X0, expected.sum(axis=1), expected.sum(axis=0), tol=1e-12)
    np.testing.assert_allclose(res.matrix, expected, rtol=0, atol=1e-9)
    # Multipliers are unique up to r*c, s/c; the matrix they generate is the same.
    np.testing.assert_allclose(
        _gras_form(TMB_X0, res.row_multipliers, res.col_multipliers), expected, atol=1e-9
    )


def test_already_balanced_returns_x0_unchanged():
    res = gras(TMB_X0, TMB_X0.sum(axis=1), TMB_X0.sum(axis=0))
    assert res.iterations <= 1
    assert np.array_equal(res.matrix, TMB_X0)
    assert res.converged and res.max_residual == 0.0
    assert res.largest_moves() == []


def test_positive_matrix_equals_ras():
    rng = np.random.default_rng(42)
    x0 = rng.uniform(0.5, 10, size=(6, 5))
    x0[1, 3] = 0.0
    target = x0 * rng.uniform(0.7, 1.4, size=x0.shape)
    u, v = target.sum(axis=1), target.sum(axis=0)
    res = gras(x0, u, v, tol=1e-12)
    np.testing.assert_allclose(res.matrix, _ras(x0, u, v), rtol=0, atol=1e-9)
    assert res.matrix[1, 3] == 0.0


def test_ras_2x2_cross_ratio_by_hand():
    # RAS keeps the cross ratio x11*x22/(x12*x21) = 1 of a matrix of ones:
    # [[a, 2-a], [3-a, 9+a]] with a(9+a) = (2-a)(3-a)  =>  a = 3/7.
    res = gras(np.ones((2, 2)), [2.0, 12.0], [3.0, 11.0], tol=1e-12)
    np.testing.assert_allclose(res.matrix, np.array([[3, 11], [18, 66]]) / 7, rtol=0, atol=1e-9)


def test_fixed_cells_keep_their_value():
    fixed = np.zeros_like(TMB_X0, dtype=bool)
    fixed[0, 1] = fixed[2, 0] = fixed[1, 2] = True
    res = gras(TMB_X0, TMB_U, TMB_V, fixed=fixed)
    assert np.array_equal(res.matrix[fixed], TMB_X0[fixed])  # exactly
    _assert_balanced(res.matrix, TMB_U, TMB_V)
    assert np.all(np.sign(res.matrix) == np.sign(TMB_X0))
    # free cells follow the GRAS form, the fixed ones are left out of it
    free = ~fixed
    np.testing.assert_allclose(
        res.matrix[free],
        _gras_form(TMB_X0, res.row_multipliers, res.col_multipliers)[free],
        atol=1e-12,
    )
    assert not res.active[fixed].any()


def test_zero_target_with_single_signed_row_zeroes_the_row():
    x0 = np.array([[1.0, 2, 0], [3, 1, 2], [1, 1, -1]])
    u = np.array([0.0, 8, 1])
    v = np.array([4.0, 4, 1])
    res = gras(x0, u, v)
    assert np.array_equal(res.matrix[0], [0.0, 0.0, 0.0])
    _assert_balanced(res.matrix, u, v)
    assert res.matrix[2, 2] < 0


@pytest.mark.parametrize("density", [0.0, 1.0])
def test_sparse_and_dense_paths_agree(monkeypatch, density):
    rng = np.random.default_rng(7)
    x0 = rng.uniform(1, 5, size=(40, 30))
    x0[rng.random(x0.shape) < 0.05] *= -1
    x0[rng.random(x0.shape) < 0.2] = 0
    target = x0 * rng.uniform(0.8, 1.25, size=x0.shape)
    u, v = target.sum(axis=1), target.sum(axis=0)
    ref = gras(x0, u, v, tol=1e-12)
    monkeypatch.setattr(balance, "_SPARSE_DENSITY", density)
    other = gras(x0, u, v, tol=1e-12)
    np.testing.assert_allclose(other.matrix, ref.matrix, rtol=0, atol=1e-9)
    _assert_balanced(other.matrix, u, v)
    assert np.all(np.sign(other.matrix) == np.sign(x0))


# --------------------------------------------------------------------------- infeasible

LABELS = ["software", "databases", "data"]


def test_opposite_sign_row_is_named():
    x0 = np.array([[1.0, 2], [3, 4], [1, 1]])
    with pytest.raises(InfeasibleTargetsError, match=r"product 'data' \(row 2\)") as err:
        gras(x0, [6.0, 7, -1], [4.0, 8], row_labels=LABELS, row_name="product")
    (problem,) = err.value.problems
    assert (problem.kind, problem.axis, problem.index, problem.label) == ("opposite_sign", "row", 2, "data")
    assert "< 0" in problem.message


def test_inconsistent_totals():
    msg = "row targets sum to 40 but column targets to 41"
    with pytest.raises(InfeasibleTargetsError, match=msg) as err:
        gras(TMB_X0, TMB_U, TMB_V + np.array([0, 0, 1, 0]))
    assert [p.kind for p in err.value.problems] == ["totals"]


def test_zero_row_with_nonzero_target_is_named():
    x0 = np.array([[1.0, 2], [3, 4], [0, 0]])
    msg = r"'data' \(row 2\).*all its free entries are zero"
    with pytest.raises(InfeasibleTargetsError, match=msg) as err:
        gras(x0, [3.0, 7, 2], [5.0, 7], row_labels=LABELS)
    assert err.value.problems[0].label == "data"


def test_column_with_only_fixed_cells_is_named():
    x0 = np.array([[1.0, 2], [3, 4]])
    fixed = np.array([[False, True], [False, True]])
    msg = r"industry 'J63' \(column 1\) has only fixed cells"
    with pytest.raises(InfeasibleTargetsError, match=msg) as err:
        gras(x0, [4.0, 7], [4.0, 7], fixed=fixed, col_labels=["J62", "J63"], col_name="industry")
    (problem,) = err.value.problems
    assert (problem.kind, problem.axis, problem.label) == ("only_fixed", "column", "J63")


def test_all_problems_reported_together():
    x0 = np.array([[1.0, 2], [0, 0], [1, 1]])
    with pytest.raises(InfeasibleTargetsError) as err:
        gras(x0, [-1.0, 5, 2], [1.0, 2], row_labels=LABELS)
    kinds = {(p.kind, p.label) for p in err.value.problems}
    assert kinds == {("totals", None), ("opposite_sign", "software"), ("all_zero", "databases")}


# --------------------------------------------------------------------------- convergence


def test_nonconvergence_raises():
    with pytest.raises(GrasConvergenceError, match="did not converge in 1 iterations") as err:
        gras(TMB_X0, TMB_U, TMB_V, max_iter=1)
    assert err.value.iterations == 1
    assert err.value.max_residual > 1e-9
    res = gras(TMB_X0, TMB_U, TMB_V, max_iter=1, raise_on_nonconvergence=False)
    assert not res.converged and res.iterations == 1 and res.max_residual > 1e-9


def test_pattern_infeasibility_beyond_the_checks_raises_convergence_error():
    # Row 0 can only fill column 0 (5 > v_0 = 1): passes the per-row/column checks.
    with pytest.raises(GrasConvergenceError) as err:
        gras(np.array([[1.0, 0], [1, 1]]), [5.0, 1], [1.0, 5])
    assert err.value.iterations >= 1


def test_largest_moves_reports_the_cell_changed_most():
    res = gras(np.ones((2, 2)), [2.0, 12.0], [3.0, 11.0], tol=1e-12)
    moves = res.largest_moves(k=2)
    assert len(moves) == 2
    top = moves[0]
    assert (top.row, top.col, top.before) == (1, 1, 1.0)
    assert top.after == pytest.approx(66 / 7, abs=1e-9)
    assert top.change == pytest.approx(59 / 7, abs=1e-9)
    assert top.rel_change == pytest.approx(59 / 7, abs=1e-9)
    assert (moves[1].row, moves[1].col) == (1, 0)
    assert moves[1].change == pytest.approx(11 / 7, abs=1e-9)
    rel = res.largest_moves(k=1, by="relative")
    assert (rel[0].row, rel[0].col) == (1, 1)


# --------------------------------------------------------------------------- pandas / inputs


def test_gras_frame_aligns_by_label_and_names_labels():
    idx = pd.Index(["software", "databases", "data"], name="product")
    cols = pd.Index(["J62", "J63", "M72", "S1"], name="industry")
    x0 = pd.DataFrame(TMB_X0, index=idx, columns=cols)
    u = pd.Series(TMB_U, index=idx)[::-1]  # shuffled order
    v = pd.Series(TMB_V, index=cols).iloc[[2, 0, 3, 1]]
    fixed = pd.DataFrame({"J63": [True]}, index=["software"])
    out, res = gras_frame(x0, u, v, fixed=fixed)
    assert list(out.index) == list(idx) and list(out.columns) == list(cols)
    assert out.loc["software", "J63"] == 3.0
    _assert_balanced(out.to_numpy(), TMB_U, TMB_V)
    bad = u.copy()
    bad["databases"], bad["data"] = -1.0, 26.0  # same total; 'databases' has no negative cell
    with pytest.raises(InfeasibleTargetsError, match=r"product 'databases' \(row 1\)"):
        gras_frame(x0, bad, v)
    with pytest.raises(ValueError, match="missing"):
        gras_frame(x0, u.drop("data"), v)


def test_invalid_inputs():
    with pytest.raises(ValueError, match="shapes"):
        gras(TMB_X0, TMB_U[:2], TMB_V)
    with pytest.raises(ValueError, match="finite"):
        gras(np.array([[np.nan, 1.0]]), [1.0], [0.5, 0.5])
    with pytest.raises(ValueError, match="fixed"):
        gras(TMB_X0, TMB_U, TMB_V, fixed=np.zeros((2, 2), bool))
