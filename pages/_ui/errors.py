"""Errors as sentences: ``guarded()`` turns bad input or a failure into ``st.error``."""

from contextlib import contextmanager

import streamlit as st

import lnn_core
from lnn_core.guard import ResourceError

from .text import plain


@contextmanager
def guarded(hint=None):
    """Show failures of the enclosed block as a sentence, never a traceback.

    ``lnn_core.guard.ResourceError`` (a run over the memory budget) is shown as
    its own sentence, which names the estimate, the budget and smaller settings;
    ``lnn_core.DataError`` (bad data), ``ValueError`` (a parameter out of range)
    and ``MemoryError`` get a clear ``st.error`` plus ``hint`` (or a default
    hint); any other exception a generic error naming its class and message.
    Messages quote file names and cells, so they are shown as plain text
    (:func:`pages._ui.text.plain`), never as Markdown.  Streamlit's own
    control flow (``st.stop``, reruns) passes through.

    >>> with guarded("Try fewer neurons."):
    ...     result = slow_core_call(...)
    """
    try:
        yield
    except ResourceError as err:            # its sentence already suggests smaller settings
        st.error(_message(err), icon=":material/memory:")
    except lnn_core.DataError as err:
        st.error(f"This data cannot be used: {_message(err)}", icon=":material/error:")
        st.info(hint or "Check the file or the series and try again.")
    except ValueError as err:
        st.error(f"A setting is out of range: {_message(err)}", icon=":material/error:")
        st.info(hint or "Move the slider back into its usual range.")
    except MemoryError:
        st.error("This needs more memory than the server has.", icon=":material/memory:")
        st.info(hint or "Use fewer neurons, fewer samples or shorter series.")
    except Exception as err:  # noqa: BLE001 - the page must never show a traceback
        st.error(f"Something went wrong ({type(err).__name__}: {_message(err)}).",
                 icon=":material/error:")
        if hint:
            st.info(hint)


def _message(err):
    """An exception's message as plain text: it may quote a file name or a cell."""
    return plain(err, limit=600)
