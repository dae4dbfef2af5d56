"""Flattening JSON rows into CSV columns."""

import pytest

from teilhabe.api.renderers import CSVRenderer, flatten


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"a": 1, "b": None}, {"a": 1, "b": ""}),
        ({"authority": {"code": "x", "name": "X"}}, {"authority.code": "x", "authority.name": "X"}),
        ({"codes": ["a", "b"]}, {"codes": "a;b"}),
        ({"components": {}}, {"components": ""}),
        ({"rows": [{"a": 1}]}, {"rows": '[{"a": 1}]'}),
    ],
    ids=["scalars and null", "nested object", "list of codes", "empty object", "list of objects"],
)
def test_flatten(row, expected):
    assert flatten(row) == expected


def test_page_renders_its_rows_only():
    content = CSVRenderer().render(
        {"count": 2, "next": None, "previous": None, "results": [{"a": 1, "b": "x,y"}, {"a": 2, "b": ""}]}
    )
    assert content.decode() == 'a,b\r\n1,"x,y"\r\n2,\r\n'
