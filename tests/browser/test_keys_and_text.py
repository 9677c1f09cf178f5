"""Many users, one server: each session gets its own model, and user text stays text.

* Two sessions upload different CSVs with the same file name and size (the
  same 8×8 digits, other labels) and train: each sees the numbers of a
  direct ``lnn_core`` fit of its own data and downloads its own model.
* A link whose every query parameter carries Markdown / HTML (a link to
  ``evil.example``, an image from ``attacker.example``, raw ``<img>``, a
  backtick breakout) opens every page: no such link or image appears and the
  browser asks no host but 127.0.0.1.  The same for a results CSV on the
  Sweep page and a file / column name on the Time series page.
"""

from urllib.parse import quote, urlparse

import numpy as np
import pytest
from sklearn.datasets import load_digits

from lnn_core.data import datasets
from lnn_core.engine.model_io import load_model
from lnn_core.lab import digit_experiments as experiments
from lnn_core.sweep.space import PARAMETERS, RESULT_COLUMNS
from pages._ui.params import PARAM_NAMES, ReservoirParams
from pages._ui.shell import PAGES

from .conftest import RUN_TIMEOUT_MS, VIEWPORT
from .test_e2e import (
    assert_no_error,
    choose,
    metric_value,
    open_page,
    percent,
    rerun,
    uploader_input,
    wait_for_app,
)

pytestmark = pytest.mark.browser

#: Markdown / HTML a shared link or a file may carry (each at most 100 characters, the most
#: of a rejected query value the app shows).
PAYLOADS = (
    ("1` **Session expired.** [Sign in](https://evil.example/login) "
     "![](http://attacker.example/pixel.png)"),
    ('` www.evil.example <img src="http://attacker.example/raw.png"> '
     "<a href=https://evil.example>a</a>"),
)
#: Every query parameter the app reads: the shared reservoir, presenter mode, Dynamics' widgets.
QUERY_NAMES = (*PARAM_NAMES, "presenter", "input_signal", "n_steps")
#: Anything that would show the payload worked: a link to evil.example (HTML or Plotly's SVG)
#: or an image from attacker.example.
INJECTED = ('a[href*="evil.example"], [*|href*="evil.example"], img[src*="attacker"], '
            '[*|href*="attacker"]')


# ----------------------------------------------------------------------------- helpers

def watch_requests(page):
    """Start recording every URL the page requests; returns the (growing) list."""
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def shown(text):
    """``text`` without the invisible word joiners that keep bare URLs from being linked."""
    return text.replace("\u2060", "")


def assert_inert(page, urls, where):
    """No injected link or image on the page, and no request to a host but 127.0.0.1."""
    page.wait_for_timeout(1000)             # an injected image would be requested by now
    injected = page.locator(INJECTED)
    assert injected.count() == 0, f"{where}: {injected.first.evaluate('e => e.outerHTML')}"
    foreign = [url for url in urls if urlparse(url).scheme in ("http", "https", "ws", "wss")
               and urlparse(url).hostname != "127.0.0.1"]
    assert foreign == [], f"{where}: requests to {foreign}"


def digits_csv(path, labels):
    """The first ``len(labels)`` 8×8 digits as a 28×28 MNIST CSV (label, 784 pixels 0..255).

    Each pixel becomes a 3×3 block, with a 2-pixel border: the same bytes for
    the same labels, the same size for any labels 0..9.
    """
    images = load_digits().images[:len(labels)]                             # 0..16
    big = np.pad(np.kron(images, np.ones((1, 3, 3))), ((0, 0), (2, 2), (2, 2)))
    pixels = np.rint(big.reshape(len(labels), -1) * 255 / 16).astype(int)
    path.write_text("\n".join(",".join(map(str, [label, *row]))
                              for label, row in zip(labels, pixels)) + "\n")
    return path


