"""The HTML report: one self-contained file a person can read in any browser.

Inline CSS, no scripts, no external assets (it works offline, in a CI artefact viewer and
with JavaScript disabled). A pure function of the `Report`: the code of each file with findings
(and of every candidate) comes from ``report.sources``, with every finding shown beside the
line it is about, and files without findings are only named; then
evidence (counterexamples as input / expected / got), the candidate clusters of a
compare/gen run, timing plots (inline SVG) for complexity findings, and trust tiers.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from html import escape
from typing import Any

from assay.model import Finding, FunctionReview, Report, Severity

__all__ = ["render_html", "timing_series"]

_COUNTEREXAMPLE_KEYS = ("input", "expected", "got", "output", "winner_output", "error")
_LABELS = {"winner_output": "winners return", "got": "got"}
_SIZE_KEYS = ("n", "size", "input_size")
_TIME_KEYS = ("seconds", "time", "t", "median", "median_s", "elapsed")

_CSS = """
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;
--err:#cf222e;--err-bg:#ffebe9;--warn:#9a6700;--warn-bg:#fff8c5;--info:#0969da;--info-bg:#ddf4ff;
--ok:#1a7f37;--ok-bg:#dafbe1;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:24px 32px;border-bottom:1px solid var(--line);background:var(--soft)}
header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;color:var(--muted)}
main{padding:8px 32px 48px;max-width:1500px}
h2{font-size:18px;margin:32px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:15px;margin:0;font-family:var(--mono);font-weight:600}
.counts{display:flex;gap:12px;flex-wrap:wrap;margin-top:14px}
.count{padding:6px 14px;border-radius:8px;border:1px solid var(--line);background:#fff;font-weight:600}
.count b{font-size:20px;margin-right:6px}
.sev{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;font-weight:600;text-transform:uppercase;letter-spacing:.03em}
.sev-error{color:var(--err);background:var(--err-bg)}.sev-warning{color:var(--warn);background:var(--warn-bg)}
.sev-info{color:var(--info);background:var(--info-bg)}.sev-ok{color:var(--ok);background:var(--ok-bg)}
.file{border:1px solid var(--line);border-radius:8px;margin:16px 0;overflow:hidden}
.file>summary{padding:10px 14px;background:var(--soft);cursor:pointer;display:flex;gap:12px;align-items:center}
.file>summary h3{flex:1}
table.code{border-collapse:collapse;width:100%;table-layout:fixed}
table.code col.ln{width:52px}table.code col.src{width:55%}
table.code td,table.code th{vertical-align:top;padding:0 10px}
table.code th{text-align:right;color:var(--muted);font:12px/20px var(--mono);font-weight:400;user-select:none;background:var(--soft)}
table.code td:nth-of-type(1){font:13px/20px var(--mono);white-space:pre-wrap;overflow-wrap:anywhere}
table.code td:nth-of-type(2){padding:0 12px}
tr.hit td:nth-of-type(1){background:var(--warn-bg)}
tr.hit.error td:nth-of-type(1){background:var(--err-bg)}
tr.hit th{color:var(--fg);font-weight:700;box-shadow:inset -3px 0 0 var(--warn)}
tr.hit.error th{box-shadow:inset -3px 0 0 var(--err)}
.finding{border-left:4px solid var(--line);background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 10px;margin:4px 0 8px;font-size:13.5px}
.finding.error{border-left:4px solid var(--err)}.finding.warning{border-left:4px solid var(--warn)}.finding.info{border-left:4px solid var(--info)}
.finding .head{display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
.rule{font-family:var(--mono);font-weight:700}
.family{color:var(--muted);font-size:12px}
.msg{margin:4px 0}
.fix{margin:6px 0 0;padding:4px 8px;background:var(--ok-bg);border-radius:4px}
dl.ev{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:6px 0 0;font-size:12.5px}
dl.ev dt{color:var(--muted)}dl.ev dd{margin:0;font-family:var(--mono);white-space:pre-wrap;overflow-wrap:anywhere}
.cx{margin:6px 0 0;border:1px solid var(--line);border-radius:4px;font-size:12.5px;width:100%;border-collapse:collapse}
.cx th{text-align:left;background:var(--soft);color:var(--muted);font-weight:600;width:110px}
.cx th,.cx td{padding:2px 8px;border-top:1px solid var(--line);vertical-align:top}
.cx td{font-family:var(--mono);white-space:pre-wrap;overflow-wrap:anywhere}
.cx tr.got td{color:var(--err);font-weight:600}
table.grid{border-collapse:collapse;width:100%;font-size:14px}
table.grid th,table.grid td{border-bottom:1px solid var(--line);padding:6px 10px;text-align:left;vertical-align:top}
table.grid th{background:var(--soft);font-weight:600}
.mono{font-family:var(--mono);font-size:13px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:12px;align-items:start}
.card{border:1px solid var(--line);border-radius:8px;padding:12px 14px;background:#fff}
.card.winner{border:2px solid var(--ok)}
.card h3{margin-bottom:6px}
.muted{color:var(--muted)}
.tier{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;font-weight:600}
.tier-boilerplate{background:#eef1f4;color:#424a53}.tier-logic{background:var(--info-bg);color:var(--info)}
.tier-security-sensitive{background:var(--err-bg);color:var(--err)}.tier-performance-critical{background:#fbefff;color:#8250df}
svg.plot{display:block;margin-top:6px;background:#fff}
ul.plain{margin:4px 0;padding-left:18px}
footer{color:var(--muted);font-size:12px;padding:16px 32px;border-top:1px solid var(--line)}
"""


def render_html(report: Report) -> str:
    """The report as one self-contained HTML document (inline CSS, no JavaScript)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(_title(report))}</title>",
        f"<style>{_CSS}</style></head><body>",
        _header(report),
        "<main>",
        _generation(report),
        _notices(report),
        _candidates(report),
        _clusters(report.clusters),
        _files(report),
        _orphans(report),
        _tiers(report.functions),
        "</main>",
        f"<footer>assay {escape(report.tool_version or '')} · report schema "
        f"{escape(report.schema_version)} · this file has no scripts and loads nothing.</footer>",
        "</body></html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


def _title(report: Report) -> str:
    return f"assay report: {len(report.findings)} finding(s) in {len(report.files)} file(s)"


def _header(report: Report) -> str:
    counts = Counter(f.severity for f in report.findings)
    boxes = [
        f'<div class="count" id="count-{s.value}"><b>{counts.get(s, 0)}</b>'
        f'<span class="sev sev-{s.value}">{s.value}</span></div>'
        for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
    ]
    boxes.append(f'<div class="count"><b>{len(report.files)}</b>file(s) checked</div>')
    if report.verdicts:
        accepted = sum(v.accepted for v in report.verdicts)
        boxes.append(
            f'<div class="count"><b>{accepted}/{len(report.verdicts)}</b>candidate(s) accepted</div>'
        )
    verdict = (
        "Nothing found in what was checked."
        if not report.findings and not report.errors
        else "Each finding below carries the evidence that shows it."
    )
    return (
        f"<header><h1>assay report</h1><p>{escape(verdict)}</p>"
        f'<div class="counts">{"".join(boxes)}</div></header>'
    )


def _generation(report: Report) -> str:
    """The verdict on a generated result (`assay.gen.verdict`), when the report is one."""
    found = report.stats.get("generation")
    if not isinstance(found, dict):
        return ""
    level = str(found.get("verdict", ""))
    out = [
        f'<h2 id="verdict">Verdict: <span class="verdict-{escape(level)}">'
        f"{escape(level.upper())}</span> ({escape(str(found.get('selected') or 'no candidate'))})</h2>"
    ]
    for title, key in (
        ("Why", "reasons"),
        ("Missing evidence", "missing"),
        ("You can add", "advice"),
    ):
        items = found.get(key)
        if isinstance(items, list) and items:
            out.append(f'<h3>{title}</h3><ul class="plain">')
            out += [f"<li>{escape(str(item))}</li>" for item in items]
            out.append("</ul>")
    return "".join(out)


def _notices(report: Report) -> str:
    out = []
    if report.errors:
        out.append('<h2 id="errors">Files that could not be checked</h2><ul class="plain">')
        for error in report.errors:
            where = f":{error.line}" if error.line else ""
            out.append(
                f'<li><span class="mono">{escape(error.path)}{where}</span> '
                f"({escape(error.kind)}): {escape(error.message)}</li>"
            )
        out.append("</ul>")
    if report.warnings:
        out.append('<h2 id="warnings">Warnings</h2><ul class="plain">')
        out += [f"<li>{escape(w)}</li>" for w in report.warnings]
        out.append("</ul>")
    if report.notes:
        out.append('<h2 id="notes">Not verified here</h2><ul class="plain">')
        out += [f"<li>{escape(n)}</li>" for n in report.notes]
        out.append("</ul>")
    return "\n".join(out)


def _candidates(report: Report) -> str:
    if not report.verdicts:
        return ""
    rows = []
    for v in report.verdicts:
        state = (
            '<span class="sev sev-ok">accepted</span>'
            if v.accepted
            else '<span class="sev sev-error">rejected</span>'
        )
        chosen = " <b>selected</b>" if v.selected else ""
        examples = f"{v.examples_passed}/{v.examples_total}" if v.examples_total else "–"
        cluster = "–" if v.cluster is None else str(v.cluster)
        rows.append(
            f'<tr><td class="mono">{escape(v.candidate)}</td><td>{state}{chosen}</td>'
            f"<td>{v.score:.2f}</td><td>{cluster}</td><td>{examples}</td>"
            f"<td>{v.executions}</td><td>{len(v.findings)}</td><td>{escape(v.summary)}</td></tr>"
        )
    return (
        '<h2 id="candidates">Candidates</h2><table class="grid"><thead><tr><th>Candidate</th>'
        "<th>Verdict</th><th>Score</th><th>Cluster</th><th>Examples</th><th>Runs</th>"
        f"<th>Findings</th><th>Summary</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _clusters(clusters: Sequence[Mapping[str, Any]]) -> str:
    if not clusters:
        return ""
    cards = []
    for index, cluster in enumerate(clusters):
        winner = bool(cluster.get("winner"))
        members = [str(m) for m in cluster.get("members", [])]
        facts = []
        if "score" in cluster:
            facts.append(f"score {_number(cluster['score'])}")
        if cluster.get("examples_total"):
            facts.append(
                f"examples {cluster.get('examples_passed', 0)}/{cluster['examples_total']}"
            )
        if cluster.get("extra_total"):
            facts.append(f"extra tests {cluster.get('extra_passed', 0)}/{cluster['extra_total']}")
        rows = [
            f"<tr><td>{escape(str(d.get('input', '')))}</td>"
            f"<td>{escape(str(d.get('output', '')))}</td>"
            f"<td>{escape(str(d.get('winner_output', '')))}</td></tr>"
            for d in cluster.get("distinguishing", [])
            if isinstance(d, Mapping)
        ]
        table = (
            '<table class="cx"><tr><th>input</th><th>this cluster</th><th>winners</th></tr>'
            + "".join(rows)
            + "</table>"
            if rows
            else ""
        )
        badge = ' <span class="sev sev-ok">winner</span>' if winner else ""
        cards.append(
            f'<div class="card{" winner" if winner else ""}">'
            f"<h3>Cluster {escape(str(cluster.get('id', index)))}{badge}</h3>"
            f'<div class="muted">{int(cluster.get("size", len(members)))} candidate(s)'
            f"{' · ' + ' · '.join(facts) if facts else ''}</div>"
            f'<div class="mono">{escape(", ".join(members))}</div>{table}</div>'
        )
    return f'<h2 id="clusters">Behaviour clusters</h2><div class="cards">{"".join(cards)}</div>'


def _files(report: Report) -> str:
    """The code of every file with findings, each finding beside its line. A file without
    findings is only named: its code shows nothing to verify, and printing all of it made
    the report of a whole tree megabytes long. Candidates of a compare/gen run are what is
    judged, so their code is always shown."""
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_path[finding.path].append(finding)
    sections = []
    clean = []
    for path in [*report.files, *(p for p in report.sources if p not in report.files)]:
        source = report.sources.get(path)
        if source is None:
            continue
        findings = by_path.get(path, [])
        if findings or report.verdicts:
            sections.append(_file(path, source, findings))
        else:
            clean.append(path)
    if clean:
        names = "".join(f"<li>{escape(path)}</li>" for path in clean)
        sections.append(
            f'<details class="file" id="clean-files"><summary><h3>{len(clean)} file(s)</h3>'
            f'<span class="sev sev-ok">no findings</span></summary>'
            f'<ul class="plain mono">{names}</ul></details>'
        )
    if not sections:
        return ""
    return '<h2 id="files">Code and findings</h2>' + "\n".join(sections)


def _file(path: str, source: str, findings: list[Finding]) -> str:
    """One file's code as a table: line number, code, and the findings of that line. Only
    rows with findings carry an id (``<file anchor>-L<line>``, to link to) and a third cell;
    the markup of a plain row is kept to its minimum because a file has thousands."""
    lines = source.splitlines() or [""]
    at_line: dict[int, list[Finding]] = defaultdict(list)
    for finding in findings:
        line = min(max(finding.line, 1), len(lines))
        at_line[line].append(finding)
    anchor = escape(_anchor(path))
    rows = []
    for number, text in enumerate(lines, start=1):
        code = escape(text) or " "
        here = at_line.get(number)
        if not here:
            rows.append(f"<tr><th>{number}</th><td>{code}</td></tr>")
            continue
        worst = max((f.severity for f in here), key=lambda s: s.rank)
        notes = "".join(_finding(f) for f in here)
        rows.append(
            f'<tr id="{anchor}-L{number}" class="hit {worst.value}"><th>{number}</th>'
            f"<td>{code}</td><td>{notes}</td></tr>"
        )
    counts = Counter(f.severity for f in findings)
    badges = (
        " ".join(
            f'<span class="sev sev-{s.value}">{counts[s]} {s.value}</span>'
            for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
            if counts.get(s)
        )
        or '<span class="sev sev-ok">no findings</span>'
    )
    opened = " open" if findings else ""
    return (
        f'<details class="file"{opened} id="{anchor}"><summary><h3>{escape(path)}</h3>'
        f'{badges}</summary><table class="code"><colgroup><col class="ln"><col class="src"><col>'
        f"</colgroup>{''.join(rows)}</table></details>"
    )


def _orphans(report: Report) -> str:
    """Findings about code the report does not carry (e.g. a candidate named ``gpt-4#3``)."""
    orphans = [f for f in report.findings if f.path not in report.sources]
    if not orphans:
        return ""
    return '<h2 id="other-findings">Other findings</h2>' + "".join(
        f'<div class="mono muted">{escape(f.path)}:{f.line}</div>{_finding(f)}' for f in orphans
    )


def _finding(finding: Finding) -> str:
    severity = finding.severity.value
    function = (
        f' · in <span class="mono">{escape(finding.function)}</span>' if finding.function else ""
    )
    parts = [
        f'<div class="finding {severity}" data-rule="{escape(finding.rule)}">',
        f'<div class="head"><span class="rule">{escape(finding.rule)}</span>',
        f'<span class="sev sev-{severity}">{severity}</span>',
        f'<span class="family">{escape(finding.family.value)}{function}</span></div>',
        f'<div class="msg">{escape(finding.message)}</div>',
        _evidence(finding.evidence),
    ]
    series = timing_series(finding.evidence)
    if series:
        parts.append(_plot(series, finding.evidence))
    if finding.fix:
        parts.append(f'<div class="fix">Fix: {escape(finding.fix)}</div>')
    parts.append("</div>")
    return "".join(parts)


def _evidence(evidence: Mapping[str, Any]) -> str:
    counter = [k for k in _COUNTEREXAMPLE_KEYS if k in evidence]
    tabled = set(counter) if "input" in evidence and len(counter) >= 2 else set()
    out = []
    if tabled:
        rows = "".join(
            f'<tr class="{key}"><th>{escape(_LABELS.get(key, key))}</th>'
            f"<td>{escape(_value(evidence[key]))}</td></tr>"
            for key in counter
        )
        out.append(f'<table class="cx counterexample">{rows}</table>')
    rest = {k: v for k, v in evidence.items() if k not in tabled and timing_series({k: v}) is None}
    if rest:
        items = "".join(
            f"<dt>{escape(str(k))}</dt><dd>{escape(_value(v))}</dd>" for k, v in rest.items()
        )
        out.append(f'<dl class="ev">{items}</dl>')
    return "".join(out)


def timing_series(evidence: Mapping[str, Any]) -> list[tuple[float, float]] | None:
    """(size, seconds) points found in a finding's evidence, or None.

    Accepted shapes: ``{"timings": [{"n": 100, "seconds": 0.01}, ...]}`` (also ``size`` /
    ``time`` / ``median``), ``{"timings": [[100, 0.01], ...]}``, ``{"timings": {"100": 0.01}}``
    and ``{"sizes": [...], "seconds": [...]}``.
    """
    raw = evidence.get("timings")
    points: list[tuple[float, float]] = []
    if isinstance(raw, Mapping):
        points = [p for p in (_pair(k, v) for k, v in raw.items()) if p]
    elif isinstance(raw, list):
        for item in raw:
            if isinstance(item, Mapping):
                size = next((item[k] for k in _SIZE_KEYS if k in item), None)
                seconds = next((item[k] for k in _TIME_KEYS if k in item), None)
                pair = _pair(size, seconds)
            elif isinstance(item, (list, tuple)) and len(item) == 2:
                pair = _pair(item[0], item[1])
            else:
                pair = None
            if pair:
                points.append(pair)
    elif isinstance(evidence.get("sizes"), list):
        times = evidence.get("seconds") or evidence.get("times")
        if isinstance(times, list) and len(times) == len(evidence["sizes"]):
            points = [p for p in map(_pair, evidence["sizes"], times) if p]
    points.sort()
    return points if len(points) >= 2 else None


def _pair(size: Any, seconds: Any) -> tuple[float, float] | None:
    try:
        x, y = float(size), float(seconds)
    except (TypeError, ValueError):
        return None
    return (x, y) if math.isfinite(x) and math.isfinite(y) and x >= 0 and y >= 0 else None


def _plot(points: Sequence[tuple[float, float]], evidence: Mapping[str, Any]) -> str:
    """Time against input size as an inline SVG.

    When the sizes span 8x or more (the usual doubling series), both axes are logarithmic:
    a straight line's slope is then the growth exponent, and the dashed line (slope 1, from
    the first point) shows what linear growth would have cost.
    """
    width, height, left, bottom, pad = 340, 190, 58, 34, 12
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    logarithmic = min(xs) > 0 and min(ys) > 0 and max(xs) >= 8 * min(xs)
    fx: Callable[[float], float] = math.log if logarithmic else float
    x_lo, x_hi = (fx(min(xs)), fx(max(xs))) if logarithmic else (0.0, max(xs) or 1.0)
    y_lo, y_hi = (fx(min(ys)), fx(max(ys))) if logarithmic else (0.0, max(ys) or 1.0)
    if logarithmic:
        # Leave room for the linear reference, which may end above the slowest point.
        y_hi = max(y_hi, y_lo + (x_hi - x_lo)) if y_hi - y_lo < x_hi - x_lo else y_hi
    x_span, y_span = (x_hi - x_lo) or 1.0, (y_hi - y_lo) or 1.0

    def sx(x: float) -> float:
        return left + (width - left - pad) * (fx(x) - x_lo) / x_span

    def sy(y: float) -> float:
        return height - bottom - (height - bottom - pad) * (fx(y) - y_lo) / y_span

    coords = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in points)
    dots = "".join(
        f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3.2" fill="#cf222e"/>' for x, y in points
    )
    linear_end = ys[0] * xs[-1] / xs[0] if xs[0] > 0 else None
    linear = (
        f'<line x1="{sx(xs[0]):.1f}" y1="{sy(ys[0]):.1f}" x2="{sx(xs[-1]):.1f}" '
        f'y2="{sy(linear_end):.1f}" stroke="#8c959f" stroke-dasharray="4 3"/>'
        if linear_end is not None and ys[0] > 0 and sy(linear_end) >= pad - 0.5
        else ""
    )
    label = next(
        (str(evidence[k]) for k in ("complexity", "fitted", "growth") if k in evidence), ""
    )
    if not label and isinstance(evidence.get("exponent"), (int, float)):
        label = f"time ∝ n^{evidence['exponent']:g}"
    scale = " (log-log)" if logarithmic else ""
    low_x = _number(min(xs)) if logarithmic else "0"
    low_y = _seconds(min(ys)) if logarithmic else "0"
    muted = 'font-size="10" fill="#59636e"'
    axis = (
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - pad}" y2="{height - bottom}" '
        'stroke="#59636e"/>'
        f'<line x1="{left}" y1="{pad}" x2="{left}" y2="{height - bottom}" stroke="#59636e"/>'
        f'<text x="{left}" y="{height - bottom + 14}" {muted}>{low_x}</text>'
        f'<text x="{width - pad}" y="{height - bottom + 14}" text-anchor="end" {muted}>'
        f"n = {_number(max(xs))}</text>"
        f'<text x="{left - 4}" y="{pad + 8}" text-anchor="end" {muted}>{_seconds(max(ys))}</text>'
        f'<text x="{left - 4}" y="{height - bottom}" text-anchor="end" {muted}>{low_y}</text>'
        f'<text x="{(left + width) / 2:.0f}" y="{height - 6}" font-size="11" text-anchor="middle" '
        f'fill="#1f2328">input size{scale}{" · " + escape(label) if label else ""}</text>'
    )
    return (
        f'<svg class="plot" role="img" aria-label="time against input size" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>time against input size{scale} (dashed: linear growth from the first point)"
        f"</title>{axis}{linear}"
        f'<polyline points="{coords}" fill="none" stroke="#cf222e" stroke-width="2"/>{dots}</svg>'
    )


def _tiers(functions: Iterable[FunctionReview]) -> str:
    """Functions by trust tier. What to verify depends on the tier, not the function: each
    distinct checklist is printed once, above the table, instead of once per function."""
    reviews = list(functions)
    if not reviews:
        return ""
    checklists: dict[tuple[str, tuple[str, ...]], int] = {}
    for review in reviews:
        checklists.setdefault((review.tier.value, tuple(review.checklist)), len(checklists) + 1)
    legend = "".join(
        f'<tr id="verify-{number}"><td>{_tier_badge(tier)}</td>'
        f'<td><ul class="plain">{"".join(f"<li>{escape(item)}</li>" for item in items)}</ul></td></tr>'
        for (tier, items), number in checklists.items()
        if items
    )
    rows = []
    for review in reviews:
        number = checklists[(review.tier.value, tuple(review.checklist))]
        verify = f'<a href="#verify-{number}">checklist</a>' if review.checklist else ""
        rows.append(
            f'<tr><td class="mono">{escape(review.path)}:{review.line}</td>'
            f'<td class="mono">{escape(review.function)}</td>'
            f"<td>{_tier_badge(review.tier.value)}</td>"
            f"<td>{escape('; '.join(review.reasons))}</td><td>{verify}</td></tr>"
        )
    return (
        '<h2 id="tiers">Trust tiers: how carefully to review each function</h2>'
        + (
            '<table class="grid"><thead><tr><th>Tier</th><th>What to verify</th></tr></thead>'
            f"<tbody>{legend}</tbody></table>"
            if legend
            else ""
        )
        + '<table class="grid"><thead><tr><th>Where</th><th>Function</th><th>Tier</th>'
        f"<th>Why</th><th>Verify</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _tier_badge(tier: str) -> str:
    return f'<span class="tier tier-{escape(tier)}">{escape(tier)}</span>'


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=None, default=str)


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if not value.is_integer() else f"{int(value):,}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _seconds(value: float) -> str:
    if value >= 1:
        return f"{value:.2g} s"
    if value >= 1e-3:
        return f"{value * 1e3:.3g} ms"
    return f"{value * 1e6:.3g} µs"


def _anchor(path: str) -> str:
    return "f-" + "".join(c if c.isalnum() else "-" for c in path)
