"""Checked fill-in-the-middle: complete code at a point in a file, then check the result.

`complete_at` asks a backend for the code between a prefix and a suffix (FIM), splices it
in, and runs assay's checks on the completed file (static rules, and the sandboxed probes
unless `dynamic` is off). Findings are kept for the function the completion landed in (or
the inserted lines at module level), so the user sees what the completion got wrong.
"""

from __future__ import annotations

import ast

from pydantic import BaseModel, ConfigDict, Field

from assay.gen.prompts import fim_completion_request
from assay.llm.base import Params
from assay.model import FileError, Finding

__all__ = ["FIM_STOPS", "CompletionResult", "complete_at", "trim_middle"]

#: Stop sequences for FIM answers: the model's end-of-text and file-separator tokens, or a
#: run of blank lines (the model wandering past the gap).
FIM_STOPS = ("<|endoftext|>", "<|file_sep|>", "<|fim_pad|>", "<|im_end|>", "\n\n\n\n")


class CompletionResult(BaseModel):
    """A completion, the completed source, and the findings in the code it touched."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    line: int
    end_line: int
    function: str | None
    inserted: str
    source: str
    findings: list[Finding] = Field(default_factory=list)
    usage: dict[str, int] = Field(default_factory=dict)
    #: The model stopped at the token limit: the completion is cut off, whatever it checks as.
    truncated: bool = False
    #: Why the completed file could not be (fully) checked, e.g. it does not parse.
    errors: list[FileError] = Field(default_factory=list)

    @property
    def clean(self) -> bool:
        """True only when the completion is whole, the file was checked and nothing was found."""
        return not (self.findings or self.errors or self.truncated)


def trim_middle(middle: str, suffix: str) -> str:
    """`middle` without a trailing copy of the suffix's start (models often run past the
    gap and repeat what follows it)."""
    anchor = next((line for line in suffix.splitlines() if line.strip()), "")
    if anchor.strip():
        index = middle.find(anchor)
        if index > 0:
            middle = middle[:index]
    return middle


def complete_at(
    prefix: str,
    suffix: str,
    *,
    backend: str = "local",
    model: str | None = None,
    max_tokens: int = 160,
    path: str = "<completion>",
    dynamic: bool = True,
) -> CompletionResult:
    """Fill the gap between `prefix` and `suffix` and check the completed source.

    Raises:
        InvalidArgument: the backend spec is unknown.
        BackendError: the backend failed.
    """
    from assay.llm import make_backend
    from assay.pipeline import check_text

    engine = make_backend(backend, model=model)
    try:
        completion = engine.generate(
            fim_completion_request(prefix, suffix),
            Params(temperature=0.0, max_tokens=max_tokens, stop=FIM_STOPS),
        )[0]
    finally:
        engine.close()
    middle = trim_middle(completion.text, suffix)
    if middle and not middle.endswith("\n") and suffix and not suffix.startswith("\n"):
        middle += "\n"
    source = prefix + middle + suffix
    first = prefix.count("\n") + 1
    last = max(first, first + middle.count("\n") - (1 if middle.endswith("\n") else 0))
    function, start, end = _enclosing_function(source, first, last)
    report = check_text(source, name=path, dynamic=dynamic)
    touched = [f for f in report.findings if start <= f.line <= end]
    return CompletionResult(
        path=path,
        line=first,
        end_line=last,
        function=function,
        inserted=middle,
        source=source,
        findings=touched,
        usage=completion.usage.as_dict(),
        truncated=completion.finish_reason == "length",
        errors=list(report.errors),
    )


def _enclosing_function(source: str, first: int, last: int) -> tuple[str | None, int, int]:
    """The innermost function spanning lines `first`..`last`, with its line range; else
    (None, first, last)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None, first, last
    best: tuple[str | None, int, int] = (None, first, last)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            end = node.end_lineno or node.lineno
            if node.lineno <= first and last <= end and (best[0] is None or node.lineno >= best[1]):
                best = (node.name, node.lineno, end)
    return best
