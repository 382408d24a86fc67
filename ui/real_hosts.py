"""Real hosts: point the lab page at real Hyper-V hosts over WinRM instead of the built-in emulator.

Choose a targets file (``engine.backends.winrm``: host → endpoint, never a secret) and type the credentials for
this browser session. They live in ``st.session_state`` only — never in the store, a file or a log — and are
handed to ``WinRMBackend`` as the environment variables the targets file names. While real hosts are on, the
lab page's console runs there and Check judges their state; "Do it for me" and the resets stay with the
emulator (a real lab is reset with its cleanup script, by an administrator). A failure to connect names the host
and the cause.
"""
import os

import streamlit as st

from engine.errors import ContentError
from engine.labs.build import BackendUnavailable, winrm_factory
from ui.lab_session import REAL as SLOT, real_backend


def _switch_on() -> None:
    """Build the backend from the targets file and the typed credentials; errors are shown, never raised."""
    from engine.backends.winrm import load_targets  # late: pywinrm is only needed by those who use real hosts
    st.session_state.pop(SLOT, None)
    try:
        targets = load_targets(st.session_state.get("real_targets", ""))
        make = winrm_factory()
    except ContentError as error:
        st.session_state["_real_error"] = f"The targets file has problems:\n{error}"
        return
    except (BackendUnavailable, OSError) as error:
        st.session_state["_real_error"] = str(error)
        return
    environ = {}
    for target in targets.entries.values():
        environ[target.username_env] = st.session_state.get("real_user", "")
        environ[target.password_env] = st.session_state.get("real_password", "")
    st.session_state[SLOT] = make(targets, environ)
    st.session_state["_real_error"] = None


def _switch_off() -> None:
    st.session_state.pop(SLOT, None)
    st.session_state.pop("real_password", None)


def _test(backend) -> list[tuple[str, str | None]]:
    """Each host and the reason it failed (None: it answered)."""
    results = []
    for host in backend.targets.entries:
        try:
            backend.run("$env:COMPUTERNAME", host=host)
            results.append((host, None))
        except Exception as error:  # noqa: BLE001 - every WinRMBackendError names the host and the cause
            results.append((host, f"{type(error).__name__}: {error}"))
    return results


st.title("Real hosts")
st.caption("Run the lab steps against real Windows Server 2012 R2 Hyper-V hosts over WinRM.")
backend = real_backend()
if backend is None:
    st.text_input("Targets file", os.environ.get("LAB_TARGETS", "targets.yaml"), key="real_targets",
                  help="YAML: lab host name → url or host, transport, and the names of the credential variables.")
    user, password = st.columns(2)
    user.text_input("User name", key="real_user", placeholder="CONTOSO\\labadmin")
    password.text_input("Password", key="real_password", type="password",
                        help="Kept in this browser session only: never stored or logged.")
    st.button("Use these hosts", key="real_on", type="primary", icon=":material/lan:", on_click=_switch_on)
    if st.session_state.get("_real_error"):
        st.error(st.session_state["_real_error"], icon=":material/error:")
    st.info("The lab page uses the built-in emulated lab.", icon=":material/info:")
else:
    st.success(f"The lab page runs on the hosts of {backend.targets.file}: {', '.join(backend.targets.entries)}.",
               icon=":material/lan:")
    if st.button("Test the connection", key="real_test", icon=":material/network_check:"):
        for host, problem in _test(backend):
            if problem is None:
                st.markdown(f":material/check_circle: **{host}** answered.")
            else:
                st.error(f"**{host}** could not be reached — {problem}", icon=":material/error:")
    st.button("Back to the emulated lab", key="real_off", icon=":material/undo:", on_click=_switch_off)
