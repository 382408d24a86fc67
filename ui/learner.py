"""The learner in the sidebar: a local profile by default, or the signed-in account when OIDC is configured.

The chosen profile is remembered twice: in ``st.query_params`` (a refresh or a bookmark keeps it) and in the
store's settings (a new visit without the parameter opens the last profile used on this machine).
"""
from __future__ import annotations

import streamlit as st

from engine.store import LearnerInfo
from ui.state import store

DEFAULT_NAME = "learner"
LAST_SETTING = "last_learner"


def auth_configured() -> bool:
    """True when ``[auth]`` is in the secrets; reading secrets raises when there is no secrets file at all."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - any failure to read secrets means "no sign-in configured"
        return False


def _signed_in() -> LearnerInfo | None:
    """The signed-in account's learner, created on first sign-in; None when nobody is signed in."""
    if not auth_configured():
        return None
    user = st.user.to_dict()  # a dict, because st.user has no is_logged_in attribute outside a real server
    if not user.get("is_logged_in"):
        return None
    name = str(user.get("email") or user.get("sub"))
    return store().learner(name, display_name=str(user.get("name") or name))


def _choose(name: str) -> LearnerInfo:
    """The profile called ``name`` (created on first use), remembered as the last one used."""
    info = store().learner(name)
    store().set_setting(LAST_SETTING, name)
    return info


def _create() -> None:
    """Callback of "Create": the new name becomes the selected profile before the selectbox is drawn."""
    name = st.session_state.get("learner_new", "").strip()
    if name:
        st.session_state["learner_pick"] = _choose(name).name
        st.session_state["learner_new"] = ""


def sidebar() -> LearnerInfo:
    """Draw the profile picker (or the account) and set ``st.session_state["learner"]``."""
    with st.sidebar:
        account = _signed_in()
        if account is not None:
            st.markdown(f":material/account_circle: **{account.display_name}**")
            st.button("Sign out", key="logout", icon=":material/logout:", on_click=st.logout)
            st.session_state["learner"] = account
            return account
        wanted = (st.session_state.get("learner_pick") or st.query_params.get("learner")
                  or store().get_setting(LAST_SETTING) or DEFAULT_NAME)
        current = _choose(wanted) if wanted != getattr(st.session_state.get("learner"), "name", None) \
            else st.session_state["learner"]
        names = [p.name for p in store().learners()]
        st.session_state["learner_pick"] = current.name
        st.selectbox("Learner profile", names, key="learner_pick",
                     help="Profiles are local to this app's data folder; progress is kept per profile.")
        with st.popover("New profile", icon=":material/person_add:", width="stretch"):
            st.text_input("Name", key="learner_new", max_chars=60)
            st.button("Create", key="learner_create", on_click=_create)
        if auth_configured():
            st.button("Sign in", key="login", icon=":material/login:", on_click=st.login)
        st.query_params["learner"] = current.name
        st.session_state["learner"] = current
        return current
