"""Untrusted text (group and champion names from Entra or CSV) made safe for Streamlit's markdown elements.

st.dataframe, st.text, selectbox options and chart labels show text literally; st.markdown, st.caption, titles,
metric labels and alerts render markdown, so anything untrusted put there goes through `md()` first.
"""

from __future__ import annotations

import html
import re

_MD = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>$:])")


def md(value: object) -> str:
    """`value` as literal text inside markdown: HTML escaped, markdown punctuation backslash-escaped."""
    text = " ".join(str(value if value is not None else "").split())
    return _MD.sub(r"\\\1", html.escape(text, quote=False))
