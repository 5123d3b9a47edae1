"""File uploads: the GraphQL multipart request spec and the `Upload` scalar.

https://github.com/jaydenseric/graphql-multipart-request-spec — a multipart/form-data POST
with three kinds of parts:

    operations  {"query": "mutation ($proof: Upload!) {...}", "variables": {"proof": null}}
    map         {"0": ["variables.proof"]}
    0           the file

The view puts each file into the variables at the mapped paths; the `Upload` scalar then
hands the `UploadedFile` to the resolver, which passes it to a service (services validate
type and size with `portal.uploads.validate_upload`). Batched operations are not supported.
"""

from __future__ import annotations

import json

import graphene
from graphql import GraphQLError


class MultipartError(ValueError):
    """The multipart body does not follow the spec; the view answers 400 with this message."""


class Upload(graphene.Scalar):
    """上传的文件，按 GraphQL multipart request spec 发送（multipart/form-data：operations、map、文件）"""

    @staticmethod
    def serialize(value):
        raise GraphQLError("Upload 只能作为输入参数。")

    @staticmethod
    def parse_literal(node, _variables=None):
        raise GraphQLError("文件必须以 multipart/form-data 方式上传（operations + map + 文件）。")

    @staticmethod
    def parse_value(value):
        if hasattr(value, "read") and hasattr(value, "name"):
            return value
        raise GraphQLError("文件必须以 multipart/form-data 方式上传（operations + map + 文件）。")


def _place(operations: dict, path: str, file) -> None:
    parts = path.split(".")
    if len(parts) < 2 or parts[0] != "variables":
        raise MultipartError(f"map 中的路径 {path!r} 必须指向 variables。")
    target = operations.get("variables")
    if not isinstance(target, dict):
        raise MultipartError("operations 缺少 variables。")
    for i, part in enumerate(parts[1:], start=1):
        last = i == len(parts) - 1
        if isinstance(target, list):
            try:
                index = int(part)
            except ValueError as exc:
                raise MultipartError(f"map 中的路径 {path!r} 无效。") from exc
            if not 0 <= index < len(target):
                raise MultipartError(f"map 中的路径 {path!r} 无效。")
            if last:
                target[index] = file
            else:
                target = target[index]
        elif isinstance(target, dict):
            if part not in target:
                raise MultipartError(f"map 中的路径 {path!r} 在 variables 中不存在。")
            if last:
                target[part] = file
            else:
                target = target[part]
        else:
            raise MultipartError(f"map 中的路径 {path!r} 无效。")


def parse_multipart(post, files) -> dict:
    """Build the GraphQL request body (query, variables, operationName) from a multipart request."""
    try:
        operations = json.loads(post["operations"])
        mapping = json.loads(post.get("map") or "{}")
    except (KeyError, TypeError, ValueError, RecursionError) as exc:
        raise MultipartError("operations 或 map 不是有效的 JSON，或嵌套层数过多。") from exc
    if not isinstance(operations, dict):
        raise MultipartError("不支持批量操作：operations 必须是一个对象。")
    if not isinstance(mapping, dict):
        raise MultipartError("map 必须是一个对象。")
    for key, paths in mapping.items():
        if key not in files:
            raise MultipartError(f"缺少文件部分 {key!r}。")
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            raise MultipartError("map 的值必须是路径列表。")
        for path in paths:
            _place(operations, path, files[key])
    return operations
