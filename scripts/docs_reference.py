"""The docs site's generated reference: settings, CLI, exit and error codes, the template.

Used two ways: as a MkDocs hook (`hooks:` in mkdocs.yml), which replaces each marker
`<!-- generated: NAME -->` of a page with the Markdown the code produces, and by the tests,
which check that what is generated matches the code. Nothing here is copied by hand.
"""

from __future__ import annotations

import argparse
import enum
import inspect
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
SRC = REPO_ROOT / "src"
TEMPLATE = REPO_ROOT / "deploy" / "template.yaml"
MARKER = re.compile(r"^<!-- generated: ([a-z-]+) -->$", re.MULTILINE)


def use_this_checkout() -> None:
    """Import this checkout's code, not whatever an installed copy names."""
    if not sys.path or sys.path[0] != str(SRC):
        sys.path.insert(0, str(SRC))


use_this_checkout()


def _cell(text: object) -> str:
    """Text fit for one Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _code(text: object) -> str:
    return f"`{text}`" if str(text) else "empty"


# --- settings --------------------------------------------------------------------------------

_SECTION = re.compile(r"^    # --- (.+?) ---$")
_FIELD = re.compile(r"^    (\w+): .*= Field\(")


def settings_sections() -> dict[str, list[str]]:
    """Each `Settings` field by the section comment (`# --- name ---`) it sits under."""
    from entrypoints import settings

    sections: dict[str, list[str]] = {}
    current = "other"
    for line in inspect.getsource(settings.Settings).splitlines():
        if found := _SECTION.match(line):
            current = found.group(1)
        elif found := _FIELD.match(line):
            sections.setdefault(current, []).append(found.group(1))
    return sections


def environment_names(name: str) -> list[str]:
    """The environment variables that set the `Settings` field `name`, first one first."""
    from pydantic import AliasChoices

    from entrypoints.settings import Settings

    alias = Settings.model_fields[name].validation_alias
    if isinstance(alias, AliasChoices):
        return [str(choice) for choice in alias.choices]
    return [str(alias or name).upper()]


def default_text(name: str) -> str:
    """A field's default as a reader would type it in the environment."""
    from entrypoints.settings import Settings

    default = Settings.model_fields[name].default
    if default is None:
        return "unset"
    if isinstance(default, enum.Enum):
        return _code(default.value)
    if isinstance(default, bool):
        return _code(str(default).lower())
    if isinstance(default, float) and default.is_integer():
        return _code(int(default))
    if isinstance(default, Path):
        return _code(default.as_posix())
    return _code(default)


def settings_reference() -> str:
    """A table per section of `Settings`: variable, default, meaning (the field's
    description)."""
    from entrypoints.settings import Settings

    out: list[str] = []
    for section, names in settings_sections().items():
        out += [f"## {section[:1].upper()}{section[1:]}", ""]
        out += ["| variable | default | meaning |", "| --- | --- | --- |"]
        for name in names:
            variables = ", ".join(f"`{variable}`" for variable in environment_names(name))
            description = Settings.model_fields[name].description or ""
            out.append(f"| {variables} | {default_text(name)} | {_cell(description)} |")
        out.append("")
    return "\n".join(out)


# --- the command line ------------------------------------------------------------------------


def _parsers() -> Iterator[tuple[str, argparse.ArgumentParser]]:
    from entrypoints import cli, dev_stack, operator

    yield "ai-interviews --mode", cli.build_parser()
    commands = operator.build_parser()
    for action in commands._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, parser in action.choices.items():
                yield f"ai-interviews {name}", parser
    yield "ai-interviews dev-stack", dev_stack.build_parser()


def cli_commands() -> list[str]:
    """The commands the CLI reference documents, in its order."""
    return [title for title, _ in _parsers()]


def _option_row(action: argparse.Action) -> str:
    if action.option_strings:
        names = ", ".join(f"`{name}`" for name in action.option_strings)
    else:
        names = f"`{action.metavar or action.dest}`"
    if action.nargs == 0:
        value = ""
    elif action.choices is not None:
        value = " \\| ".join(f"`{choice}`" for choice in action.choices)
    else:
        value = f"`{action.metavar or action.dest.upper()}`"
    shown_default = action.default not in (None, False, argparse.SUPPRESS) and action.nargs != 0
    default = f"`{action.default}`" if shown_default else ""
    if isinstance(action.default, Path):
        default = f"`{action.default.as_posix()}`"
    required = "required" if action.required else ""
    meaning = action.help if action.help not in (None, argparse.SUPPRESS) else ""
    return f"| {names} | {value} | {default or required} | {_cell(meaning)} |"


def _usage(parser: argparse.ArgumentParser) -> str:
    """The usage line wrapped at 90 columns, whatever the terminal's width."""
    formatter = argparse.HelpFormatter(parser.prog, width=90)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups, "")
    return formatter.format_help().strip()


def cli_reference() -> str:
    """A section per command: its usage line, description and options."""
    out: list[str] = []
    for title, parser in _parsers():
        usage = _usage(parser)
        out += [f"## `{title}`", ""]
        if parser.description:
            out += [parser.description, ""]
        out += ["```", usage, "```", ""]
        out += ["| argument | value | default | meaning |", "| --- | --- | --- | --- |"]
        out += [
            _option_row(action)
            for action in parser._actions
            if not isinstance(action, argparse._SubParsersAction)
        ]
        out.append("")
    return "\n".join(out)


# --- exit codes and error codes --------------------------------------------------------------


