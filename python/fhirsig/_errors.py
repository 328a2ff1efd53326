"""fhirsig's exceptions: a small hierarchy, raised by the native module by name."""
from typing import Optional


class Error(Exception):
    """Base class of every error fhirsig raises."""


class InputError(Error):
    """Input that cannot be used: not strict I-JSON, not a FHIR resource, an unreadable file.

    ``kind`` names the refusal with the published test vectors' codes (``duplicate-member``,
    ``number-out-of-range``, ``unsupported-canonicalization``, ...).
    """

    def __init__(self, message: str, kind: Optional[str] = None) -> None:
        super().__init__(message)
        self.kind = kind


class KeySourceError(Error):
    """A key that cannot be opened: wrong password, no certificate, an unsupported key."""

    def __init__(self, message: str, kind: Optional[str] = None) -> None:
        super().__init__(message)
        self.kind = kind


class PolicyError(Error):
    """An unknown policy, profile or time policy."""

    def __init__(self, message: str, kind: Optional[str] = None) -> None:
        super().__init__(message)
        self.kind = kind
