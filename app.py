"""Liquid Lab: the router. Page config, shared sidebar, navigation over the existing pages.

Pages are listed in ``pages._ui.params.PAGES``; a page whose file does not exist
yet is left out, so the app runs while pages are being written.  The shared
sidebar is drawn *before* ``st.navigation``: drawn after it, a link opened
straight on a page (``/reservoir?...``) in a fresh browser loses it
(Streamlit 1.67).
"""

import streamlit as st

from pages._ui.shell import available_pages, shared_sidebar, tune_server_process

st.set_page_config(page_title="Liquid Lab", page_icon="💧", layout="wide",
                   initial_sidebar_state="expanded",
                   menu_items={"About": "Liquid Lab: reservoir computing and liquid neural "
                                        "networks, interactive."})
tune_server_process()
shared_sidebar()
navigation = st.navigation([
    st.Page(path, title=title, icon=icon, url_path=url_path, default=url_path is None)
    for path, title, icon, url_path in available_pages()
])
navigation.run()
