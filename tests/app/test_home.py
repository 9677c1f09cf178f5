"""Home page, router and shared sidebar: renders, links, presenter mode, shared links."""


from pages._ui.shell import available_pages


def test_home_renders_with_diagram_and_tour(app_page, charts):
    at = app_page()
    assert not at.exception
    assert at.title[0].value == "Liquid Lab"
    (diagram,) = charts(at)
    names = {t["name"] for t in diagram["data"]}
    assert {"input", "reservoir", "readout", "trained weights"} <= names
    linked = {link.proto.page for link in at.get("page_link")}
    existing = {path for path, *_ in available_pages()} - {"pages/home.py"}
    assert len(linked) == len(existing)


def test_router_lists_only_existing_pages():
    rows = available_pages()
    assert rows[0][0] == "pages/home.py" and rows[0][3] is None
    assert all(row[3] for row in rows[1:])


def test_shared_sidebar_has_presenter_toggle_and_about(app_page):
    at = app_page()
    assert at.sidebar.toggle[0].key == "presenter"
    assert "About" in at.sidebar.caption[0].value


def test_presenter_flag_in_url_turns_presenter_mode_on(app_page):
    at = app_page(query={"presenter": "1"})
    assert not at.exception
    assert at.toggle(key="presenter").value is True
    assert at.query_params["presenter"] == "1"
    assert any("font-size" in element.proto.body for element in at.get("html"))


def test_presenter_link_folds_controls(app_page):
    # The teacher's link (presenter=1) opens straight into presenter mode.
    at = app_page("pages/reservoir.py", query={"n_units": "40", "presenter": "1"})
    assert not at.exception
    assert at.session_state["presenter"] is True
    top_level = [c.key for c in at.sidebar.children.values() if c.type == "slider"]
    folded = [s.key for e in at.sidebar.expander for s in e.slider]
    assert {"n_units", "spectral_radius", "leak_rate"} <= set(top_level)
    assert "density" in folded and "density" not in top_level


def test_invalid_shared_link_value_warns_on_the_page_it_opens(app_page):
    at = app_page("pages/dynamics.py", query={"spectral_radius": "7", "n_units": "20"})
    assert not at.exception
    (warning,) = at.warning
    assert "spectral_radius" in warning.value and "from 0 to 2" in warning.value
    assert at.session_state["_kept_dynamics:spectral_radius"] == 0.9


def test_a_page_opened_directly_runs_the_router(app_page):
    """A shared link opened on a fresh server goes through app.py (pages/_ui/shell.py)."""
    at = app_page("pages/reservoir.py")
    assert [c.type for c in at.sidebar.children.values()][:2] == ["toggle", "caption"]
