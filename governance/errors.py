"""Domain errors with a stable code, shared by services, admin, portal and GraphQL."""

from __future__ import annotations

import enum


class ErrorCode(str, enum.Enum):
    PERMISSION_DENIED = "PERMISSION_DENIED"
    NOT_FOUND = "NOT_FOUND"
    INVALID = "INVALID"
    RATE_LIMITED = "RATE_LIMITED"
    NO_OWNER_PHONE = "NO_OWNER_PHONE"
    CODE_INVALID = "CODE_INVALID"
    CODE_EXPIRED = "CODE_EXPIRED"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    ALREADY_VERIFIED = "ALREADY_VERIFIED"
    ALREADY_PENDING = "ALREADY_PENDING"
    UPLOAD_INVALID = "UPLOAD_INVALID"
    DUPLICATE = "DUPLICATE"
    NOT_AUTHENTICATED = "NOT_AUTHENTICATED"
    NOT_VERIFIED = "NOT_VERIFIED"
    NOT_ON_ROLL = "NOT_ON_ROLL"
    WINDOW_CLOSED = "WINDOW_CLOSED"
    ALREADY_VOTED = "ALREADY_VOTED"
    SIGNATURE_REQUIRED = "SIGNATURE_REQUIRED"
    FACE_FAILED = "FACE_FAILED"
    TOO_MANY_SELECTIONS = "TOO_MANY_SELECTIONS"
    NOT_A_CANDIDATE = "NOT_A_CANDIDATE"
    ALREADY_ANSWERED = "ALREADY_ANSWERED"
    NOT_IN_AUDIENCE = "NOT_IN_AUDIENCE"
    ALREADY_SIGNED = "ALREADY_SIGNED"
    SLOT_TAKEN = "SLOT_TAKEN"
    # New codes: append below this line (one line each) and describe them in portal/graphql/errors.py.
    TOO_MANY_OPEN_APPLICATIONS = "TOO_MANY_OPEN_APPLICATIONS"


class DomainError(Exception):
    """Raised by services. `message` is Chinese and safe to show to the user."""

    def __init__(self, code: ErrorCode, message: str, *, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self):
        return self.message
