"""Reporters: pure functions from a `Report` to text. None of them reads files or settings."""

from __future__ import annotations

from collections.abc import Callable

from assay.errors import InvalidArgument
from assay.model import Report

__all__ = ["FORMATS", "render"]


def _json(report: Report) -> str:
    from assay.report.json import render_json

    return render_json(report)


def _sarif(report: Report) -> str:
    from assay.report.sarif import render_sarif

    return render_sarif(report)


def _text(report: Report) -> str:
    from assay.report.text import render_text

    return render_text(report)


def _markdown(report: Report) -> str:
    from assay.report.markdown import render_markdown

    return render_markdown(report)


def _concise(report: Report) -> str:
    from assay.report.lines import render_concise

    return render_concise(report)


def _github(report: Report) -> str:
    from assay.report.lines import render_github

    return render_github(report)


def _gitlab(report: Report) -> str:
    from assay.report.gitlab import render_gitlab

    return render_gitlab(report)


def _junit(report: Report) -> str:
    from assay.report.junit import render_junit

    return render_junit(report)


def _html(report: Report) -> str:
    from assay.report.html import render_html

    return render_html(report)


FORMATS: dict[str, Callable[[Report], str]] = {
    "text": _text,
    "json": _json,
    "sarif": _sarif,
    "markdown": _markdown,
    "html": _html,
    "concise": _concise,
    "github": _github,
    "gitlab": _gitlab,
    "junit": _junit,
}


def render(
    report: Report,
    fmt: str,
    *,
    color: bool = False,
    tiers: bool = False,
    quiet: bool = False,
    root: str | None = None,
    cwd: str | None = None,
) -> str:
    """Render `report` in format `fmt` (one of `FORMATS`). `color` adds ANSI styles and
    `tiers` the trust-tier block to text; `quiet` drops the summary of text and concise;
    `root` and `cwd` make SARIF's URIs and GitLab's paths relative to the repository root."""
    if fmt == "text":
        from assay.report.text import render_text

        return render_text(report, color=color, tiers=tiers, quiet=quiet)
    if fmt == "concise":
        from assay.report.lines import render_concise

        return render_concise(report, quiet=quiet)
    if fmt == "sarif":
        from assay.report.sarif import render_sarif

        return render_sarif(report, root=root, cwd=cwd)
    if fmt == "gitlab":
        from assay.report.gitlab import render_gitlab

        return render_gitlab(report, root=root, cwd=cwd)
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise InvalidArgument(
            f"unknown format {fmt!r}; choose one of {', '.join(sorted(FORMATS))}"
        ) from None
    return renderer(report)
