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


def _html(report: Report) -> str:
    from assay.report.html import render_html

    return render_html(report)


FORMATS: dict[str, Callable[[Report], str]] = {
    "text": _text,
    "json": _json,
    "sarif": _sarif,
    "markdown": _markdown,
    "html": _html,
}


def render(report: Report, fmt: str, *, color: bool = False) -> str:
    """Render `report` in format `fmt` (one of `FORMATS`); `color` adds ANSI styles to text."""
    if fmt == "text":
        from assay.report.text import render_text

        return render_text(report, color=color)
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise InvalidArgument(
            f"unknown format {fmt!r}; choose one of {', '.join(sorted(FORMATS))}"
        ) from None
    return renderer(report)
