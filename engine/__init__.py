"""The 70-412 trainer engine: content, quiz, emulated Hyper-V lab, PowerShell, backends, labs and store.

Nothing in this package imports Streamlit or speaks HTTP; the doors (``app.py``/``ui``, ``python -m engine``,
``engine.winrm_server``) call into it.
"""
