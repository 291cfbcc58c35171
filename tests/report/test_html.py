"""The HTML report: structure, self-containment, and what headless Chromium actually draws."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from tests.report.html_sample import SOURCE, sample_report

from assay.model import Family, Finding, FunctionReview, Report, Severity, TrustTier
from assay.report import FORMATS, render
from assay.report.html import render_html, timing_series

WIDTH, HEIGHT = 1280, 2400


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    text: list[str] = field(default_factory=list)


class _Collect(HTMLParser):
    """Every element with its attributes and the text directly inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[Node] = []
        self._open: list[Node] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.nodes.append(node)
        if tag not in {"meta", "br", "img", "input", "link"}:
            self._open.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.nodes.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            if self._open.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for node in self._open:
            node.text.append(data)


def _parse(html: str) -> list[Node]:
    parser = _Collect()
    parser.feed(html)
    return parser.nodes


def _classed(nodes: list[Node], cls: str) -> list[Node]:
    return [n for n in nodes if cls in n.attrs.get("class", "").split()]


def test_registered_as_a_format() -> None:
    assert "html" in FORMATS
    assert render(sample_report(), "html") == render_html(sample_report())


def test_is_self_contained_and_script_free() -> None:
    html = render_html(sample_report())
    lowered = html.lower()
    assert "<script" not in lowered and "javascript:" not in lowered
    assert " src=" not in lowered and "<link" not in lowered and "url(" not in lowered
    assert "@import" not in lowered
    # The only URL in the page is the SVG namespace, which browsers do not fetch.
    assert lowered.count("http") == lowered.count('xmlns="http://www.w3.org/2000/svg"')


def test_findings_sit_on_the_row_of_their_line() -> None:
    nodes = _parse(render_html(sample_report()))
    numbers = [" ".join(n.text) for n in nodes if n.tag == "th" and "".join(n.text).isdigit()]
    assert numbers == [str(i) for i in range(1, len(SOURCE.splitlines()) + 1)]
    rows = {n.attrs["id"]: n for n in nodes if n.tag == "tr" and "-L" in n.attrs.get("id", "")}
    for line, rule in [(25, "AS101"), (21, "AS301"), (14, "AS509"), (5, "AS601")]:
        text = "".join(rows[f"f-tool-py-L{line}"].text)
        assert rule in text, f"{rule} should be beside line {line}"
    hits = sorted(
        n.attrs["id"] for n in nodes if n.tag == "tr" and "hit" in n.attrs.get("class", "")
    )
    assert (
        hits == sorted(rows) == ["f-tool-py-L14", "f-tool-py-L21", "f-tool-py-L25", "f-tool-py-L5"]
    )


def test_counterexample_plot_clusters_tiers_and_orphans() -> None:
    nodes = _parse(render_html(sample_report()))
    counters = [" ".join(" ".join(c.text).split()) for c in _classed(nodes, "counterexample")]
    assert counters == [
        "input dedupe([3, 1, 3]) expected [3, 1] got [3, 1, 3]",
        "input dedupe([]) output None winners return []",
    ]
    [plot] = [n for n in nodes if n.tag == "svg"]
    assert "O(n^2)" in "".join(plot.text)
    [line] = [n for n in nodes if n.tag == "polyline"]
    assert len(line.attrs["points"].split()) == 4
    cards = _classed(nodes, "card")
    assert [("winner" in c.attrs["class"]) for c in cards] == [True, False]
    assert "dedupe([])" in "".join(cards[1].text)
    tiers = [n for n in nodes if n.tag == "span" and "tier" in n.attrs.get("class", "").split()]
    # Once in the legend of what to verify, once per function.
    assert [" ".join(t.text) for t in tiers] == 2 * [
        "security-sensitive",
        "performance-critical",
        "logic",
    ]
    other = next(n for n in nodes if n.attrs.get("id") == "other-findings")
    assert other.tag == "h2"
    assert [n.attrs["data-rule"] for n in _classed(nodes, "finding")] == [
        "AS601",
        "AS509",
        "AS301",
        "AS101",
        "AS701",
    ]


def test_escapes_everything_from_the_checked_code() -> None:
    finding = Finding(
        rule="AS102", family=Family.HALLUCINATION, severity=Severity.ERROR, path="x.py",
        line=1, col=0, message="<b>not bold</b>",
    )  # fmt: skip
    report = Report(
        files=["x.py"],
        findings=[finding],
        sources={"x.py": 'html = "<script>alert(1)</script>"\n'},
    )
    html = render_html(report)
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_empty_report_says_nothing_was_found() -> None:
    html = render_html(Report(files=["a.py"], sources={"a.py": "x = 1\n"}))
    assert "Nothing found in what was checked." in html
    assert "no findings" in html and "<li>a.py</li>" in html
    assert "x = 1" not in html, "a file without findings is named, not printed"


