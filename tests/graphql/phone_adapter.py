"""A stand-in phone adapter for the token test, used only while the project's adapter
does not implement allauth's phone methods yet (see `conftest.phone_login`)."""

from portal.accounts.adapter import AccountAdapter
from portal.accounts.models import User
from portal.accounts.sms import send_sms


def _national(phone: str) -> str:
    phone = (phone or "").strip().replace(" ", "")
    return phone[3:] if phone.startswith("+86") else phone


class PhoneLoginAdapter(AccountAdapter):
    def get_phone(self, user):
        return (user.phone, user.phone_verified) if user.phone else None

    def set_phone(self, user, phone, verified):
        user.phone, user.phone_verified = _national(phone), verified
        user.save(update_fields=["phone", "phone_verified"])

    def set_phone_verified(self, user, phone):
        user.phone_verified = True
        user.save(update_fields=["phone_verified"])

    def get_user_by_phone(self, phone):
        return User.objects.filter(phone=_national(phone)).first()

    def send_verification_code_sms(self, user, phone, code, **kwargs):
        send_sms(_national(phone), f"验证码 {code}")
