"""A real Chromium opening review pages from file://, watching every request and console line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest

from tests.browser_support import chromium, missing_browser, sample_review_page


@attrs.define
class OpenedPage:
    """A page in its own browser context, with what it requested and printed as errors."""

    page: object
    requests: list[str] = attrs.field(factory=list)
    errors: list[str] = attrs.field(factory=list)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    reason = missing_browser()
    if reason is not None:
        pytest.skip(reason)
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def sample_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """review.html of the bundled sample, as `--mode single-video` writes it."""
    return sample_review_page(tmp_path_factory.mktemp("sample"))


@pytest.fixture
def open_page(browser: object) -> Iterator[Callable[..., OpenedPage]]:
    """Open a page from file://; afterwards, check that no request left file:// and that
    nothing was logged as an error (but the errors a test expects)."""
    opened: list[tuple[OpenedPage, object, tuple[str, ...]]] = []

    def open_(
        html_file: Path,
        fragment: str = "",
        expected_errors: tuple[str, ...] = (),
        viewport: dict[str, int] | None = None,
    ) -> OpenedPage:
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})  # type: ignore[attr-defined]
        page = context.new_page()
        result = OpenedPage(page)
        page.on("request", lambda request: result.requests.append(request.url))
        page.on(
            "console",
            lambda message: result.errors.append(message.text) if message.type == "error" else None,
        )
        page.on("pageerror", lambda error: result.errors.append(f"uncaught: {error}"))
        opened.append((result, context, expected_errors))
        page.goto(html_file.as_uri() + fragment)
        page.wait_for_selector("html[data-rendered]")
        return result

    yield open_
    for result, context, expected in opened:
        context.close()  # type: ignore[attr-defined]
        assert all(url.startswith("file://") for url in result.requests), result.requests
        unexpected = [e for e in result.errors if not any(part in e for part in expected)]
        assert not unexpected, unexpected
