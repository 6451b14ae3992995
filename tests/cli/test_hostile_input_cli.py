"""What a careless user or an attacker types or hands in gets exit 2 and a Dutch message naming
the field or option, never a traceback or exit 1 (issue: data-safety holes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli.conftest import Run

EXAMPLE = Path(__file__).parents[2] / "docs" / "voorbeelden" / "herbeoordeling.json"


def example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text("utf-8"))
    return data


def write(folder: Path, text: str | bytes, name: str = "aanvraag.json") -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[" * 100_000 + "]" * 100_000, "genest"),
        ('{"requester": ' * 5000 + "{}" + "}" * 5000, "genest"),
        (json.dumps(example())[:-1] + ', "x": ' + "7" * 5000 + "}", "te lang"),
    ],
    ids=["diep-genest", "diep-object", "5000-cijfers"],
)
def test_json_built_to_break_the_reader_exits_2(
    run: Run, tmp_path: Path, text: str, said: str
) -> None:
    out = tmp_path / "uit.pdf"
    result = run("herbeoordeling", str(write(tmp_path, text)), "--out", str(out))
    assert result.exit_code == 2, result.stderr
    assert said in result.stderr and "aanvraag.json" in result.stderr
    assert "Traceback" not in result.stderr and "Error" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("section", "key", "value", "field"),
    [
        ("client", "name", "Jan\x00Jansen", "client.name"),
        ("client", "name", "Jan \u202eJansen", "client.name"),
        ("requester", "name", "\x1b[2JM. de Vries", "requester.name"),
        ("request", "reason", "Reden\u2066 met isolaat", "request.reason"),
        (None, "requested_on", "9999-12-31", "requested_on"),
        ("client", "birth_date", "0001-01-01", "client.birth_date"),
        ("client", "bsn", "١٢٣٤٥٦٧٨٢", "client.bsn"),
        ("client", "bsn", "１２３４５６７８２", "client.bsn"),
    ],
)
def test_bad_names_texts_dates_and_digits_exit_2_naming_the_field(
    run: Run, tmp_path: Path, section: str | None, key: str, value: str, field: str
) -> None:
    data = example()
    (data[section] if section else data)[key] = value
    out = tmp_path / "uit.pdf"
    path = write(tmp_path, json.dumps(data, ensure_ascii=False))
    result = run("herbeoordeling", str(path), "--out", str(out))
    assert result.exit_code == 2, result.stderr
    assert f"({field})" in result.stderr
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("count", [30, 100])
def test_many_attachments_print_on_as_many_pages_as_needed(
    run: Run, tmp_path: Path, count: int
) -> None:
    data = example()
    data["request"]["attachments"] = [
        f"Bijlage {i}: verslag werkplekonderzoek" for i in range(count)
    ]
    out = tmp_path / "uit.pdf"
    result = run("herbeoordeling", str(write(tmp_path, json.dumps(data))), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    "args",
    [
        ("queue", "--on", "0001-01-01"),
        ("queue", "--on", "9999-12-31"),
        ("mdb-create", "--team", "T", "--on", "0001-01-01"),
        ("mdb-summary", "1", "--out", "uit.pdf", "--on", "0001-01-01"),
    ],
)
def test_absurd_date_options_exit_2_naming_option_and_value(
    run: Run, args: tuple[str, ...]
) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.stderr
    assert "Optie --on" in result.stderr and f"waarde '{args[-1]}'" in result.stderr


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=25,
)
_SECTIONS = {
    "requester": ["kind", "name", "organisation", "contact", "loonheffingennummer"],
    "client": ["bsn", "name", "birth_date"],
    "benefit": ["law", "regime", "percentage", "last_assessment"],
    "request": ["kind", "reason", "change", "since", "confirmed_by", "attachments"],
    "intake": ["team", "schrijnend", "schrijnend_ref", "working"],
}
_sections = st.fixed_dictionaries(
    {},
    optional={
        "requested_on": _json_values,
        "consent": _json_values,
        **{
            name: _json_values | st.dictionaries(st.sampled_from(keys), _json_values, max_size=7)
            for name, keys in _SECTIONS.items()
        },
    },
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.one_of(
        _sections.map(lambda d: json.dumps(d).encode()),
        _json_values.map(lambda v: json.dumps(v).encode()),
        st.binary(max_size=200),
    ),
    st.booleans(),
)
def test_random_json_and_bytes_never_give_exit_1(
    run: Run, tmp_path: Path, content: bytes, receipt: bool
) -> None:
    path = write(tmp_path, content)
    extra = ("--ontvangstbewijs",) if receipt else ()
    result = run("herbeoordeling", str(path), "--out", str(tmp_path / "uit.pdf"), *extra)
    assert result.exit_code in (0, 2, 3), result.stderr
    assert "Traceback" not in result.stderr


def test_an_oversized_file_is_refused_without_reading_it_whole(run: Run, tmp_path: Path) -> None:
    from mdbtriage.core.herbeoordeling import MAX_FILE_BYTES

    path = write(tmp_path, b'{"x": "' + b"a" * MAX_FILE_BYTES + b'"}')
    result = run("herbeoordeling", str(path), "--out", str(tmp_path / "uit.pdf"))
    assert result.exit_code == 2
    assert "te groot" in result.stderr and "aanvraag.json" in result.stderr


@pytest.mark.parametrize("which", ["ontbreekt", "map"])
def test_an_unreadable_file_is_named_in_dutch(run: Run, tmp_path: Path, which: str) -> None:
    path = tmp_path / "aanvraag.json"
    if which == "map":
        path.mkdir()
    result = run("herbeoordeling", str(path), "--out", str(tmp_path / "uit.pdf"))
    assert result.exit_code == 2
    assert str(path) in result.stderr
    assert "bestaat niet" in result.stderr or "map" in result.stderr
    assert "No such file" not in result.stderr and "Is a directory" not in result.stderr


def test_file_problems_are_dutch() -> None:
    import errno

    from mdbtriage.store.outputs import file_problem

    assert file_problem(OSError(errno.ENOSPC, "No space left on device")) == "de schijf is vol"
    assert file_problem(PermissionError(errno.EACCES, "Permission denied")) == (
        "geen toegang (rechten)"
    )
    assert file_problem(OSError(errno.EIO, "Input/output error")).startswith("bestandsfout 5")
