"""Arguments drawn with Hypothesis INSIDE the sandbox, where the checked module is imported.

The zygote loads this file by path as ``_assay_draw``, like ``canonical.py`` (it imports
nothing beyond the standard library until a draw is asked for). A call written
``__import__('_assay_draw').call(f, seed, index)`` and evaluated in the checked module:

* resolves ``f``'s annotations in its own module (``typing.get_type_hints``: string
  annotations under ``from __future__ import annotations`` too);
* draws the `index`-th set of arguments for its required parameters (keyword-only ones as
  keywords) with ``st.from_type``, seeded (``@seed``), without the example database and
  without the constants Hypothesis harvests from loaded modules: the same module, seed and
  index give the same arguments in every job, process and hash seed;
* writes the drawn arguments' reprs as one line of the call's raw output (the trusted side
  shows them as the input, whatever the call then does), then calls ``f`` on one copy and
  compares with another (see `assay.behaviour.inputs.typed`'s expressions for the tuple).

A parameter without annotation, or whose type Hypothesis cannot build (``Any``, a class whose
``__init__`` is not annotated), raises `CannotBuild` naming it: the function is then not
probed, never called with a stand-in. Values the module's own classes refuse to be built
with (a validator) are skipped while drawing.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
from collections.abc import Iterator
from typing import Any

#: Marks the line of a call's output that holds the drawn arguments.
MARKER = "\x00assay-drawn:"
#: Characters kept of one argument's repr.
_REPR_CAP = 300

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")

_CACHE: dict[tuple[int, int, int], tuple[tuple[Any, ...], dict[str, Any]]] = {}


#: Characters of drawn strings: ASCII letters, digits, punctuation and blanks, plus a few
#: accented letters, a CJK character and an emoji beyond the Basic Multilingual Plane.
_ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    " \t\n-_.,:;/@#%&*+=()[]{}'\"!?éüß中✓😀"
)


class CannotBuild(Exception):
    """A parameter's type that Hypothesis cannot build here (the message names it)."""


def call(function: Any, seed: int, index: int) -> Any:
    """Draw the `index`-th set of arguments for `function`, print it, call
    `function` with a copy and return ``(repr, result, arguments after, arguments before,
    whether the result is one of the arguments)``."""
    args, kwargs = _drawn(function, seed, index)
    shown = [[_repr(a) for a in args], [[k, _repr(v)] for k, v in kwargs.items()]]
    # Straight to file descriptor 1, which the parent drains even when the call is killed:
    # a call that times out shows whether its arguments were drawn (then the function
    # hung) or not (then the drawing did not finish, which says nothing about it).
    os.write(1, (MARKER + json.dumps(shown) + "\n").encode())
    try:
        before = copy.deepcopy((args, kwargs))
        given_args, given_kwargs = copy.deepcopy((args, kwargs))
    except Exception:  # noqa: BLE001 - a client holding a lock: no copy, so draw it again
        before = _draw_one(function, seed, index)
        given_args, given_kwargs = _draw_one(function, seed, index)
    result = function(*given_args, **given_kwargs)
    returned_an_argument = any(
        result is x and not isinstance(x, (list, dict, set, bytearray))
        for x in (*given_args, *given_kwargs.values())
    )
    return (
        repr(result)[:_REPR_CAP],
        result,
        (given_args, given_kwargs),
        before,
        returned_an_argument,
    )


def warm() -> None:
    """Draw once, so that a process forked afterwards finds Hypothesis's lazily built
    internals ready (the zygote calls this when it is asked to keep Hypothesis warm)."""

    def sample(number: int, *, flag: bool) -> None:
        """A function to draw for."""

    _draw(sample, 0, 2)


def _repr(value: object) -> str:
    # ``<Client object at 0x7f...>`` differs in every process: the address is left out, so
    # the same draw reads the same everywhere.
    text = _ADDRESS.sub("", repr(value))
    return text if len(text) <= _REPR_CAP else text[: _REPR_CAP - 3] + "..."


def _drawn(function: Any, seed: int, index: int) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """One set of arguments, drawn on its own: input 0 is Hypothesis's simplest example
    (empty collections, zeros: a boundary), input k the first random one under seed
    ``seed * 1000 + k``. Each call draws only its own input, so no call pays for the
    others, and a repeated call (another process, another hash seed) draws it again."""
    key = (id(function), seed, index)
    if key not in _CACHE:
        _CACHE[key] = _draw_one(function, seed, index)
    return _CACHE[key]


def _draw_one(function: Any, seed: int, index: int) -> tuple[tuple[Any, ...], dict[str, Any]]:
    examples = _draw(function, seed * 1000 + index, 1 if index == 0 else 2)
    return examples[0] if index == 0 else examples[-1]


