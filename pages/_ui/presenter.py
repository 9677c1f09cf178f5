"""Presenter mode, the app's figure style, and the one place charts are shown (:func:`show_figure`).

Presenter mode is built for projectors of 1280×720 and 1920×1080: every text
of the page at least 18 px (captions, slider values and table cells included:
tables are HTML there, see :mod:`.tables`), every chart at most
:data:`PRESENTER_MAX_HEIGHT` pixels tall (a 720-pixel screen shows it whole,
under Streamlit's header), and every title wrapped to fit its chart, below the
chart's toolbar.
"""

import textwrap

import streamlit as st

# Font sizes: 1rem is 16 px; 1.15rem = 18.4 px, the floor of every text in presenter mode.
_PRESENTER_CSS = """<style>
[data-testid="stMain"] [data-testid="stMarkdown"] :is(p, li),
[data-testid="stAlertContainer"] p { font-size: 1.35rem; color: #000; }
[data-testid="stWidgetLabel"] p { font-size: 1.15rem; font-weight: 600; color: #000; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] :is(p, li) {
  font-size: 1.15rem; color: #222; }
[data-testid="stSliderThumbValue"], [data-testid="stSliderTickBarMin"],
[data-testid="stSliderTickBarMax"], [data-testid="stSliderTickBar"] * { font-size: 1.15rem; }
[data-testid="stMain"] :is(button p, [data-baseweb="select"] div, [data-baseweb="tag"] span,
  input, [role="radiogroup"] p, [data-testid="stExpander"] summary p) { font-size: 1.15rem; }
[data-testid="stTable"] :is(th, td), [data-testid="stTable"] :is(th, td) * { font-size: 1.15rem; }
[data-testid="stMetricValue"] { font-size: 3rem; color: #000; }
[data-testid="stMetricDelta"] div, [data-testid="stSidebar"] :is([data-baseweb="select"] div,
  [data-testid="stSelectbox"] input) { font-size: 1.15rem; }
[data-testid="stSidebar"] [data-testid="stHorizontalBlock"]:has(button) { flex-direction: column; }
[data-testid="stSidebar"] [data-testid="stHorizontalBlock"]:has(button) > [data-testid="stColumn"] {
  width: 100%; }
[data-testid="stSidebar"] button [data-testid="stMarkdownContainer"] {
  white-space: normal; overflow: visible; }
[data-testid="stSidebar"] button p { font-size: 1.15rem; white-space: normal; }
[data-testid="stTab"] p, [data-testid="stPageLink"] p { font-size: 1.3rem; }
[data-testid="stMetricLabel"] p { font-size: 1.3rem; }
[data-testid="stMainBlockContainer"] { padding-top: 3rem; }
[data-testid="stSidebarHeader"] { height: 2.5rem; margin-bottom: 0; }
[data-testid="stSidebarNavLink"] { min-height: 1.8rem; }
[data-testid="stSidebarNavLink"] :is([data-testid="stMarkdownContainer"], p) {
  font-size: 1.15rem; line-height: 1.6; }
[data-testid="stSidebarNavLink"] [data-testid="stIconMaterial"] { font-size: 1.25rem; }
[data-testid="stSidebarUserContent"] { padding-top: 0.5rem; }
[data-testid="stSidebarUserContent"] [data-testid="stVerticalBlock"]
  > [data-testid="stElementContainer"]:nth-child(2):has([data-testid="stCaptionContainer"]) {
  display: none; }
h1 { font-size: 3.2rem !important; }
[data-testid="stMain"] :is(h2, h3) { font-size: 2.2rem !important; }
[data-testid="stSidebar"] :is(h2, h3) { font-size: 1.6rem !important; }
</style>"""

#: Tallest chart in presenter mode (px): a 720-pixel projector shows it whole under the header.
PRESENTER_MAX_HEIGHT = 560
#: Room (px) kept above a title for the chart's toolbar (Plotly's modebar, ~25 px tall).
TOOLBAR_BAND = 30
#: Longest title line of a full-width chart, in characters, by presenter mode.  Measured in
#: Chromium: a title takes ~0.45 em per character; a full-width chart at 1280×720 with the
#: sidebar open is ~820 px wide (80 characters of 22-px text), at 1440×900 ~1000 px
#: (120 of 18-px text).  A chart in a column gets its share (``style_figure(share=…)``).
TITLE_CHARS = {True: 80, False: 120}
#: Plotly config of every chart: the scroll wheel scrolls the page (3-D scenes included),
#: the PNG button saves at twice the screen's resolution.
CHART_CONFIG = {"scrollZoom": False, "displaylogo": False,
                "toImageButtonOptions": {"format": "png", "scale": 2}}

#: Trace types drawn in a 3-D scene.
_SCENE_TRACES = frozenset({"scatter3d", "surface", "mesh3d", "cone", "streamtube", "volume",
                           "isosurface"})


def presenter_mode():
    """Whether presenter mode is on: set by the sidebar toggle or by ``presenter=1`` in a link.

    Kept in ``st.session_state["presenter_on"]``, which only the toggle's
    ``on_change`` and the URL flag change: on a fresh server the first
    session's first run is Streamlit's legacy page run (see
    :func:`pages._ui.shell.through_router`), and the toggle's own state came
    back off on the next run, dropping presenter mode at the first click; and
    the menu's links drop the URL flag when the page changes.
    """
    if st.query_params.get("presenter") == "1" or "presenter_on" not in st.session_state:
        st.session_state["presenter_on"] = st.query_params.get("presenter") == "1"
    return st.session_state["presenter_on"]


def _toggled():
    """``on_change`` of the presenter toggle: the session and the URL follow it."""
    st.session_state["presenter_on"] = bool(st.session_state["presenter"])
    if not st.session_state["presenter_on"]:
        st.query_params.pop("presenter", None)


