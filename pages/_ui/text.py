"""User text as text: what a user or a link supplies never becomes Markdown, HTML or a link.

Streamlit renders the strings of ``st.markdown``, ``st.caption``, ``st.info`` /
``st.warning`` / ``st.error`` / ``st.success``, ``st.write``, widget, metric,
tab and expander labels and help texts as GitHub-flavoured Markdown: a file
name, a column name, a CSV cell or a query value put there unescaped can draw
a link to a foreign site, load a foreign image or break out of the app's own
formatting.  :func:`plain` turns any value into Markdown that shows the value
literally; :func:`figure_text` does the same for Plotly titles and labels, which
read a subset of HTML (``<a href>``, ``<b>`` …).  Tables go through
:func:`.tables.show_table`, which escapes every cell of the Markdown-reading
``st.table`` it draws in presenter mode (``st.dataframe`` shows text as text).
"""

import html
import re
import unicodedata

#: Longest user text shown in a sentence, in characters, before it is shortened with "…".
LIMIT = 120
#: Word joiner (U+2060): invisible, keeps the text on one line, and is not a URL character.
_JOIN = "\u2060"
#: Every ASCII punctuation character: CommonMark lets each of them be escaped with a backslash.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
#: Spots where GFM autolink literals (remark-gfm) would turn bare text into a link:
#: "scheme:" before "//", "www" before ".", and right after "@" (e-mail addresses).
_AUTOLINK = re.compile(r"(?<=:)(?=/)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)


def _one_line(value, limit):
    """``str(value)`` on one line, without control or format characters, cut to ``limit``."""
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
                   for c in str(value) if unicodedata.category(c) != "Cf")
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        text = text[:max(limit - 1, 0)].rstrip() + "…"
    return text


def plain(value, *, limit=LIMIT, quote=False):
    """Markdown that shows ``value`` literally, on one line, at most ``limit`` characters.

    Every ASCII punctuation character is backslash-escaped (no emphasis, code,
    link, image, heading, list, HTML or math survives), a word joiner breaks
    bare ``http://``, ``www.`` and e-mail addresses so remark-gfm does not link
    them, line breaks become spaces, and text longer than ``limit`` is cut
    with "…".

    Parameters
    ----------
    value : object
        Anything a user or a link supplied (its ``str()`` is shown).
    limit : int or None, default :data:`LIMIT`
        Most characters shown; ``None`` shows all.
    quote : bool, default False
        Put the text between typographic quotes “ ”, so that where it starts
        and ends is plain to see (rejected values).

    Returns
    -------
    str
        Markdown for any Streamlit text element.

    >>> st.warning(f"The link sets {plain(value, quote=True, limit=60)}, which is ignored.")
    """
    text = _AUTOLINK.sub(_JOIN, _one_line(value, limit))
    text = _PUNCTUATION.sub(r"\\\1", text)
    return f"“{text}”" if quote else text


def figure_text(value, *, limit=LIMIT):
    """Text for a Plotly title, axis, tick or legend label that shows ``value`` literally.

    Plotly reads ``<a href>``, ``<b>``, ``<br>`` and entities in its text;
    ``&``, ``<`` and ``>`` are written as entities, so they show as themselves.

    Parameters
    ----------
    value : object
    limit : int or None, default :data:`LIMIT`
        Most characters shown (before escaping); ``None`` shows all.
    """
    return html.escape(_one_line(value, limit), quote=False)
