"""AS302 `shell-command-from-input`: shell injection."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.security._common import _argument, _callee, _finding, _is_const, _keyword
from assay.rules.security._sinks import _ANY_KIND, _built_at, _construction, _flow_of, _source_text

__all__: list[str] = []


_SHELL_FUNCTIONS = frozenset(
    {"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput",
     "commands.getoutput", "asyncio.create_subprocess_shell", "os.popen2", "os.popen3"}
)  # fmt: skip
_SUBPROCESS = frozenset(
    {"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
     "subprocess.Popen"}
)  # fmt: skip


@rule(
    id="AS302", name="shell-command-from-input", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=78,
)  # fmt: skip
def shell_command_from_input(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A shell runs a command line built from a non-constant value (CWE-78).

    ## What it finds
    `subprocess.*(..., shell=True)`, `os.system`, `os.popen`, `subprocess.getoutput` and
    `asyncio.create_subprocess_shell` whose command is not a constant: it depends on a
    parameter, request data, `input()`/`sys.argv` or another call. Values passed through
    `shlex.quote` count as constant. A constant command with `shell=True` is left to Bandit
    (AS300, B602 at low severity).

    ## Why it matters for AI-written code
    `os.system(f"convert {filename} out.png")` is the shortest way to "just run the tool", so
    assistants write it; a filename such as `x; rm -rf ~` then runs as a command.

    ## Example
    ```python
    import subprocess

    def compress(path):
        subprocess.run(f"gzip -k {path}", shell=True, check=True)
    ```

    ## Use instead
    ```python
    import subprocess

    def compress(path):
        subprocess.run(["gzip", "-k", path], check=True)
    ```
    """
    if not isinstance(node, ast.Call):
        return
    callee = _callee(ctx, node)
    if callee in _SUBPROCESS:
        shell = _keyword(node, "shell")
        if shell is None or _is_const(shell, False) or _is_const(shell, None):
            return
    elif callee not in _SHELL_FUNCTIONS:
        return
    command = _argument(node, 0, "args", "command", "cmd")
    if command is None:
        return
    flow, flows = _flow_of(ctx, command, node)
    if flow.constant:
        return
    yield _finding(
        ctx,
        node,
        f"{callee}() runs a shell command built from {_source_text(flow, _ANY_KIND)}",
        built_at=_built_at(command, flows, node.lineno),
        evidence={
            "sink": callee,
            "command": _construction(ctx, command, flows, node.lineno),
            **flow.evidence(),
        },
        fix="Pass a list of arguments without a shell: subprocess.run(['tool', arg], "
        "check=True); if a shell is unavoidable, quote every value with shlex.quote().",
    )
