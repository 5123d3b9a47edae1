"""What counts as an id: positive, ASCII digits, within a 64-bit signed key."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from portal.params import MAX_ID, IdConverter, int_param, parse_id


@pytest.mark.parametrize("value, expected", [
    ("1", 1), (" 42 ", 42), (7, 7), (str(MAX_ID), MAX_ID),
    ("0", None), ("-1", None), (str(MAX_ID + 1), None), ("1" + "0" * 39, None), ("9" * 5000, None),
    ("abc", None), ("²", None), ("١٢", None), ("1.0", None), ("", None), (None, None), (True, None), (2**63, None),
])
def test_parse_id_accepts_only_ids_a_primary_key_can_hold(value, expected):
    assert parse_id(value) == expected


def test_a_missing_or_empty_filter_is_none_and_a_bad_one_is_not_found():
    factory = RequestFactory()
    assert int_param(factory.get("/"), "building") is None
    assert int_param(factory.get("/?building="), "building") is None
    assert int_param(factory.get("/?building=12"), "building") == 12
    with pytest.raises(Http404, match="参数 building 不是有效的编号：abc"):
        int_param(factory.get("/?building=abc"), "building")
    with pytest.raises(Http404):
        int_param(factory.get(f"/?building={2**63}"), "building")


def test_the_id_converter_refuses_what_a_key_cannot_hold():
    converter = IdConverter()
    assert converter.to_python(str(MAX_ID)) == MAX_ID
    for value in ("0", str(MAX_ID + 1)):
        with pytest.raises(ValueError):
            converter.to_python(value)
