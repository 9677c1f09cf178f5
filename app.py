"""Liquid Lab: the router. Page config, navigation over the pages, shared sidebar.

Pages are listed in ``pages._ui.shell.PAGES``; a page whose file does not exist
yet is left out, so the app runs while pages are being written.

The shared sidebar is drawn *before* ``st.navigation``: drawn after it, the
twenty-sessions test (tests/app/test_many_users.py) timed out twice waiting
for the sessions to go idle (Streamlit 1.67).  Streamlit builds its own page
list from the files of ``pages/`` before this script runs (legacy multipage
mode, a fresh server's first session); ``.streamlit/config.toml`` hides it
(``client.showSidebarNavigation = false``) and this router turns the sidebar
navigation back on for its own list, with the public ``st.set_option``, just
before ``st.navigation``.

A link to ``/?page=<url_path>&...`` opens that page (``open_linked_page``): ``deploy/``'s
nginx sends page URLs there, so the frontend never probes ``/<page>/_stcore/*`` (404s).

Nothing heavy runs before the page: the server's tuning and the libraries' freeze
come after it, once per process, so a fresh server's first visitor sees the title
before scikit-learn and the other libraries are loaded.

``streamlit run app.py`` first imports this file as a module (``__name__ == "app"``)
to look for an ASGI app, and finds ``app``: Streamlit's own server for this same
file plus a redirect of each page's URL to ``/?page=<page>&...``
(``pages._ui.shell.page_redirects``), so a page's URL opened in a browser never
makes the frontend probe ``/<page>/_stcore/*``.  Every session then runs this file
as its script (``__name__ == "__main__"``): the router below.
"""

import streamlit as st

from pages._ui.shell import (
    available_pages,
    freeze_libraries,
    open_linked_page,
    page_redirects,
    running_page,
    shared_sidebar,
    tune_server_process,
)


def route():
    """One run of a session: page config, the shared sidebar, navigation, the page.

    A run for ``/?page=<page>&...`` (a page's URL, redirected) only switches to that
    page.  Drawing the sidebar there too, Chromium showed the app idle between that
    run and the page's (1 of 2 visits of a linked MNIST page; 0 of 4 without it),
    when a test, or a student, could read a half-drawn page.  The sidebar comes after
    ``st.navigation`` only when the named page does not exist (Home is shown).
    """
    st.set_page_config(page_title="Liquid Lab", page_icon="💧", layout="wide",
                       initial_sidebar_state="expanded",
                       menu_items={"About": "Liquid Lab: reservoir computing and liquid neural "
                                            "networks, interactive."})
    linked_page = "page" in st.query_params
    if not linked_page:
        shared_sidebar()
    if not st.get_option("client.showSidebarNavigation"):
        st.set_option("client.showSidebarNavigation", True)
    pages = [st.Page(path, title=title, icon=icon, url_path=url_path, default=url_path is None)
             for path, title, icon, url_path in available_pages()]
    navigation = st.navigation(pages)
    open_linked_page(pages)
    if linked_page:
        shared_sidebar()
    with running_page():
        navigation.run()
    tune_server_process()
    freeze_libraries()


if __name__ == "__main__":
    route()
else:
    app = st.App(__file__, routes=page_redirects())