def direct_fit(path):
    """What the MNIST page must show for ``path`` with its default settings: a direct fit.

    The readout defaults are those of ``pages._ui.mnist_tabs.readout_ui``.
    """
    data = datasets.load_mnist(str(path))
    readout = {"pooling": "mean+last", "n_points": 4, "bidirectional": False}
    kwargs = tuple(sorted((ReservoirParams().estimator_kwargs() | readout).items()))
    n_train = experiments.nearest(experiments.training_sizes(len(data.y_train)), 10000)
    run = experiments.fit_and_score(data.X_train, data.y_train, data.X_test, data.y_test,
                                    kwargs, n_train=n_train)
    return data, run


def upload_and_train(page, base_url, path):
    """Open MNIST in ``page``, upload ``path``, press Train; return (train, test) accuracy."""
    open_page(page, base_url, "mnist")
    choose(page, "Upload (npz / IDX / CSV)")
    rerun(page, lambda: uploader_input(page, "CSV (label, 784 pixels)").set_input_files(path))
    rerun(page, page.get_by_role("button", name="Train", exact=True).click)
    return percent(metric_value(page, "Train accuracy")), percent(metric_value(page,
                                                                               "Test accuracy"))


def download_model(page, folder):
    """The model offered on the Export / import tab, loaded back."""
    rerun(page, page.get_by_role("tab", name="Export / import").click)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download model (.npz)").click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return load_model(path.read_bytes())


def new_page(browser):
    """A page in a new browser context: a session of its own."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(RUN_TIMEOUT_MS)
    return context.new_page()


def select(page, label, option):
    """Pick ``option`` in the ``st.selectbox`` labelled ``label``."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label)
    box.click()
    rerun(page, page.get_by_role("option", name=option, exact=True).click)


# ----------------------------------------------------------------------------- one model each

@pytest.mark.timeout(480)
def test_two_students_same_file_name_each_get_their_own_model(browser, base_url, tmp_path):
    """Same name, same size, same images, other labels: each session trains and downloads its
    own model (the old key, the upload's description, handed B the model of A)."""
    n_images = 600
    true_labels = load_digits().target[:n_images]
    other_labels = np.random.default_rng(7).permutation(true_labels)     # same counts per digit
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    file_a = digits_csv(tmp_path / "a" / "digits.csv", true_labels)
    file_b = digits_csv(tmp_path / "b" / "digits.csv", other_labels)
    assert file_a.stat().st_size == file_b.stat().st_size and \
        file_a.read_bytes() != file_b.read_bytes()

    page_a, page_b = new_page(browser), new_page(browser)
    try:
        scores_a = upload_and_train(page_a, base_url, file_a)
        scores_b = upload_and_train(page_b, base_url, file_b)
        model_a = download_model(page_a, tmp_path / "a")
        model_b = download_model(page_b, tmp_path / "b")
        assert_no_error(page_b, "/mnist after the second student trained")
    finally:
        page_a.context.close()
        page_b.context.close()

    data_a, run_a = direct_fit(file_a)
    data_b, run_b = direct_fit(file_b)
    one_image = 1 / len(data_a.y_test)               # the page rounds to 0.1 %
    assert scores_a == pytest.approx((run_a.train_accuracy, run_a.test_accuracy), abs=one_image)
    assert scores_b == pytest.approx((run_b.train_accuracy, run_b.test_accuracy), abs=one_image)
    assert run_a.test_accuracy > 0.8 and run_b.test_accuracy < 0.4     # the two really differ
    # each download is that session's model: it predicts like the direct fit of its own data
    for model, run, data in ((model_a, run_a, data_a), (model_b, run_b, data_b)):
        predicted = model.predict(data.X_test)
        assert np.mean(predicted == run.test_pred) >= 0.99
    assert np.mean(model_a.predict(data_b.X_test) == model_b.predict(data_b.X_test)) < 0.5


# ----------------------------------------------------------------------------- text stays text

