"""Presenter mode: larger fonts and figures for a projector, and the app's figure style."""


import streamlit as st

_PRESENTER_CSS = """<style>
[data-testid="stMain"] [data-testid="stMarkdown"] :is(p, li),
[data-testid="stAlertContainer"] p { font-size: 1.35rem; color: #000; }
[data-testid="stWidgetLabel"] p { font-size: 1.15rem; font-weight: 600; color: #000; }
[data-testid="stMetricValue"] { font-size: 3rem; color: #000; }
[data-testid="stTab"] p, [data-testid="stPageLink"] p { font-size: 1.3rem; }
[data-testid="stMetricLabel"] p { font-size: 1.3rem; }
h1 { font-size: 3.2rem !important; }
[data-testid="stMain"] :is(h2, h3) { font-size: 2.2rem !important; }
[data-testid="stSidebar"] :is(h2, h3) { font-size: 1.6rem !important; }
</style>"""


#: Trace types drawn in a 3-D scene.
_SCENE_TRACES = frozenset({"scatter3d", "surface", "mesh3d", "cone", "streamtube", "volume",
                           "isosurface"})


def presenter_mode():
    """Whether presenter mode is on (sidebar toggle, or ``presenter=1`` in the URL)."""
    if "presenter" not in st.session_state:
        st.session_state["presenter"] = st.query_params.get("presenter") == "1"
    return bool(st.session_state["presenter"])


def figure_height(base=420):
    """Figure height in pixels: ``base``, or 35 % taller in presenter mode."""
    return int(base * 1.35) if presenter_mode() else base


def style_figure(fig, height=None):
    """Apply the app's figure style (fonts, margins, height) in place and return ``fig``.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
    height : int, optional
        Base height in pixels (default 420), enlarged in presenter mode.
    """
    size = 20 if presenter_mode() else 14
    titled = bool(fig.layout.title.text)
    fig.update_layout(font={"size": size}, height=figure_height(height or 420),
                      title_font={"size": size + 4}, legend_font={"size": size},
                      margin={"l": 60, "r": 20, "t": 70 if titled else 40, "b": 50})
    # explicit axis fonts: the Streamlit chart theme would otherwise keep its own sizes
    axis_fonts = {"tickfont": {"size": size}, "title_font": {"size": size}}
    fig.update_xaxes(**axis_fonts)
    fig.update_yaxes(**axis_fonts)
    if any(trace.type in _SCENE_TRACES for trace in fig.data):      # 3-D charts only: costly
        fig.update_scenes(xaxis=axis_fonts, yaxis=axis_fonts, zaxis=axis_fonts)
    return fig