def presenter_toggle():
    """The sidebar's presenter toggle, set from :func:`presenter_mode` on every run; when on,
    ``presenter=1`` in the URL (a copied link opens in presenter mode) and the presenter CSS."""
    st.session_state["presenter"] = presenter_mode()
    st.toggle("Presenter mode", key="presenter", on_change=_toggled,
              help="Larger fonts and figures, fewer controls: for projectors (1280×720 and up).")
    if presenter_mode():
        st.query_params["presenter"] = "1"
        st.html(_PRESENTER_CSS)


def figure_height(base=420):
    """Figure height in pixels: ``base``, or 35 % taller in presenter mode but at most
    :data:`PRESENTER_MAX_HEIGHT`."""
    return min(int(base * 1.35), PRESENTER_MAX_HEIGHT) if presenter_mode() else base


def wrap_title(text, width):
    """``text`` with ``<br>`` between lines of at most ``width`` characters (words kept whole).

    Existing ``<br>`` breaks are kept; a ``<sup>…</sup>`` line (a smaller
    subtitle) is wrapped at ``width`` × 1.4 characters, each piece in its own tags.

    >>> wrap_title("Memory capacity: total 41.2 (bound: n_units = 300)", 30)
    'Memory capacity: total 41.2<br>(bound: n_units = 300)'
    """
    lines = []
    for line in str(text).split("<br>"):
        if line.startswith("<sup>") and line.endswith("</sup>"):
            lines.extend(f"<sup>{piece}</sup>" for piece in textwrap.wrap(
                line[5:-6], int(width * 1.4), break_long_words=False))
        else:
            lines.extend(textwrap.wrap(line, width, break_long_words=False) or [""])
    return "<br>".join(lines)


def style_figure(fig, height=None, share=1.0):
    """Apply the app's figure style (fonts, margins, height, title) in place and return ``fig``.

    The title is wrapped (:func:`wrap_title`, :data:`TITLE_CHARS`) and drawn
    at the chart's left edge, below a band kept for the toolbar; the top
    margin grows with its lines.  Annotations (subplot titles, the ladder's
    explanations) are enlarged to the axis font size in presenter mode.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
    height : int, optional
        Base height in pixels (default: the figure's own, else 420), see
        :func:`figure_height`.
    share : float in (0, 1], default 1
        The fraction of the page's width the chart takes (0.5 in one of two
        columns): the title is wrapped to it.
    """
    presenter = presenter_mode()
    size = 20 if presenter else 14
    title_size = size + 2 if presenter else size + 4
    line = round(title_size * 1.3)                     # Plotly's line height
    top = TOOLBAR_BAND
    text = fig.layout.title.text
    if text:
        text = wrap_title(text, int(TITLE_CHARS[presenter] * share) - 4)
        n_lines = text.count("<br>") + 1
        # Plotly centres a title's extra lines on its anchor: half a line up for each
        fig.update_layout(title={"text": text, "x": 0, "xref": "container", "xanchor": "left",
                                 "y": 1, "yref": "container", "yanchor": "top",
                                 "pad": {"t": TOOLBAR_BAND + 10 + (n_lines - 1) * line // 2,
                                         "l": 8}})
        top += n_lines * line + 8
    legend, bottom = fig.layout.legend, 50
    if legend.y is not None and legend.y >= 1 and fig.layout.showlegend is not False:
        top += round(size * 1.6)                       # a legend row between title and plot
    # subplot titles above the plots (make_subplots puts them at y = 0.9999999999999999)
    if any(note.yref == "paper" and (note.y or 0) >= 1 - 1e-9 for note in fig.layout.annotations):
        top += round(size * 1.4)
    if legend.y is not None and legend.y < 0:          # under the plot: under the axis titles
        rows = 1 + len([t for t in fig.data if t.showlegend is not False and t.name]) // 6
        fig.update_layout(legend={"yref": "container", "y": 0, "yanchor": "bottom"})
        bottom += 2 * size + round(rows * size * 1.5)
    fig.update_layout(font={"size": size}, height=figure_height(height or fig.layout.height or 420),
                      title_font={"size": title_size}, legend_font={"size": size},
                      hoverlabel_font_size=size,
                      margin={"l": 60, "r": 20, "t": top + 10, "b": bottom})
    # explicit axis fonts: the Streamlit chart theme would otherwise keep its own sizes
    axis_fonts = {"tickfont": {"size": size}, "title_font": {"size": size}}
    fig.update_xaxes(**axis_fonts)
    fig.update_yaxes(**axis_fonts)
    if presenter:           # the numbers on heatmap cells and bars, subplot titles, notes
        fig.update_annotations(font_size=size - 2)
        for trace in fig.data:
            if trace.texttemplate:
                trace.textfont.size = size - 2
    if any(trace.type in _SCENE_TRACES for trace in fig.data):      # 3-D charts only: costly
        fig.update_scenes(xaxis=axis_fonts, yaxis=axis_fonts, zaxis=axis_fonts)
    return fig


def show_figure(fig, *, container=None, config=None, **kwargs):
    """Show a Plotly figure: every chart of the app goes through here.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
    container : streamlit container, optional
        Where to draw (a column, a tab); default the current one.
    config : dict, optional
        Plotly config entries added to :data:`CHART_CONFIG` (e.g. ``{"staticPlot": True}``).
    **kwargs
        Passed on to ``st.plotly_chart`` (``width``, ``key`` …).
    """
    kwargs.setdefault("width", "stretch")
    return (container or st).plotly_chart(fig, config=CHART_CONFIG | (config or {}), **kwargs)
