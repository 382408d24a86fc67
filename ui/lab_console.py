"""The lab's PowerShell console: where it runs, the history of commands with their output, and the input box.
The history is stored with the learner's settings, per lab session, so a refresh or a restart shows it again.

Everything that changes the lab from the page — typed commands and the GUI forms alike — goes through
:func:`run_command`, so each GUI action shows in the history as the PowerShell it ran, and the session is saved
after it. Output is printed exactly as the interpreter rendered it; a command that wrote errors is shown in red.
"""
from __future__ import annotations

import html

import streamlit as st

from ui import lab_session
from ui.state import learner, store

#: The console location that means "a management workstation outside the lab" (a remote session).
REMOTE = "remote"
#: History entries kept on the page: enough for a lab, small enough to rerun fast.
HISTORY = 30


def _history_key(lab_id: str) -> str:
    """Per lab session (store id): a reset by the instructor or a new session starts an empty history."""
    sid, _ = lab_session.open_lab(lab_id)
    return f"console:{sid}"


def history(lab_id: str) -> list[dict]:
    """The console history of the learner's session of this lab: ``{host, script, text, error}`` dicts, kept
    in the store's per-learner settings so a refresh shows it again."""
    key = _history_key(lab_id)
    if key not in st.session_state:
        st.session_state[key] = store().get_setting(key, learner_id=learner().id, default=[])
    return st.session_state[key]


def locations(backend) -> list[str]:
    """Where the console can run: each lab host (signed in at its console) and a remote workstation; on real
    hosts, each host of the targets file (a WinRM session is always remote)."""
    if hasattr(backend, "lab"):
        return [h.name for h in backend.lab.world.hosts] + [REMOTE]
    return list(backend.targets.entries)


def default_location(backend, step_logon: str | None) -> str:
    """Where the step says to sign in, else where the lab signs the learner in."""
    if hasattr(backend, "lab"):
        return step_logon or backend.lab.world.logon or REMOTE
    return backend.logon


def run_command(lab_id: str, script: str, host: str) -> dict:
    """Run ``script`` at ``host`` on the learner's lab, add it to the history and save the session."""
    backend = lab_session.backend(lab_id)
    try:
        result = backend.run(script, host=host)
        entry = {"host": host, "script": script, "text": result.text, "error": bool(result.had_errors)}
    except Exception as exc:  # noqa: BLE001 - a real host's transport failure is shown in the console, not raised
        entry = {"host": host, "script": script, "text": f"{type(exc).__name__}: {exc}\n", "error": True}
    entries = history(lab_id)
    entries.append(entry)
    del entries[:-HISTORY]
    store().set_setting(_history_key(lab_id), entries, learner_id=learner().id)
    lab_session.save(lab_id)
    return entry


def _submit(lab_id: str) -> None:
    """Run button callback: runs before the rerun, so the input can be cleared for the next command."""
    script = st.session_state.get("console_input", "")
    if script.strip():
        run_command(lab_id, script, st.session_state["console_host"])
        st.session_state["console_input"] = ""


def show_entry(entry: dict) -> None:
    """One command and its output, as the console printed it."""
    prompt = f"{'ADMIN-PC' if entry['host'] == REMOTE else entry['host']} PS C:\\>"
    st.code(f"{prompt} {entry['script']}", language="powershell", wrap_lines=True)
    text = entry["text"].rstrip("\n")
    if entry["error"]:
        st.html(f'<pre class="ps-error" style="color:#b71c1c;background:#fff5f5;padding:0.6em;'
                f'white-space:pre-wrap;font-size:0.85em;margin:0">{html.escape(text)}</pre>')
    elif text.strip():
        st.code(text, language=None)


def console(lab_id: str, step_logon: str | None) -> None:
    """Draw the console: location picker, history (newest last) and the input with its Run button."""
    backend = lab_session.backend(lab_id)
    places = locations(backend)
    wanted = default_location(backend, step_logon)
    if st.session_state.get("console_host") not in places:
        st.session_state["console_host"] = wanted if wanted in places else places[0]
    where, note = st.columns([1, 2])
    where.selectbox("Console signed in on", places, key="console_host",
                    format_func=lambda h: "a remote workstation" if h == REMOTE else f"{h} (console)")
    note.caption(f"This step expects you on **{'a remote workstation' if wanted == REMOTE else wanted}**. "
                 "A remote session cannot pass your credentials on (CredSSP needs a console sign-in).")
    with st.container(height=380, key="console_history", autoscroll=True):  # newest output in view
        entries = history(lab_id)
        if not entries:
            st.caption("No command yet. Try `Get-VMHost | Format-List *` or `Get-VM`.")
        for entry in entries:
            show_entry(entry)
    st.text_area("PowerShell", key="console_input", height=100, placeholder="Get-VM | Format-Table Name, State",
                 help="Several lines run as one script. Ctrl+Enter applies the text; then press Run.")
    st.button("Run", key="console_run", type="primary", icon=":material/terminal:", on_click=_submit,
              args=(lab_id,))
