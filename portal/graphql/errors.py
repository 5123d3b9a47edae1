"""Typed errors for GraphQL.

Mutations never raise for expected failures: they return `errors: [Error!]!`, each with a
code from the `ErrorCode` enum (built from `governance.errors.ErrorCode`, so services,
admin, portal and GraphQL share one list), a Chinese message safe to show, and the
argument it concerns. Query resolvers raise `DomainError`; the view turns it into a
GraphQL error whose `extensions.code` is the same code. Anything else is logged and shown
as a generic message: no traceback or internal text ever reaches the client.
"""

from __future__ import annotations

import graphene
from graphene.utils.str_converters import to_camel_case

from governance.errors import DomainError
from governance.errors import ErrorCode as DomainErrorCode

# Keyed by code value; a code added to governance.errors without a line here simply has no description.
ERROR_CODE_DESCRIPTIONS = {
    "PERMISSION_DENIED": "没有权限进行此操作",
    "NOT_FOUND": "对象不存在或不在您的可见范围内",
    "INVALID": "输入不正确",
    "RATE_LIMITED": "操作过于频繁，请稍后再试",
    "NO_OWNER_PHONE": "业主名册中没有该房屋的手机号",
    "CODE_INVALID": "验证码不正确",
    "CODE_EXPIRED": "验证码已过期",
    "TOO_MANY_ATTEMPTS": "验证码错误次数过多",
    "ALREADY_VERIFIED": "已认证，无需重复认证",
    "ALREADY_PENDING": "已有待审核的申请",
    "UPLOAD_INVALID": "上传文件不符合要求",
    "DUPLICATE": "重复的记录",
    "NOT_AUTHENTICATED": "需要先登录",
    "NOT_VERIFIED": "尚未认证业主身份",
    "NOT_ON_ROLL": "不在表决名册中",
    "WINDOW_CLOSED": "不在开放时间内",
    "ALREADY_VOTED": "已经投过票",
    "SIGNATURE_REQUIRED": "需要签名",
    "FACE_FAILED": "人脸核验未通过",
    "TOO_MANY_SELECTIONS": "选择的候选人超过应选人数",
    "NOT_A_CANDIDATE": "不是本次选举的正式候选人",
    "ALREADY_ANSWERED": "已作答",
    "NOT_IN_AUDIENCE": "不在调查对象范围内",
    "ALREADY_SIGNED": "已联名",
    "SLOT_TAKEN": "该时段已被预约",
    "TOO_MANY_OPEN_APPLICATIONS": "待审核的申请已达上限",
}


def _describe(value):
    """graphene calls this with None for the enum itself and with each member for its values."""
    if value is None:
        return "错误代码，与 governance.errors.ErrorCode 一致。"
    return ERROR_CODE_DESCRIPTIONS.get(value.value)


ErrorCode = graphene.Enum.from_enum(DomainErrorCode, name="ErrorCode", description=_describe)

# Codes used only in `extensions.code` of top-level (transport) errors, not in the enum.
INTERNAL_ERROR = "INTERNAL_ERROR"
QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
CSRF_FAILED = "CSRF_FAILED"
BAD_REQUEST = "BAD_REQUEST"

INTERNAL_MESSAGE = "服务器内部错误，请稍后再试。"
NOT_AUTHENTICATED_MESSAGE = "请先登录。"


class Error(graphene.ObjectType):
    """变更（mutation）失败的原因，用户可据此处理"""

    code = graphene.Field(ErrorCode, required=True, description="错误代码")
    message = graphene.String(required=True, description="中文错误说明，可直接展示给用户")
    field = graphene.String(description="出错的参数名（camelCase），与参数无关时为空")


def field_name(field: str | None) -> str | None:
    """Service field names are snake_case; GraphQL arguments are camelCase."""
    return to_camel_case(field) if field else None


def error_from_domain(exc: DomainError) -> dict:
    return {"code": exc.code.value, "message": exc.message, "field": field_name(exc.field)}


def error(code: DomainErrorCode, message: str, field: str | None = None) -> dict:
    return {"code": code.value, "message": message, "field": field_name(field)}


def not_authenticated() -> DomainError:
    return DomainError(DomainErrorCode.NOT_AUTHENTICATED, NOT_AUTHENTICATED_MESSAGE)
