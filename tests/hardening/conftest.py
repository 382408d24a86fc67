"""The WinRM server fixtures of tests/winrm (loopback, ephemeral ports, stopped at teardown) for these tests."""
from tests.winrm.conftest import start  # noqa: F401  (a fixture, used by name)
