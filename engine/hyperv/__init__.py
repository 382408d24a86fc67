"""hyperv package."""
