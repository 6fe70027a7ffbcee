"""The encoder that runs in a partner's browser, as a Streamlit component.

Its files are in ``overlap/privacy/browser/`` (the page, and ``vendor/``:
Pyodide fetched by ``make install`` and the zip of the encoder's Python made
by ``overlap.privacy.browser_bundle``); Streamlit serves them from this
dashboard with their content types. The component sends nothing back to the
server: the partner downloads what it makes.
"""

from __future__ import annotations

import streamlit.components.v1 as components

from overlap.privacy import browser_bundle

_ENCODER = components.declare_component("encoder", path=str(browser_bundle.BROWSER_DIR))


def browser_encoder(key: str) -> None:
    """Draw the in-browser encoder (it needs ``browser_bundle.pyodide_installed()``)."""
    _ENCODER(bundle=browser_bundle.python_bundle(), key=key, default=None)
