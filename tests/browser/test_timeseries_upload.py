"""Real browser: an archive problem's TRAIN and TEST .ts files, scored on the TEST file with
its 95 % interval (issue 13).

Before, only one file could be uploaded and the page scored a quarter of it, with no interval.
"""

import re

import numpy as np
import pytest

from lnn_core.engine.metrics import accuracy_interval
from tests.browser.test_e2e import (
    assert_no_error,
    choose,
    metric_value,
    open_page,
    percent,
    rerun,
    screenshot,
    uploader_input,
)

LENGTH = 60


def ts_file(path, problem, n_series, seed):
    """A univariate .ts file of the UEA/UCR archive: noisy sines and noisy square waves of
    random phase and period, alternating."""
    rng = np.random.default_rng(seed)
    t = np.arange(LENGTH)
    lines = [f"@problemName {problem}", "@timeStamps false", "@missing false",
             "@univariate true", "@equalLength true", f"@seriesLength {LENGTH}",
             "@classLabel true sine square", "@data"]
    for i in range(n_series):
        period, phase = rng.uniform(12, 20), rng.uniform(0, 2 * np.pi)
        wave = np.sin(2 * np.pi * t / period + phase)
        label = "sine" if i % 2 else "square"
        values = (wave if label == "sine" else np.sign(wave)) + 0.3 * rng.standard_normal(LENGTH)
        lines.append(",".join(f"{v:.4f}" for v in values) + f":{label}")
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.timeout(300)
def test_train_and_test_ts_files_score_on_the_test_file_with_an_interval(page, base_url,
                                                                        tmp_path):
    train = ts_file(tmp_path / "Waves_TRAIN.ts", "Waves", 40, seed=0)
    test = ts_file(tmp_path / "Waves_TEST.ts", "Waves", 60, seed=1)
    open_page(page, base_url, "timeseries?n_units=100")
    choose(page, "Upload")
    rerun(page, lambda: uploader_input(page, "CSV or .ts file").set_input_files(train))
    rerun(page, lambda: uploader_input(page, "Test file").set_input_files(test))
    assert page.get_by_text("Waves_TEST.ts: 60 series").first.is_visible()
    rerun(page, page.get_by_role("button", name="Train classifier").click)
    assert metric_value(page, "Test sequences") == "60"
    accuracy = percent(metric_value(page, "Test accuracy"))
    interval = metric_value(page, "95 % interval")
    match = re.fullmatch(r"([\d.]+)% – ([\d.]+)%", interval)
    assert match, interval
    low, high = accuracy_interval(round(accuracy * 60), 60)
    assert (match.group(1), match.group(2)) == (f"{100 * low:.1f}", f"{100 * high:.1f}")
    assert accuracy >= 0.8, f"sine against square waves: {accuracy:.1%}"
    assert page.get_by_text("Trained on all 40 sequences of the training file, scored on the "
                            "60 of the test file.").is_visible()
    assert_no_error(page, "/timeseries after training on a TRAIN and a TEST file")
    screenshot(page, "timeseries_train_test")
