"""E-signature + face verification through a provider adapter (DOMAIN §3).

`settings.FACE_VERIFICATION_PROVIDER` names the adapter class. The test provider accepts a
token of the form "pass:<anything>" and refuses everything else, so both outcomes can be
exercised without a real provider; a real one calls its API and returns its reference.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.utils.module_loading import import_string

from governance.errors import DomainError, ErrorCode


class FaceProvider:
    def verify(self, *, user, token: str) -> str:
        """Return the provider's reference for a passed check, or raise DomainError(FACE_FAILED)."""
        raise NotImplementedError


class TestFaceProvider(FaceProvider):
    def verify(self, *, user, token: str) -> str:
        if not token or not token.startswith("pass:"):
            raise DomainError(ErrorCode.FACE_FAILED, "人脸核验未通过，请重试。", field="face_token")
        digest = hashlib.sha256(f"{user.pk}:{token}".encode()).hexdigest()[:16]
        return f"test-{digest}"


def verify_face(*, user, token: str | None) -> str:
    provider = import_string(getattr(settings, "FACE_VERIFICATION_PROVIDER",
                                     "governance.voting.signatures.TestFaceProvider"))()
    return provider.verify(user=user, token=token or "")
