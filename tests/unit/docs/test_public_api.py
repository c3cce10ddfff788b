"""The supported imports: what docs/reference/api.md shows is exactly what `__all__` exports."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

import adapters
import interview_core
from entrypoints.cli import main

REPO_ROOT = Path(__file__).resolve().parents[3]
API_PAGE = (REPO_ROOT / "docs" / "reference" / "api.md").read_text(encoding="utf-8")


def imported_in_the_page(package: str) -> list[str]:
    """The names the page's import block takes from `package`, in its order."""
    block = re.search(rf"^from {package} import \((.*?)\)", API_PAGE, re.MULTILINE | re.DOTALL)
    assert block, f"the API page imports from {package}"
    return re.findall(r"\w+", block.group(1))


def documented_in_the_page(package: str) -> list[str]:
    """The `::: module.Name` entries of the page under `package`, as `module.Name`."""
    return re.findall(rf"^::: ({package}\.[\w.]+)$", API_PAGE, re.MULTILINE)


@pytest.mark.parametrize("package", [interview_core, adapters], ids=lambda p: p.__name__)
def test_the_page_imports_exactly_what_all_exports(package: object) -> None:
    exported = package.__all__  # type: ignore[attr-defined]

    assert imported_in_the_page(package.__name__) == list(exported)  # type: ignore[attr-defined]
    assert len(set(exported)) == len(exported)


@pytest.mark.parametrize("package", [interview_core, adapters], ids=lambda p: p.__name__)
def test_the_page_documents_each_exported_name_from_the_module_that_defines_it(
    package: object,
) -> None:
    modules = package._MODULES  # type: ignore[attr-defined]
    documented = documented_in_the_page(package.__name__)  # type: ignore[attr-defined]

    assert sorted(documented) == sorted(f"{modules[name]}.{name}" for name in modules)
    assert set(modules) == set(package.__all__)  # type: ignore[attr-defined]


@pytest.mark.parametrize("package", [interview_core, adapters], ids=lambda p: p.__name__)
def test_every_exported_name_imports_and_is_the_defining_modules_own(package: object) -> None:
    for name in package.__all__:  # type: ignore[attr-defined]
        value = getattr(package, name)
        module = sys.modules[package._MODULES[name]]  # type: ignore[attr-defined]
        assert value is getattr(module, name)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'DynamoDBItems'"):
        _ = adapters.DynamoDBItems  # type: ignore[attr-defined]
    with pytest.raises(AttributeError, match="no attribute 'DeliveryPolicy'"):
        _ = interview_core.DeliveryPolicy  # type: ignore[attr-defined]


def test_each_adapter_is_listed_under_the_port_it_implements() -> None:
    listed = [name for names in adapters.PORTS.values() for name in names]

    assert listed == adapters.__all__
    for port in adapters.PORTS:
        if port[0].isupper():
            assert port in interview_core.__all__


def test_importing_the_packages_loads_no_provider_sdk_and_no_use_case() -> None:
    probe = (
        "import sys, adapters, interview_core; "
        "heavy = {'boto3', 'botocore', 'faster_whisper', 'openai', 'ctranslate2', "
        "'interview_core.process_interview', 'adapters.aws.clients'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env={"PYTHONPATH": str(REPO_ROOT / "src")},
        capture_output=True,
        text=True,
        check=True,
    )

    assert done.stdout.strip() == "[]"


def test_the_version_is_pyprojects_and_the_cli_prints_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))

    with pytest.raises(SystemExit) as stopped:
        main(["--version"])

    assert stopped.value.code == 0
    assert version("ai-interviews") == pyproject["project"]["version"]
    assert capsys.readouterr().out.strip() == f"ai-interviews {pyproject['project']['version']}"