@pytest.mark.timeout(600)
@pytest.mark.parametrize("payload", PAYLOADS, ids=["markdown", "html"])
def test_a_link_with_markdown_in_every_parameter_injects_nothing(page, base_url, payload):
    """Every page, every query parameter the app reads set to the payload."""
    urls = watch_requests(page)
    query = "&".join(f"{name}={quote(payload)}" for name in QUERY_NAMES)
    for _, title, _, url_path in PAGES:
        open_page(page, base_url, f"{url_path or ''}?{query}")
        assert_inert(page, urls, f"{title} opened with {payload!r} in every parameter")
        assert page.locator('[data-testid="stException"]').count() == 0, title
    # the app's own warning names the value, quoted and literal, and uses the default
    open_page(page, base_url, f"reservoir?spectral_radius={quote(payload)}")
    warning = page.locator('[data-testid="stAlertContentWarning"]').first.inner_text()
    assert f"spectral_radius to “{payload}”" in shown(warning), warning
    assert metric_value(page, "Spectral radius") == "0.9"
    assert_inert(page, urls, "reservoir with the payload in spectral_radius")


def results_csv(path, task, score="0.9"):
    """A two-point sweep results CSV whose ``task`` cells (and maybe a score) are ``task``."""
    rows = [",".join(RESULT_COLUMNS)]
    for point, radius in enumerate((0.5, 0.9)):
        values = dict(zip(PARAMETERS, (50, radius, 0.1, 0.5, 0.2, 0.3, 1e-4)))
        cells = [str(point), f'"{task}"', "accuracy", *(f"{values[n]:g}" for n in PARAMETERS),
                 "0", score if point else "0.8"]
        rows.append(",".join(cells))
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.mark.timeout(300)
def test_a_results_csv_with_markdown_fields_injects_nothing(page, base_url, tmp_path):
    urls = watch_requests(page)
    open_page(page, base_url, "sweep")
    select(page, "Data", "Results CSV from the CLI")
    upload = uploader_input(page, "Results CSV written by")
    rerun(page, lambda: upload.set_input_files(results_csv(tmp_path / "results.csv", PAYLOADS[0])))
    best = page.locator('[data-testid="stAlertContentSuccess"]').first.inner_text()
    assert "[Sign in](https:" in shown(best), best                       # shown, literally
    assert_inert(page, urls, "Sweep with a results CSV whose task is Markdown")
    # a cell the reader rejects is quoted in the error: still text
    bad = results_csv(tmp_path / "bad.csv", "digits", score=PAYLOADS[1].replace('"', ''))
    rerun(page, lambda: upload.set_input_files(bad))
    error = page.locator('[data-testid="stAlertContentError"]').first.inner_text()
    assert "column score must be a number" in error and "www.evil" in shown(error), error
    assert_inert(page, urls, "Sweep with a results CSV whose score is HTML")


@pytest.mark.timeout(300)
def test_a_time_series_file_and_column_named_in_markdown_inject_nothing(page, base_url):
    urls = watch_requests(page)
    column = "<a href=https://evil.example>x</a> ![](http://attacker.example/c.png)"
    t = np.arange(800)
    text = f"time,{column},y\n" + "".join(f"{k},{np.sin(k / 9):.5f},{np.cos(k / 7):.5f}\n"
                                          for k in t)
    name = "[Sign in](https:evil.example) ![](http:attacker.example) `x.csv"
    open_page(page, base_url, "timeseries")
    choose(page, "Upload")
    rerun(page, lambda: uploader_input(page, "CSV or .ts file").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": text.encode()}))
    wait_for_app(page)
    caption = shown(page.locator('[data-testid="stCaptionContainer"]').filter(
        has_text="numeric columns").first.inner_text())
    assert caption.startswith(f"{name}: 800 rows"), caption              # the name, literally
    assert column in page.get_by_test_id("stMultiSelect").first.inner_text()
    assert float(metric_value(page, "Test NRMSE")) < 1
    title = page.evaluate("() => document.querySelector('.js-plotly-plot').layout.title.text")
    assert "&lt;a href=" in title, title                       # the column, as text
    assert_inert(page, urls, "Time series with a Markdown file name and an HTML column name")
    assert_no_error(page, "/timeseries with Markdown names")
