"""Time-series benchmarks with the regressor: Mackey-Glass and NARMA-10 (README numbers)."""

import pytest

from lnn_core import EchoStateRegressor, nrmse, valid_time
from lnn_core.data.generators import mackey_glass, narma10

WASHOUT = 100
#: The configuration the README reports for Mackey-Glass.
MACKEY_GLASS = dict(n_units=500, input_scaling=1.0, spectral_radius=0.95, bias_scaling=0.5,
                    ridge=1e-9, washout=WASHOUT, random_state=0)
#: ... and for NARMA-10.
NARMA = dict(n_units=500, input_scaling=0.2, spectral_radius=0.95, bias_scaling=0.5,
             ridge=1e-8, washout=200, random_state=0)


@pytest.fixture(scope="module")
def mackey_glass_fit():
    series = mackey_glass(3000, tau=17, seed=0).values.reshape(-1, 1)
    U, Y = series[:-1], series[1:, 0]                    # one step ahead
    n_train = WASHOUT + 2000
    reg = EchoStateRegressor(**MACKEY_GLASS).fit(U[:n_train], Y[:n_train])
    return reg, U, Y, n_train


def test_mackey_glass_one_step_nrmse(mackey_glass_fit):
    reg, U, Y, n_train = mackey_glass_fit
    pred = reg.predict(U[:n_train + 500])[n_train:]     # 500 test steps after training
    assert nrmse(Y[n_train:n_train + 500], pred) <= 5e-4


def test_mackey_glass_closed_loop_stays_close_100_steps(mackey_glass_fit):
    reg, U, Y, n_train = mackey_glass_fit
    generated = reg.generate(300, warmup=U[:n_train])  # first output predicts Y[n_train - 1]
    truth = Y[n_train - 1:n_train - 1 + 300]
    assert valid_time(truth, generated, threshold=0.2) >= 100


def test_narma10_nrmse():
    data = narma10(4000, seed=0)
    u, y = data.values.reshape(-1, 1), data.target
    n_train = 200 + 2800
    reg = EchoStateRegressor(**NARMA).fit(u[:n_train], y[:n_train])
    pred = reg.predict(u[:n_train + 1000])[n_train:]
    assert nrmse(y[n_train:n_train + 1000], pred) <= 0.2
