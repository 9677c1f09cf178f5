"""Liquid Lab: router placeholder until the app issue lands."""

import streamlit as st

st.set_page_config(page_title="Liquid Lab", page_icon="💧", layout="wide")
st.title("Liquid Lab")
st.write("Reservoir computing and liquid neural networks, interactive.")
