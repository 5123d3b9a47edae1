"""Small helpers for the Q&A stories."""

from __future__ import annotations

import pytest

from governance.errors import DomainError, ErrorCode


def refused(code: ErrorCode, call, *args, field: str | None = "__any__", **kwargs) -> DomainError:
    """Run `call` and assert it raises DomainError with `code` (and `field` when given); return the error."""
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, (caught.value.code, caught.value.message)
    if field != "__any__":
        assert caught.value.field == field, caught.value.field
    return caught.value
