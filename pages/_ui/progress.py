"""Progress bars for slow work."""

import threading

import streamlit as st


def progress_callback(label):
    """A progress bar for slow work run behind a button.

    Returns
    -------
    callback : callable ``(done, total)``
        Updates the bar; calls from other threads are ignored (Streamlit
        elements belong to the script thread).
    finish : callable ``()``
        Removes the bar.

    >>> callback, finish = progress_callback("Collecting states")
    >>> features = lnn_core.collect_features(res, X, progress=callback); finish()
    """
    bar = st.progress(0.0, text=label)
    owner = threading.get_ident()
    shown = {"percent": -1}

    def callback(done, total):
        percent = int(100 * done / max(total, 1))
        if threading.get_ident() == owner and percent != shown["percent"]:
            shown["percent"] = percent
            bar.progress(min(percent, 100) / 100, text=f"{label}: {done:,} / {total:,}")

    return callback, bar.empty


