"""Liquid-neuron page: three cells side by side, effective τ, and a comparison on digits."""

from tests.app.conftest import chart_specs, open_page

PAGE = "pages/liquid.py"


def test_renders_with_defaults():
    at = open_page(PAGE)
    assert not at.exception and not at.error
    specs = chart_specs(at)
    assert len(specs) == 4          # trajectories, effective τ, step and impulse responses
    assert any(t.get("type") == "heatmap" for t in specs[1]["data"])


def test_ltc_sliders_change_the_time_constants():
    at = open_page(PAGE)
    before = chart_specs(at)[1]
    at.slider(key="tau_range").set_value((2.0, 10.0)).run()
    assert not at.exception and not at.error
    assert chart_specs(at)[1]["data"][1]["z"] != before["data"][1]["z"]


def test_comparison_on_digits_fills_table_and_chart():
    at = open_page(PAGE)
    next(b for b in at.button if b.label == "Compare the three neurons").click().run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert len(table) == 3
    assert (table["accuracy"] >= 0.9).all()
    assert "three neuron types" in chart_specs(at)[-1]["layout"]["title"]["text"]
    next(b for b in at.button if b.label == "Compare the three neurons").click().run()
    assert not at.exception and not at.error, "a cache hit must replay cleanly"


def test_the_page_says_how_far_each_neuron_type_swings_and_input_scaling_moves_it():
    """LTC neurons move at the defaults (at least a third of the ESN's swing; was a 30th)."""
    import re

    def swings(at):
        text = next(c.value for c in at.caption if c.value.startswith("How far the input"))
        return [float(v) for v in re.findall(r"\) ([0-9.e-]+)[,.]", text)]

    at = open_page(PAGE)
    esn, ltc, cfc = swings(at)
    assert esn / 3 <= ltc < esn and cfc > esn / 3
    at.slider(key="input_scaling").set_value(3.0).run()
    assert not at.exception and swings(at)[1] > 2 * ltc


def test_the_equations_are_on_the_page():
    at = open_page(PAGE)
    text = " ".join(m.value for m in at.markdown)
    assert "E_{ij}" in text and r"\sigma(-f \Delta_t)" in text and "ignores elapsed time" in text


def test_irregular_sampling_experiment_scores_the_three_neurons_side_by_side():
    at = open_page(PAGE)
    at.slider(key="n_units").set_value(60).run()
    next(b for b in at.button if b.label == "Run the irregular-sampling experiment").click().run(
        timeout=600)
    assert not at.exception and not at.error
    table = at.dataframe[-1].value.set_index("model")
    assert list(table.index) == ["ESN", "ESN + Δt input", "LTC", "CfC"]
    assert list(table.columns) == ["regular", "irregular"]
    assert ((table >= 0.34) & (table <= 1.0)).all().all()      # above chance (3 classes)
    figure = chart_specs(at)[-1]
    assert figure["layout"]["title"]["text"] == "Irregular sampling: elapsed time as input"
    assert {t["name"] for t in figure["data"] if t["type"] == "bar"} == {
        "regular sampling", "irregular sampling"}
    caption = next(c.value for c in at.caption if c.value.startswith("Irregular sampling moves"))
    assert f"{table.loc['LTC', 'irregular']:.1%}" in caption
