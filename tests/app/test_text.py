"""User text is text: ``plain()`` for Markdown, ``figure_text()`` for Plotly, and their use.

What CommonMark shows for a string made of plain characters and backslash
escapes is the string with the escapes resolved; :func:`rendered` computes
it and fails on any ASCII punctuation left active (the only characters that
start Markdown syntax).  remark-gfm's autolink literals, which link bare
URLs and e-mail addresses found in the shown text, are matched with their
own patterns (mdast-util-gfm-autolink-literal).  The real browser checks
the same on every page (tests/browser/test_keys_and_text.py).
"""

import re
import string

from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from pages._ui.text import LIMIT, figure_text, plain
from tests.app.conftest import TIMEOUT, open_page

#: The tester's link: Markdown in a query value.
PAYLOAD = ("1` **Session expired.** [Sign in](https://evil.example/login) "
           "![](http://attacker/pixel.png)")
#: remark-gfm's bare-URL and e-mail patterns (mdast-util-gfm-autolink-literal).
GFM_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE)
GFM_EMAIL = re.compile(r"([-.+\w]+)@([-\w]+(?:\.[-\w]+)+)")
JOIN = "\u2060"
#: Text as it reaches the app: one line, no control or format characters.
ONE_LINE = st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp"))).map(
    lambda text: " ".join(text.split()))


def rendered(markdown):
    """The text CommonMark shows for ``markdown``; fails if any punctuation is left active."""
    shown, chars = [], iter(markdown)
    for char in chars:
        if char == "\\":
            escaped = next(chars, "")
            assert escaped in string.punctuation, f"a lone backslash in {markdown!r}"
            shown.append(escaped)
        else:
            assert char not in string.punctuation, f"active {char!r} in {markdown!r}"
            shown.append(char)
    return "".join(shown)


def assert_no_autolink(text):
    assert GFM_URL.search(text) is None and GFM_EMAIL.search(text) is None, text


# ----------------------------------------------------------------------------- plain()

@given(ONE_LINE)
def test_any_text_shows_literally_and_links_nothing(text):
    shown = rendered(plain(text, limit=None))
    assert shown.replace(JOIN, "") == text
    assert_no_autolink(shown)


def test_the_testers_link_shows_as_text():
    shown = rendered(plain(PAYLOAD))
    assert shown.replace(JOIN, "") == PAYLOAD
    assert_no_autolink(shown)
    for text in ("www.evil.example", "WWW.evil.example", "me@evil.example", "HTTPS://x.org",
                 "mailto:me@evil.example", "<https://evil.example>", "javascript:alert(1)"):
        assert_no_autolink(rendered(plain(text)))


def test_long_text_is_shortened_and_quoted():
    assert rendered(plain("x" * 300)) == "x" * (LIMIT - 1) + "…"
    assert rendered(plain("abc def", limit=5)) == "abc…"
    assert plain("a.csv", quote=True) == "“a\\.csv”"
    assert len(rendered(plain(PAYLOAD * 9, limit=100, quote=True)).replace(JOIN, "")) == 102


def test_line_breaks_controls_and_bidi_overrides_do_not_survive():
    text = "a\nb\r\n\n    code\t# heading\x00\u202ecod.exe\u200b"
    assert rendered(plain(text, limit=None)) == "a b code # heading cod.exe"


def test_figure_text_escapes_plotly_html():
    assert figure_text('<a href="https://evil.example">x</a> & <b>') == \
        '&lt;a href="https://evil.example"&gt;x&lt;/a&gt; &amp; &lt;b&gt;'
    assert figure_text("y" * 200, limit=10) == "y" * 9 + "…"


# ----------------------------------------------------------------------------- in the app

def _raise_data_error():
    import lnn_core
    from pages._ui.errors import guarded

    with guarded():
        raise lnn_core.DataError("digits [x](https://evil.example).csv, row 2: found "
                                 "'![](http://attacker/pixel.png)'.")


def test_guarded_shows_an_error_message_as_plain_text():
    at = AppTest.from_function(_raise_data_error, default_timeout=TIMEOUT).run()
    assert not at.exception
    (error,) = at.error
    message = ("digits [x](https://evil.example).csv, row 2: found "
               "'![](http://attacker/pixel.png)'.")
    prefix = "This data cannot be used: "
    assert error.value == prefix + plain(message, limit=600)
    assert rendered(error.value.removeprefix(prefix)).replace(JOIN, "") == message


def test_a_link_with_markdown_in_a_parameter_warns_in_plain_text():
    at = open_page("pages/reservoir.py", query={"spectral_radius": PAYLOAD, "n_units": "60"})
    assert not at.exception
    (warning,) = at.warning
    quoted = plain(PAYLOAD, quote=True, limit=100)
    assert f"spectral_radius to {quoted}, which is ignored" in warning.value
    assert rendered(quoted).replace(JOIN, "") == f"“{PAYLOAD}”"
    assert at.slider(key="spectral_radius").value == 0.9
