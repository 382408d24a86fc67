"""A WS-Management (WinRM) server that pywinrm 0.5.0 talks to, serving each learner's emulated lab.

Modules: ``soap`` (parse/build envelopes, defusedxml only), ``faults`` (WSManFault codes), ``clixml``
(error records on stderr), ``shells`` (shells, commands, limits), ``auth`` (users file, HTTP Basic),
``service`` (the five WS-Man operations), ``server`` (HTTP(S) listeners, ``serve``), ``executor`` (the
``ScriptHost`` seam). Wire details follow ``shared/reference/winrm-wire.md``.
"""
from engine.winrm_server.auth import Users, load_users
from engine.winrm_server.executor import SavesState, ScriptHost, ScriptHostFactory, ScriptResult
from engine.winrm_server.server import Limits, TLSConfig, WinRMServer, serve

__all__ = ["serve", "WinRMServer", "Limits", "TLSConfig", "Users", "load_users", "ScriptHost", "ScriptResult",
           "ScriptHostFactory", "SavesState"]
