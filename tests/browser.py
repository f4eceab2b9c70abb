"""Render a report in headless Chromium (Debian's package; `make test` installs it) and read back
what the page looked like after it loaded: charts laid out with drawn paths, and whether a
planted script ran."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

PROBE = """<script>
window.addEventListener('load', () => {
  const svgs = [...document.querySelectorAll('figure.chart svg')];
  const drawn = svgs.filter(s => {
    const r = s.getBoundingClientRect();
    return r.width > 50 && r.height > 50 && s.querySelectorAll('path').length > 2;
  }).length;
  const ran = document.title === 'pwned' || window.__pwned === 1;
  document.body.setAttribute('data-probe', JSON.stringify({charts: svgs.length, drawn, ran}));
});
</script>"""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("chromium is missing: `make test` installs Debian's chromium package")
    return found


def render(report: Path, tmp_path: Path) -> dict:
    """The probe's findings for ``report``. The page's Content-Security-Policy would block every
    script, the probe's and a planted one alike; the probe copy drops it, so a planted script
    that was not escaped would run here."""
    html = report.read_text()
    assert "Content-Security-Policy" in html
    html = re.sub(r"<meta http-equiv=Content-Security-Policy[^>]*>", "", html)
    probe = tmp_path / f"probe-{report.parent.name}.html"
    probe.write_text(html.replace("</body>", PROBE + "</body>"))
    out = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--virtual-time-budget=5000", "--window-size=1280,2000", "--dump-dom", probe.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    match = re.search(r"data-probe=\"([^\"]*)\"", out.stdout)
    assert match, f"the page did not load in chromium: {out.stderr[-2000:]}"
    return json.loads(match.group(1).replace("&quot;", '"'))
