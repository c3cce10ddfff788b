"""Takes the README's picture of the review page: the bundled sample in the system Chromium.

The page is the one `ai-interviews --mode single-video` writes for samples/interview (its
transcript read from the sidecar, as `make demo` would recognise it), shown while the third
question plays, with the first suggested answer open.

Usage (from the repository root, after apt-get install chromium and pip install -e '.[browser]'):
    .venv/bin/python scripts/review_screenshot.py docs/images/review-page.png
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser_support import chromium, missing_browser, sample_review_page  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="the PNG file to write")
    args = parser.parse_args()
    reason = missing_browser()
    if reason is not None:
        print(f"error: {reason}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder, chromium() as browser:
        page_file = sample_review_page(Path(folder))
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.goto(page_file.as_uri())
        page.wait_for_function("() => document.getElementById('video').readyState >= 2")
        page.locator("#question-list details").first.locator("summary").click()
        page.locator("#question-list > li").nth(2).locator(".q-play").click()
        page.wait_for_timeout(1500)
        page.evaluate("document.getElementById('video').pause()")
        page.mouse.move(0, 0)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.output))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
