"""The one place tables are shown (:func:`show_table`): a data grid on the screen, HTML in
presenter mode.

``st.dataframe`` draws its cells on a canvas at 14 px, which no CSS reaches, so
in presenter mode a table is an ``st.table`` instead: HTML, which the presenter
CSS (:mod:`.presenter`) sets at 18 px like every other text.  ``st.table`` reads
Markdown in every cell and header, so each one is first written as text and
escaped (:func:`.text.plain`): a CSV's cell or a column name shows literally.
"""

import numbers

import pandas as pd
import streamlit as st

from .presenter import PRESENTER_MAX_HEIGHT, presenter_mode
from .text import plain

#: Most rows a presenter table shows at once; a longer one scrolls inside
#: :data:`PRESENTER_MAX_HEIGHT` pixels (its header stays in view).
PRESENTER_ROWS = 10


def cell_text(value, number_format=None):
    """A cell as the presenter table writes it (before escaping).

    Parameters
    ----------
    value : object
        The cell; a missing one (``None``, NaN) is written "–".
    number_format : str, optional
        ``"percent"`` (0.9512 -> ``"95.12%"``) or a printf format such as
        ``"%.2f s"``, as in ``st.column_config.NumberColumn(format=…)``; without
        it floats get four significant digits and the rest ``str()``.

    >>> cell_text(0.95123, "percent"), cell_text(1.2345, "%.2f s"), cell_text(float("nan"))
    ('95.12%', '1.23 s', '–')
    """
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return "–"
    if number_format == "percent":
        return f"{value:.2%}"
    if number_format:
        return number_format % value
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        return f"{value:.4g}"
    return str(value)


def show_table(table, *, formats=None, wide=(), container=None):
    """Show a DataFrame without its index: every table of the app goes through here.

    On the screen it is an ``st.dataframe`` (sortable, searchable, numbers
    formatted by ``formats``); in presenter mode an ``st.table`` of escaped
    text (see the module's docstring), at most :data:`PRESENTER_ROWS` rows in
    view.

    Parameters
    ----------
    table : pandas.DataFrame
    formats : dict of str to str, optional
        Column -> number format (``"percent"``, ``"%.2f s"``), see :func:`cell_text`.
    wide : sequence of str, default ()
        Columns of long text, given a large width in the data grid.
    container : streamlit container, optional
        Where to draw (a column, a tab); default the current one.
    """
    formats = formats or {}
    target = container or st
    if not presenter_mode():
        config = {name: st.column_config.NumberColumn(format=spec)
                  for name, spec in formats.items()}
        config |= {name: st.column_config.TextColumn(width="large") for name in wide}
        return target.dataframe(table, hide_index=True, column_config=config)
    shown = pd.DataFrame({position: [plain(cell_text(value, formats.get(name)), limit=None)
                                     for value in table.iloc[:, position]]
                          for position, name in enumerate(table.columns)})
    shown.columns = [plain(name, limit=None) for name in table.columns]
    height = PRESENTER_MAX_HEIGHT if len(table) > PRESENTER_ROWS else "content"
    return target.table(shown, hide_index=True, height=height)
