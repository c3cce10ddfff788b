"""The docs site's generated reference matches the code it is generated from."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
from scripts import docs_reference as reference

from entrypoints import cli, operator
from entrypoints.settings import Settings
from interview_core import errors

DOCS = Path(__file__).resolve().parents[3] / "docs"


def rows(markdown: str) -> dict[str, list[str]]:
    """The table rows of `markdown`, by their first cell."""
    found: dict[str, list[str]] = {}
    for line in markdown.splitlines():
        if line.startswith("| ") and not line.startswith("| ---"):
            cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
            found[cells[0]] = cells
    return found


@pytest.mark.parametrize("name", list(Settings.model_fields))
def test_every_setting_has_a_description(name: str) -> None:
    description = Settings.model_fields[name].description

    assert description and description.strip(), f"Settings.{name} needs description="


def test_the_settings_reference_has_one_row_per_field_with_its_variable_default_and_meaning() -> (
    None
):
    table = rows(reference.settings_reference())

    assert len(table) - table_headers(table) == len(Settings.model_fields)
    for name, field in Settings.model_fields.items():
        variables = ", ".join(f"`{v}`" for v in reference.environment_names(name))
        assert variables in table, name
        _, default, meaning = table[variables]
        assert meaning == " ".join((field.description or "").split()).replace("|", "\\|")
        assert default == reference.default_text(name)


def table_headers(table: dict[str, list[str]]) -> int:
    return sum(1 for key in table if key == "variable")


def test_every_settings_field_sits_in_a_section_of_the_reference() -> None:
    placed = [name for names in reference.settings_sections().values() for name in names]

    assert sorted(placed) == sorted(Settings.model_fields)


def test_a_default_reads_as_it_would_be_typed() -> None:
    assert reference.default_text("aws_region") == "`us-east-1`"
    assert reference.default_text("whisper_vad") == "`true`"
    assert reference.default_text("lease_seconds") == "`60`"
    assert reference.default_text("aws_s3_bucket") == "unset"
    assert reference.default_text("backend") == "`local`"


def test_the_environment_names_are_the_aliases_settings_reads() -> None:
    assert reference.environment_names("aws_region") == ["AWS_REGION", "AWS_DEFAULT_REGION"]
    assert reference.environment_names("worker_concurrency") == ["WORKER_CONCURRENCY"]


def all_actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if not isinstance(a, argparse._SubParsersAction)]


def test_the_cli_reference_shows_every_command_and_option() -> None:
    text = reference.cli_reference()
    subcommands = [f"ai-interviews {name}" for name in operator.COMMANDS]

    assert reference.cli_commands() == [
        "ai-interviews --mode",
        *subcommands,
        "ai-interviews dev-stack",
    ]
    for title in reference.cli_commands():
        assert f"## `{title}`" in text
    for action in all_actions(cli.build_parser()):
        for option in action.option_strings:
            assert f"`{option}`" in text
    assert "`--redrive`" in text and "`--user-id`" in text and "`--port`" in text


def test_the_exit_codes_are_the_cli_tables() -> None:
    text = reference.exit_codes_reference()

    for codes in (cli.EXIT_CODES, operator.EXIT_CODES):
        for code, meaning in codes.items():
            assert f"| {code} | {' '.join(meaning.split())} |" in text
    assert {0, 1, 2, 75} <= set(cli.EXIT_CODES) and {0, 1, 2, 75} <= set(operator.EXIT_CODES)


def test_every_error_code_has_a_row_with_its_kind() -> None:
    table = rows(reference.error_codes_reference())
    classes = reference.error_classes()

    assert errors.LeaseLost in classes and errors.ConfigurationError in classes
    for cls in classes:
        assert table[f"`{cls.code}`"][1] == cls.kind.value
    assert table[f"`{errors.UNEXPECTED_ERROR}`"][1] == "transient"
    assert "handled as transient" in table[f"`{errors.UNEXPECTED_ERROR}`"][3]


def test_the_template_reference_lists_every_parameter_and_output_with_its_description() -> None:
    template = reference.load_template()
    parameters, outputs = reference.template_reference().split("\n## Outputs\n")

    for section, text in (("Parameters", parameters), ("Outputs", outputs)):
        table = rows(text)
        for name, spec in template[section].items():
            assert f"`{name}`" in table, name
            assert table[f"`{name}`"][-1] == " ".join(spec["Description"].split())


def test_every_marker_of_the_docs_names_a_generator_and_every_generator_is_used() -> None:
    used = {
        name
        for page in DOCS.rglob("*.md")
        for name in reference.MARKER.findall(page.read_text(encoding="utf-8"))
    }

    assert used == set(reference.GENERATORS)
    assert "<!-- generated: settings -->" in (DOCS / "reference" / "settings.md").read_text()


def test_an_unknown_marker_stops_the_build() -> None:
    with pytest.raises(KeyError, match="no generator named 'nonsense'"):
        reference.expand("<!-- generated: nonsense -->")
