"""MNIST page: renders, trains on the 8×8 digits, refuses bad uploads, round-trips a model."""

import numpy as np
import pytest

from tests.app.conftest import chart_specs, open_page

PAGE = "pages/mnist.py"


@pytest.fixture(scope="module")
def trained():
    """The page after pressing Train on the default data (8×8 digits)."""
    at = open_page(PAGE)
    next(b for b in at.button if b.label == "Train").click().run()
    return at


def percent(metric):
    return float(metric.value.rstrip("%")) / 100


def test_renders_with_defaults():
    at = open_page(PAGE)
    assert not at.exception
    assert not at.error
    assert at.title[0].value.startswith("MNIST")
    assert any("8×8 digits" in c.value for c in at.caption)


def test_training_on_digits_reaches_ninety_percent(trained):
    assert not trained.exception and not trained.error
    metrics = {m.label: m for m in trained.metric}
    assert percent(metrics["Test accuracy"]) >= 0.9
    assert percent(metrics["Train accuracy"]) >= percent(metrics["Test accuracy"]) - 0.05
    titles = [spec["layout"].get("title", {}).get("text", "") for spec in chart_specs(trained)]
    assert any("Confusion" in t for t in titles)
    assert any(t.startswith("Image 0: true") for t in titles)
    assert trained.session_state["runs"][-1]["kind"] == "MNIST"


def test_malformed_upload_shows_an_error():
    at = open_page(PAGE, session={"mnist_source": "upload"})
    at.file_uploader(key="mnist_upload").set_value(("broken.csv", b"label,a\nseven,x\n",
                                                    "text/csv")).run()
    assert not at.exception
    assert at.error, "a malformed upload must be reported with st.error"


def test_model_file_round_trip_predicts_identically(trained):
    model_file = trained.session_state["mnist_trained"].model_file
    trained.session_state["mnist_tab"] = "Export / import"
    trained.run()
    trained.file_uploader(key="mnist_model_upload").set_value(
        ("mnist_reservoir.npz", model_file, "application/octet-stream")).run()
    assert not trained.exception and not trained.error
    n_test = len(trained.session_state["mnist_trained"].run.test_pred)
    assert any(f"{n_test:,} of {n_test:,}" in m.value for m in trained.markdown)


def test_garbage_model_file_shows_an_error(trained):
    trained.session_state["mnist_tab"] = "Export / import"
    trained.file_uploader(key="mnist_model_upload").set_value(
        ("model.npz", b"not a model at all", "application/octet-stream")).run()
    assert not trained.exception
    assert any("not a Liquid Lab model" in e.value for e in trained.error)


def test_draw_tab_asks_for_a_digit_before_anything_is_drawn(trained):
    trained.session_state["mnist_tab"] = "Draw a digit"
    trained.run()
    assert not trained.exception and not trained.error
    assert any("Draw a digit in the black box" in i.value or "not available" in i.value
               for i in trained.info)


def test_article_tab_explains_it_needs_mnist_for_the_digits(trained):
    trained.session_state["mnist_tab"] = "Article vs fixes"
    trained.run()
    assert not trained.exception
    assert any("28×28 MNIST" in i.value for i in trained.info)


def test_training_again_replays_the_cached_run_cleanly(trained):
    """A second session pressing Train hits the cache: its progress bar must replay."""
    at = open_page(PAGE)
    next(b for b in at.button if b.label == "Train").click().run()
    assert not at.exception and not at.error
    assert any(m.label == "Test accuracy" for m in at.metric)


def mnist_csv(n_images=300):
    """A labelled CSV of real MNIST digits (the offline sample): label, then 784 pixels."""
    from lnn_core.data import datasets
    sample = datasets.load_mnist("sample")
    pixels = np.rint(sample.X_train[:n_images].reshape(n_images, -1) * 255).astype(int)
    rows = np.column_stack([sample.y_train[:n_images], pixels])
    return "\n".join(",".join(map(str, row)) for row in rows).encode()