def test_shared_text_is_printed_once() -> None:
    reviews = [
        FunctionReview(
            path="a.py", function=f"f{i}", line=i, tier=TrustTier.LOGIC, checklist=["check it"]
        )
        for i in range(1, 4)
    ]
    html = render_html(Report(files=["a.py"], functions=reviews))
    assert html.count("check it") == 1 and html.count('href="#verify-1"') == 3


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        ({"timings": [{"n": 2, "seconds": 0.2}, {"n": 1, "seconds": 0.1}]}, [(1, 0.1), (2, 0.2)]),
        ({"timings": [{"size": 10, "median": 1}, {"size": 20, "median": 4}]}, [(10, 1), (20, 4)]),
        ({"timings": [[1, 0.5], [2, 1.0]]}, [(1, 0.5), (2, 1.0)]),
        ({"timings": {"100": 0.1, "200": 0.4}}, [(100, 0.1), (200, 0.4)]),
        ({"sizes": [1, 2, 3], "seconds": [1, 2, 3]}, [(1, 1), (2, 2), (3, 3)]),
        ({"timings": [[1, 0.5]]}, None),
        ({"timings": "fast"}, None),
        ({"timings": [["a", 1], [2, float("nan")]]}, None),
    ],
)
def test_timing_series_shapes(evidence: dict[str, object], expected: object) -> None:
    assert timing_series(evidence) == expected


# --- rendering in headless Chromium ---------------------------------------------------------


def _chromium() -> str:
    found = (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )
    if found is None:
        message = "headless Chromium is not installed (apt-get install chromium chromium-driver)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    return found


def _headless(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--disable-extensions",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@dataclass
class Rendered:
    dom: str
    png: Path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rendered]:
    binary = _chromium()
    root = tmp_path_factory.mktemp("chromium")
    page = root / "report.html"
    page.write_text(render_html(sample_report()), encoding="utf-8")
    dom = _headless(binary, root / "profile-dom", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    png = root / "report.png"
    shot = _headless(
        binary,
        root / "profile-shot",
        f"--window-size={WIDTH},{HEIGHT}",
        f"--screenshot={png}",
        page.as_uri(),
    )
    assert shot.returncode == 0 and png.exists(), shot.stderr[-2000:]
    yield Rendered(dom.stdout, png)


@pytest.mark.browser
def test_chromium_dom_has_the_report(rendered: Rendered) -> None:
    nodes = _parse(rendered.dom)
    assert [n.attrs["data-rule"] for n in _classed(nodes, "finding")] == [
        "AS601",
        "AS509",
        "AS301",
        "AS101",
        "AS701",
    ]
    assert len([n for n in nodes if n.tag == "th" and "".join(n.text).isdigit()]) == 25
    assert not [n for n in nodes if n.tag == "script"]
    errors = next(n for n in nodes if n.attrs.get("id") == "count-error")
    assert "".join(errors.text).startswith("3")


def _decode_png(path: Path) -> tuple[int, int, int, bytes]:
    """Width, height, bytes per pixel and raw unfiltered pixels of an 8-bit RGB(A) PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks, header = 8, [], b""
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        offset += 12 + length
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert (depth, interlace) == (8, 0) and color in (2, 6)
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * bpp
    out = bytearray()
    previous = bytearray(stride)
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            corner = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                predictor = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[i] = (line[i] + predictor) & 0xFF
        out += line
        previous = line
    return width, height, bpp, bytes(out)


@pytest.mark.browser
@pytest.mark.slow
def test_chromium_screenshot_is_the_expected_size_and_not_blank(rendered: Rendered) -> None:
    width, height, bpp, pixels = _decode_png(rendered.png)
    assert (width, height) == (WIDTH, HEIGHT)
    # Sample every 7th pixel: enough to see text, badges and highlights.
    sampled = [pixels[i : i + 3] for i in range(0, len(pixels), bpp * 7)]
    colours = set(sampled)
    non_white = sum(1 for p in sampled if p != b"\xff\xff\xff")
    assert len(colours) > 200, "a page of text and badges has many colours"
    assert 0.05 < non_white / len(sampled) < 0.9
    error_red = sum(1 for p in sampled if p[0] > 180 and p[1] < 80 and p[2] < 80)
    error_tint = sum(1 for p in sampled if p == b"\xff\xeb\xe9")
    assert error_red > 20, "error badges and the plot are drawn in red"
    assert error_tint > 100, "lines with errors are highlighted"


def test_check_open_writes_a_page_and_opens_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import webbrowser

    from assay.cli import main

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    source = tmp_path / "tool.py"
    source.write_text(
        "import os\n\n\ndef parts(p):\n    return os.path.splitall(p)\n", encoding="utf-8"
    )
    code = main(["check", str(source), "--format", "html", "--open", "--no-dynamic", "--no-ledger"])
    assert code == 1
    [url] = opened
    page = Path(url.removeprefix("file://"))
    assert page.parent == tmp_path and page.suffix == ".html"
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "splitall" in html
    assert f"report written to {page}" in capsys.readouterr().err