def exit_codes_reference() -> str:
    """The exit code tables of the worker's modes and of the operator's commands."""
    from entrypoints import cli, operator

    out: list[str] = []
    for title, codes in (
        ("`ai-interviews --mode single-video | single-interview | sqs`", cli.EXIT_CODES),
        ("The operator's commands (`submit`, `status`, `list`, ...)", operator.EXIT_CODES),
    ):
        out += [f"### {title}", "", "| code | meaning |", "| --- | --- |"]
        out += [f"| {code} | {_cell(meaning)} |" for code, meaning in sorted(codes.items())]
        out.append("")
    return "\n".join(out)


def error_classes() -> list[type[Any]]:
    """Every concrete core error with its own code, by kind, then code."""
    from interview_core import errors

    found: list[type[Any]] = []
    pending: list[type[Any]] = list(errors.InterviewError.__subclasses__())
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        if cls.__module__ == errors.__name__:
            found.append(cls)
    order = list(errors.ErrorKind)
    return sorted(set(found), key=lambda cls: (order.index(cls.kind), cls.code))


def _summary(cls: type[Any]) -> str:
    doc = inspect.getdoc(cls) or ""
    return doc.split("\n\n", 1)[0]


def error_codes_reference() -> str:
    """The three kinds of error, then one row per error code: its kind, the class that
    carries it, what it means."""
    from interview_core import errors

    kinds = (errors.InterviewFault, errors.TransientError, errors.DeploymentFault)
    out = ["| kind | base class | what happens |", "| --- | --- | --- |"]
    out += [f"| {cls.kind.value} | `{cls.__name__}` | {_cell(_summary(cls))} |" for cls in kinds]
    out += ["", "| code | kind | raised as | meaning |", "| --- | --- | --- | --- |"]
    for cls in error_classes():
        out.append(
            f"| `{cls.code}` | {cls.kind.value} | `{cls.__name__}` | {_cell(_summary(cls))} |"
        )
    out.append(
        f"| `{errors.UNEXPECTED_ERROR}` | {errors.ErrorKind.TRANSIENT.value} "
        f"| any other exception | {_cell(_unexpected_doc())} |"
    )
    out.append("")
    return "\n".join(out)


def _unexpected_doc() -> str:
    """The docstring of `UNEXPECTED_ERROR`, read from the source beside it."""
    from interview_core import errors

    source = inspect.getsource(errors)
    found = re.search(r'^UNEXPECTED_ERROR = .*\n"""(.*?)"""', source, re.MULTILINE | re.DOTALL)
    return found.group(1) if found else ""


# --- the CloudFormation template -------------------------------------------------------------


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    """The template as data; short-form tags (`!Ref`, `!Sub`) are read as plain values."""
    import yaml

    class Loader(yaml.SafeLoader):
        """A safe loader that accepts CloudFormation's tags."""

    def any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> object:
        if isinstance(node, yaml.ScalarNode):
            return loader.construct_scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_mapping(node)  # type: ignore[arg-type]

    Loader.add_multi_constructor("!", any_tag)
    data: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506
    return data


def template_reference() -> str:
    """The template's parameters, by the groups it shows in the console, and its outputs."""
    template = load_template()
    parameters: dict[str, Any] = template["Parameters"]
    interface = template.get("Metadata", {}).get("AWS::CloudFormation::Interface", {})
    groups = [
        (group["Label"]["default"], list(group["Parameters"]))
        for group in interface.get("ParameterGroups", [])
    ]
    grouped = {name for _, names in groups for name in names}
    rest = [name for name in parameters if name not in grouped]
    if rest:
        groups.append(("Other", rest))
    out = [_cell(template.get("Description", "")), "", "## Parameters", ""]
    for label, names in groups:
        out += [f"### {label}", "", "| parameter | default | allowed | meaning |"]
        out.append("| --- | --- | --- | --- |")
        for name in names:
            spec = parameters[name]
            default = _code(spec["Default"]) if "Default" in spec else "required"
            allowed = ", ".join(f"`{value}`" for value in spec.get("AllowedValues", []))
            bounds = [
                f"{word} {spec[key]}"
                for key, word in (("MinValue", "at least"), ("MaxValue", "at most"))
                if key in spec
            ]
            allowed = allowed or ", ".join(bounds)
            out.append(
                f"| `{name}` | {default} | {allowed} | {_cell(spec.get('Description', ''))} |"
            )
        out.append("")
    out += ["## Outputs", "", "| output | when | meaning |", "| --- | --- | --- |"]
    for name, spec in template["Outputs"].items():
        when = f"`{spec['Condition']}`" if "Condition" in spec else "always"
        out.append(f"| `{name}` | {when} | {_cell(spec.get('Description', ''))} |")
    out.append("")
    return "\n".join(out)


# --- the hook --------------------------------------------------------------------------------

GENERATORS: dict[str, Callable[[], str]] = {
    "settings": settings_reference,
    "cli": cli_reference,
    "exit-codes": exit_codes_reference,
    "error-codes": error_codes_reference,
    "template": template_reference,
}


def expand(markdown: str) -> str:
    """A page with each `<!-- generated: NAME -->` marker replaced by what NAME generates."""

    def generated(found: re.Match[str]) -> str:
        name = found.group(1)
        if name not in GENERATORS:
            raise KeyError(f"no generator named {name!r}; known: {', '.join(GENERATORS)}")
        return GENERATORS[name]()

    return MARKER.sub(generated, markdown)


def on_config(config: Any) -> Any:
    """MkDocs hook: MkDocs restores `sys.path` after loading a hook, so set it again."""
    use_this_checkout()
    return config


def on_page_markdown(markdown: str, **_: Any) -> str:
    """MkDocs hook: expand the generated sections of every page."""
    return expand(markdown)