def test_uploaded_csv_runs_the_article_ladder():
    at = open_page(PAGE, session={"mnist_source": "upload", "mnist_tab": "Article vs fixes"})
    at.file_uploader(key="mnist_upload").set_value(("digits.csv", mnist_csv(), "text/csv")).run()
    assert not at.exception and not at.error
    assert any("240" in c.value for c in at.caption)          # 80 % of 300 for training
    next(b for b in at.button if b.label.startswith("Run the article")).click().run()
    assert not at.exception and not at.error
    ladder = chart_specs(at)[-1]
    assert len(ladder["data"][0]["y"]) == 12                 # the article, then one change per rung
    assert ladder["layout"]["shapes"][0]["x0"] == pytest.approx(0.3584)
    runs = [run for run in at.session_state["runs"] if run["kind"] == "Article ladder"]
    assert [run["params"]["rung"] for run in runs] == list(range(12))
    assert runs[0]["params"]["ridge"] == "pseudo-inverse" and runs[-1]["params"]["bidirectional"]
    assert all(0 <= run["metrics"]["test accuracy"] <= 1 for run in runs)


def test_tuned_preset_sets_every_control():
    from lnn_core.lab.article import TUNED
    at = open_page(PAGE)
    next(b for b in at.button if b.label == "Tuned preset").click().run()
    assert not at.exception and not at.error
    assert at.slider(key="n_units").value == TUNED["n_units"]
    assert at.slider(key="leak_rate").value == TUNED["leak_rate"]
    assert at.selectbox(key="mnist_pooling").value == TUNED["pooling"]
    assert at.slider(key="mnist_n_points").value == TUNED["n_points"]
    assert at.toggle(key="mnist_bidirectional").value is TUNED["bidirectional"]


def test_fast_097_preset_trains_the_sample_with_shifted_copies_to_097():
    """The Fast 0.97 preset: its settings and the 1-pixel copies reach the fit, >= 0.97 on the sample."""
    from lnn_core.lab.article import FAST_97, FAST_97_SHIFT
    at = open_page(PAGE, session={"mnist_source": "sample"})
    preset = next(b for b in at.button if b.label == "Fast 0.97 preset")
    assert "0.971" in preset.help and " s " in preset.help
    preset.click().run()
    assert not at.exception and not at.error
    assert at.slider(key="n_units").value == FAST_97["n_units"]
    assert at.select_slider(key="ridge").value == FAST_97["ridge"]
    assert at.toggle(key="mnist_shifted").value is True
    next(b for b in at.button if b.label == "Train").click().run(timeout=180)
    assert not at.exception and not at.error
    trained = at.session_state["mnist_trained"]
    data_key, n_train, estimator_kwargs, shift = trained.key
    assert (data_key, n_train, shift) == ("sample", 4000, FAST_97_SHIFT)
    assert dict(estimator_kwargs)["n_units"] == FAST_97["n_units"]
    metrics = {m.label: m for m in at.metric}
    assert percent(metrics["Test accuracy"]) >= 0.97
    assert at.session_state["runs"][-1]["params"]["shifted copies (pixels)"] == FAST_97_SHIFT


def test_accuracy_curve_against_training_images():
    at = open_page(PAGE, session={"mnist_tab": "Accuracy curves"})
    next(b for b in at.button if b.label == "Compute curve").click().run()
    assert not at.exception and not at.error
    curve = chart_specs(at)[-1]
    train, test = curve["data"]
    assert len(test["x"]) == 3                                   # 500, 1,000, 1,347 images
    assert test["y"][-1] >= 0.9
    assert curve["layout"]["xaxis"]["title"]["text"] == "training images"
    run = at.session_state["runs"][-1]                           # logged for the Runs page
    assert run["kind"] == "Accuracy curve" and run["curves"]["test accuracy"]["y"] == test["y"]


def test_accuracy_curve_against_a_parameter():
    at = open_page(PAGE, session={"mnist_tab": "Accuracy curves"})
    vary = at.selectbox(key="mnist_curve_vary")
    assert vary.options[0] == "training images" and "leak_rate" in vary.options
    vary.set_value("leak_rate").run()
    next(b for b in at.button if b.label == "Compute curve").click().run()
    assert not at.exception and not at.error
    curve = chart_specs(at)[-1]
    assert curve["data"][1]["x"] == [0.1, 0.3, 0.6, 1.0]
    assert curve["layout"]["xaxis"]["title"]["text"] == "leak_rate"
    assert all(0 <= score <= 1 for trace in curve["data"] for score in trace["y"])


def test_a_run_over_the_memory_budget_is_refused_with_a_sentence(monkeypatch):
    """The resource guard: a tiny budget makes training refuse, with st.error, no exception."""
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP
    monkeypatch.setenv("LNN_LAB_MEMORY_BUDGET_MB", "1")
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/mnist.py")
    at.run()
    next(b for b in at.button if b.label == "Train").click().run()
    assert not at.exception
    assert any("budget" in e.value for e in at.error), [e.value for e in at.error]
