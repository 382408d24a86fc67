"""WS-Management faults: the errors of the WS-Man door, each with the real WSManFault code.

A ``WSManFault`` is raised anywhere in the request path and rendered once by ``soap.fault`` as an
HTTP 500 (or 413) SOAP Fault; pywinrm turns it into ``WSManFaultError`` (or, for the Receive
time-out code, ``WinRMOperationTimeoutError``, which it retries). Codes come from Windows' wsmerror.h;
reasons are Windows' texts, shortened where Windows adds remedies that do not apply to the emulator.
"""
from __future__ import annotations

__all__ = ["WSManFault"]

# wsmerror.h codes (decimal, as WSManFault/@Code carries them)
PROVIDER_FAILURE = 2150858755        # 0x80338003 ERROR_WSMAN_PROVIDER_FAILURE
INVALID_SOAP_BODY = 2150858791       # 0x80338027 ERROR_WSMAN_INVALID_SOAP_BODY
OPERATION_TIMEDOUT = 2150858793      # 0x80338029 ERROR_WSMAN_OPERATION_TIMEDOUT
HEADER_REQUIRED = 2150858769         # 0x80338011 ERROR_WSMAN_MESSAGE_INFORMATION_HEADER_REQUIRED
ACTION_NOT_SUPPORTED = 2150858771    # 0x80338013 ERROR_WSMAN_ACTION_NOT_SUPPORTED
INVALID_XML = 2150858819             # 0x80338043 ERROR_WSMAN_INVALID_XML
SHELL_NOT_FOUND = 2150858843         # 0x8033805B ERROR_WINRS_SHELL_NOT_FOUND
MAX_ENVELOPE_SIZE = 2150859025       # 0x80338111 request exceeded the MaxEnvelopeSize quota
QUOTA_MAX_SHELLS = 2150859173        # 0x803381A5 ERROR_WSMAN_QUOTA_MAX_SHELLS
QUOTA_MAX_OPERATIONS = 2150859174    # 0x803381A6 ERROR_WSMAN_QUOTA_MAX_OPERATIONS


class WSManFault(Exception):
    """A SOAP fault to send back. ``code``/``subcode`` are qualified names (``s:Sender``, ``w:TimedOut``)."""

    def __init__(self, wsman_code: int, reason: str, *, code: str = "s:Sender",
                 subcode: str = "w:InvalidParameter", http_status: int = 500) -> None:
        super().__init__(reason)
        self.wsman_code = wsman_code
        self.reason = reason
        self.code = code
        self.subcode = subcode
        self.http_status = http_status

    @classmethod
    def shell_not_found(cls, shell_id: str) -> "WSManFault":
        return cls(SHELL_NOT_FOUND,
                   f"The request for the Windows Remote Shell with ShellId {shell_id} failed because the shell was "
                   "not found on the server. Possible causes are: the specified ShellId is incorrect or the shell "
                   "no longer exists on the server. Provide the correct ShellId or create a new shell and retry "
                   "the operation.", subcode="w:InvalidSelectors")

    @classmethod
    def timed_out(cls) -> "WSManFault":
        return cls(OPERATION_TIMEDOUT, "The WS-Management service cannot complete the operation within the time "
                   "specified in OperationTimeout.", code="s:Receiver", subcode="w:TimedOut")

    @classmethod
    def invalid_xml(cls, detail: str) -> "WSManFault":
        return cls(INVALID_XML, f"The WS-Management service cannot process the request because the XML is "
                   f"invalid. {detail}", subcode="w:SchemaValidationError")

    @classmethod
    def header_required(cls, name: str) -> "WSManFault":
        return cls(HEADER_REQUIRED, "The WS-Management service cannot process the request. The request does not "
                   f"have all the expected SOAP headers: {name} is missing.",
                   subcode="a:MessageInformationHeaderRequired")

    @classmethod
    def action_not_supported(cls, action: str) -> "WSManFault":
        return cls(ACTION_NOT_SUPPORTED, "The WS-Management service does not support the action specified in "
                   f"the request: {action}", subcode="a:ActionNotSupported")

    @classmethod
    def invalid_body(cls, detail: str) -> "WSManFault":
        return cls(INVALID_SOAP_BODY, "The WS-Management service cannot process the request because the request "
                   f"packet does not have a valid SOAP body. {detail}", subcode="w:InvalidBody")

    @classmethod
    def envelope_too_large(cls, size: int, limit: int) -> "WSManFault":
        return cls(MAX_ENVELOPE_SIZE, f"The request size ({size} bytes) exceeded the MaxEnvelopeSize quota of "
                   f"{limit} bytes.", subcode="w:EncodingLimit", http_status=413)

    @classmethod
    def too_many_shells(cls, limit: int) -> "WSManFault":
        return cls(QUOTA_MAX_SHELLS, f"The WS-Management service cannot process the request. This user is "
                   f"allowed a maximum number of {limit} shells, which has been exceeded. Close existing shells "
                   "or raise the quota for this user.", code="s:Receiver", subcode="w:QuotaLimit")

    @classmethod
    def too_many_commands(cls, limit: int) -> "WSManFault":
        return cls(QUOTA_MAX_OPERATIONS, f"The WS-Management service cannot process the request. This shell is "
                   f"allowed a maximum number of {limit} commands, which has been exceeded. Signal commands to "
                   "terminate before starting new ones.", code="s:Receiver", subcode="w:QuotaLimit")

    @classmethod
    def internal_error(cls) -> "WSManFault":
        return cls(PROVIDER_FAILURE, "An error was encountered inside the plugin (the lab emulator); the "
                   "server log has the details.", code="s:Receiver", subcode="w:InternalError")
