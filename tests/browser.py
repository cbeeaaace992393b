"""What a person sees of a page: the report rendered by headless Chromium, measured in the page.

The page is copied with a small script added that runs once it has loaded and laid out, and
writes what it measured into the page as JSON; ``chromium --dump-dom`` prints the page as it
then is. The copy is the only change: the report itself holds no script.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

_PROBE = """
<script>
window.addEventListener('load', () => {
  const skip = new Set(['SCRIPT', 'STYLE', 'PRE', 'CODE', 'TITLE']);
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    if (skip.has(node.parentElement.tagName) || node.parentElement.closest('pre, code')) continue;
    const words = /[^\\s,;:()\\[\\]\\/-]+/g;  // a line may break after a hyphen or a slash
    let m;
    while ((m = words.exec(node.data))) {
      if (m[0].length > 24) continue;  // a path or a long number may have to wrap anywhere
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (lines.size > 1) broken.push(m[0]);
    }
  }
  const overflowing = [...document.querySelectorAll('td, th')]
    .filter(cell => cell.scrollWidth > cell.clientWidth + 1).map(cell => cell.innerText.slice(0, 60));
  const result = {broken_words: broken, overflowing_cells: overflowing, text: document.body.innerText,
                  width: document.documentElement.scrollWidth, viewport: window.innerWidth};
  const out = document.createElement('pre');
  out.id = 'browser-probe';
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
});
</script>
"""
_RESULT = re.compile(r'<pre id="browser-probe">(.*?)</pre>', re.S)


@dataclass
class Seen:
    """What the page showed at one window width."""

    broken_words: list[str]
    overflowing_cells: list[str]
    text: str
    #: The page's width and the window's: a page wider than its window scrolls sideways.
    width: int
    viewport: int


def chromium() -> str | None:
    """The headless browser's command, or ``None`` where it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def seen(page: Path, width: int = 1000, screenshot: Path | None = None) -> Seen:
    """Load ``page`` in headless Chromium at ``width`` pixels and measure what it shows."""
    browser = chromium()
    if browser is None:
        raise RuntimeError("no Chromium on this machine (apt-get install chromium)")
    probed = page.with_name(page.stem + ".probed.html")
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", _PROBE + "</body>"), encoding="utf-8")
    flags = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--window-size={width},900",
             "--virtual-time-budget=5000"]
    run = subprocess.run([*flags, "--dump-dom", probed.as_uri()], capture_output=True, text=True, timeout=120)
    match = _RESULT.search(run.stdout)
    if match is None:
        raise RuntimeError(f"Chromium printed no measurement (exit {run.returncode}): {run.stderr[-2000:]}")
    import html

    if screenshot is not None:
        subprocess.run([*flags, f"--screenshot={screenshot}", page.as_uri()], capture_output=True, timeout=120)
    return Seen(**json.loads(html.unescape(match.group(1))))
