"""powershell package."""
