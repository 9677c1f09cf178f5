"""Shared UI of Liquid Lab's pages: the only Streamlit code the pages share.

Modules by concern: :mod:`.shell` (page table, shared sidebar, server tuning),
:mod:`.params` (parameters, widgets, URL state), :mod:`.presenter` (presenter mode,
figure style), :mod:`.errors` (``guarded``), :mod:`.runs` (run records, downloads),
:mod:`.progress` (progress bars), :mod:`.mnist_tabs` (the MNIST page's tabs),
:mod:`.text` (user text as text), :mod:`.keys` (content keys of uploads),
:mod:`.tables` (every table: a data grid, HTML in presenter mode).

API
---
``PAGES``, ``available_pages()``
    The page table (path, title, icon, url_path) in menu order, and the rows
    whose file exists; ``app.py`` routes over it and Home links to it.
``ReservoirParams``
    Frozen dataclass of the reservoir and readout parameters, with
    ``.reservoir_kwargs()`` (for ``lnn_core.make_reservoir``) and
    ``.estimator_kwargs()`` (for ``EchoStateClassifier`` / ``EchoStateRegressor``).
``reservoir_controls(*, page, show=PARAM_NAMES, container=st.sidebar)``
    Widgets for the parameters in ``show``; returns a ``ReservoirParams``.
    Each page keeps its own values; they live in its URL (defaults omitted),
    so a link reproduces the view; a bad URL value is ignored with a warning.
    The sidebar names what differs from the defaults and where it came from,
    with *Reset this page* (``reset_page``) and *Reset all pages*.
``apply_preset(values, *, source=None, pages=None)``
    ``on_click`` callback that sets parameters (before the widgets exist), on
    the page the button is on unless ``pages`` names others; ``source`` is
    shown in each page's sidebar.
``linked(widget, *args, key, **kwargs)``
    A page widget bound to the URL (``bind="query-params"``), with a sentence
    when the link's value could not be used.
``exercises_ui(page, **values)``
    The page's guided exercises (:mod:`.exercises`), checked against ``values``;
    the open one is in the URL (``exercise=<name>``).
``cached_reservoir(params, n_inputs=1)``
    ``lnn_core.make_reservoir`` cached at the edge (read-only arrays).
``shared_sidebar()``, ``presenter_mode()``, ``figure_height()``, ``style_figure(fig)``
    Presenter mode (sidebar toggle or URL flag ``presenter=1``): larger
    fonts and figures, advanced controls folded.
``show_table(table, *, formats=None, wide=(), container=None)``
    Every table of a page: ``st.dataframe`` on the screen, an ``st.table`` of
    escaped text in presenter mode (a data grid's canvas text stays at 14 px).
``guarded(hint=None)``
    Context manager: bad input or any failure becomes an ``st.error`` sentence,
    never a traceback.
``plain(value, limit=120, quote=False)``, ``figure_text(value, limit=120)``
    Whatever a user, a file or a link supplied (file and column names, CSV
    cells, query values, error messages quoting them), escaped so Streamlit's
    Markdown, or Plotly's HTML-like text, shows it literally: no link, image
    or formatting of theirs.  Use them wherever user text enters a Markdown
    string, a label or a figure's text.
``upload_digest(files)``
    SHA-256 over every uploaded file's name and bytes: the key of anything
    cached from an upload (never its description).
``record_run(kind, data, params, metrics, seconds, curves=None)``
    Appends a run to ``st.session_state["runs"]`` for the Runs page.
``progress_callback(label)``
    ``(callback(done, total), finish())`` driving one ``st.progress`` bar.
``download_params_button(params, file_name)``
    A JSON download of parameters.
``tune_server_process()``
    Once per server process: BLAS on one thread, and a ``malloc`` that
    returns freed memory (``app.py`` calls it).
"""