def _parameters(function: Any) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]]]:
    """(required positional, required keyword-only) parameters with their resolved hints."""
    import inspect
    import typing

    try:
        hints = typing.get_type_hints(function)
    except Exception as error:  # any failure to resolve names the annotation
        raise CannotBuild(f"the annotations of {function.__name__} ({error})") from error
    positional: list[tuple[str, Any]] = []
    keyword: list[tuple[str, Any]] = []
    for parameter in inspect.signature(function).parameters.values():
        if parameter.default is not inspect.Parameter.empty or parameter.kind in (
            inspect.Parameter.VAR_POSITIONAL,
            inspect.Parameter.VAR_KEYWORD,
        ):
            continue
        if parameter.name not in hints:
            raise CannotBuild(f"{parameter.name} (no annotation)")
        target = keyword if parameter.kind is inspect.Parameter.KEYWORD_ONLY else positional
        target.append((parameter.name, hints[parameter.name]))
    return positional, keyword


def _draw(function: Any, seed: int, count: int) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    from hypothesis import HealthCheck, Phase, Verbosity, given, reject, settings
    from hypothesis import seed as seeded
    from hypothesis import strategies as st
    from hypothesis.errors import HypothesisException

    _plain_values(st)
    positional, keyword = _parameters(function)
    strategy = st.tuples(
        st.tuples(*(_strategy(st, hint) for _, hint in positional)),
        st.fixed_dictionaries({name: _strategy(st, hint) for name, hint in keyword}),
    )
    drawn: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
        verbosity=Verbosity.quiet,
    )
    @seeded(seed)
    @given(st.data())
    def collect(data: Any) -> None:
        try:
            args, kwargs = data.draw(strategy)
        except HypothesisException:
            raise
        except Exception:  # noqa: BLE001 - the module's own class refused these values
            reject()
        drawn.append((args, kwargs))

    with constants_of_no_module():
        try:
            collect()
        except HypothesisException as error:
            # every value drawn was refused by the module's own classes
            if not drawn:
                raise CannotBuild(f"values the module accepts ({error})") from error
    return drawn


def _strategy(st: Any, hint: Any) -> Any:
    """``st.from_type(hint)``, resolved now (a type Hypothesis cannot build fails here, not
    in the middle of drawing)."""
    try:
        strategy = st.from_type(hint)
        strategy.validate()
    except Exception as error:  # any failure to resolve names the type
        raise CannotBuild(f"`{_type_name(hint, error)}` ({str(error)[:200]})") from error
    return strategy


def _type_name(hint: Any, error: BaseException | None = None) -> str:
    """The class a failure names (``of class=<class 'm.LineItem'>``), else the hint's."""
    named: list[str] = re.findall(r"<class '(?:[\w.]*\.)?(\w+)'>", str(error or ""))
    if named:
        return named[-1]
    name = getattr(hint, "__qualname__", None)
    return name if isinstance(name, str) else repr(hint).replace("typing.", "")


def _plain_values(st: Any) -> None:
    """The values application code is written for: finite numbers, dates in a plausible
    range, short text, relative file names (a ``Decimal('sNaN')`` or year 9038 is a refusal
    waiting to happen, not a bug found)."""
    import datetime
    import decimal
    import pathlib

    st.register_type_strategy(float, st.floats(allow_nan=False, allow_infinity=False))
    st.register_type_strategy(
        decimal.Decimal,
        st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, allow_infinity=False),
    )
    # A fixed alphabet: Hypothesis's default one is built from the Unicode tables, which
    # takes seconds in every job (the job's files, its cache among them, are wiped after it).
    st.register_type_strategy(str, st.text(alphabet=_ALPHABET, max_size=24))
    low, high = datetime.datetime(1990, 1, 1), datetime.datetime(2060, 12, 31)
    st.register_type_strategy(datetime.datetime, st.datetimes(low, high))
    st.register_type_strategy(datetime.date, st.dates(low.date(), high.date()))
    parts = st.lists(st.sampled_from(("data", "reports", "a", "b", "config")), max_size=2)
    suffixes = st.sampled_from(("notes.txt", "report.csv", "settings.json"))
    st.register_type_strategy(
        pathlib.Path, st.builds(lambda d, f: pathlib.Path(*d, f), parts, suffixes)
    )


@contextlib.contextmanager
def constants_of_no_module() -> Iterator[None]:
    """Draw without the constants Hypothesis harvests from the modules loaded in this
    process (the trusted side's draws use it too, under a lock: see
    `assay.behaviour.inputs`). Not thread-safe on its own."""
    from hypothesis.internal.conjecture import providers
    from hypothesis.internal.constants_ast import Constants

    harvest = providers._get_local_constants
    providers._get_local_constants = Constants
    providers.CONSTANTS_CACHE.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = harvest
        providers.CONSTANTS_CACHE.cache.clear()
