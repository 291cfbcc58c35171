"""Runtime: what a function does when it runs, judged against its own spec (AS6xx).

These rules are declared here (id, name, family, severity, documentation) and have no body:
their findings come from running the function in the sandbox (`assay.behaviour.probes`, used
by `assay.behaviour.stages.functions` for `assay check` and `assay.behaviour.crosscheck` for
`assay compare`), which build them from this declaration.
"""

from __future__ import annotations

from assay.model import Family, Severity
from assay.rules._registry import declare

__all__: list[str] = []


declare(
    id="AS601",
    name="contradicts-own-example",
    family=Family.RUNTIME,
    severity=Severity.ERROR,
    module=__name__,
    docs="""The function returns something else than an example in its own docstring says.

    ## What it finds
    Examples stated in the docstring or task (doctests ``>>> f(x)``, ``f(x) == y``,
    ``f(x) ➞ y``, "Input: … Output: …", "For x = … the output should be …", asserts) that
    the function, run in the sandbox, does not satisfy. Examples that contradict each other
    or the signature are reported as spec problems and not used.

    ## Why it matters for AI-written code
    A model copies the examples into the docstring and then writes code that does not
    satisfy them: the docstring makes the code look checked when nobody ran it.

    ## Example
    ```python
    def median(xs: list[int]) -> float:
        \"\"\"The median of a non-empty list.

        >>> median([3, 1, 2])
        2
        >>> median([4, 1, 3, 2])
        2.5
        \"\"\"
        xs = sorted(xs)
        return xs[len(xs) // 2]
    ```

    ## Use instead
    ```python
    def median(xs: list[int]) -> float:
        \"\"\"The median of a non-empty list.

        >>> median([3, 1, 2])
        2
        >>> median([4, 1, 3, 2])
        2.5
        \"\"\"
        xs = sorted(xs)
        middle = len(xs) // 2
        if len(xs) % 2:
            return xs[middle]
        return (xs[middle - 1] + xs[middle]) / 2
    ```
    """,
)


declare(
    id="AS602",
    name="crash-on-valid-input",
    family=Family.RUNTIME,
    severity=Severity.WARNING,
    confidence="medium",
    module=__name__,
    docs="""The function raises an exception nobody asked for on an input in its domain.

    ## What it finds
    An ``IndexError``, ``ZeroDivisionError``, ``KeyError``, ``TypeError``... raised from
    inside the function (not by a ``raise`` statement in it) on an example input, a
    boundary (empty, single element, zero), a tie (two neighbouring numbers of an example
    made equal) or a mutation of an example that stays in the domain the examples and
    hints describe. A function that rejects an input on purpose
    (``raise ValueError(...)``) is not reported. In ``assay check``, functions of
    application types get inputs built from the module itself (its dataclasses, Enum and
    ``Literal`` members, ``Decimal``/``date`` values, the keys of the dicts it looks up, with
    required keyword-only arguments passed); there an ``assert`` precondition on a parameter
    and a ``KeyError`` while an argument lies outside the values the code states it accepts
    are refusals too, and a failure the sandbox causes (no network, no environment
    variable, a denied operation) is a note ("not verifiable here"), not a finding.

    ## Why it matters for AI-written code
    Generated code is written for the happy path in the prompt; the empty list, the single
    element and the zero are where it falls over, usually far from the call that caused it.

    ## Example
    ```python
    def average_length(words: list[str]) -> float:
        \"\"\"Mean length of the words.

        >>> average_length(["ab", "abcd"])
        3.0
        \"\"\"
        return sum(len(word) for word in words) / len(words)
    ```

    ## Use instead
    ```python
    def average_length(words: list[str]) -> float:
        \"\"\"Mean length of the words (0.0 for no words).

        >>> average_length(["ab", "abcd"])
        3.0
        \"\"\"
        if not words:
            return 0.0
        return sum(len(word) for word in words) / len(words)
    ```
    """,
)


declare(
    id="AS603",
    name="hangs-on-input",
    family=Family.RUNTIME,
    severity=Severity.WARNING,
    module=__name__,
    docs="""The function does not finish on a small input within the probe time limit.

    ## What it finds
    A call that hits the per-call time limit (``probe-timeout``, 2 s by default) on an
    input of the size the examples use. On an example input this is an error; on a
    generated input a warning (the limit may be tight for a slow machine).

    ## Why it matters for AI-written code
    Loops whose bounds never move (``lo = mid`` in a binary search) and recursion without a
    reachable base case look fine on the one input the model traced by hand.

    ## Example
    ```python
    def find_index(xs: list[int], target: int) -> int:
        \"\"\"Index of target in the sorted list xs, or -1.

        >>> find_index([1, 3, 5, 7], 5)
        2
        \"\"\"
        lo, hi = 0, len(xs) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            if xs[mid] < target:
                lo = mid
            elif xs[mid] > target:
                hi = mid - 1
            else:
                return mid
        return -1
    ```

    ## Use instead
    ```python
    def find_index(xs: list[int], target: int) -> int:
        \"\"\"Index of target in the sorted list xs, or -1.

        >>> find_index([1, 3, 5, 7], 5)
        2
        \"\"\"
        lo, hi = 0, len(xs) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            if xs[mid] < target:
                lo = mid + 1
            elif xs[mid] > target:
                hi = mid - 1
            else:
                return mid
        return -1
    ```
    """,
)


declare(
    id="AS604",
    name="nondeterministic-output",
    family=Family.RUNTIME,
    severity=Severity.WARNING,
    module=__name__,
    docs="""The same input gives a different result the second time.

    ## What it finds
    A few inputs (the first example's and the largest) are called again at the end of the
    run, in the same process, and once more in a fresh process whose string hash seed
    differs. A different result in the same process means hidden state: a mutable default
    argument, or a module-level cache that leaks between calls. A different result in the
    new process means the order of a set (or of a dict built from one) of strings leaked
    into the result: it changes from one run of the program to the next. Functions that use
    ``random`` or the clock by name are not probed.

    ## Why it matters for AI-written code
    ``def f(x, acc=[])`` is a classic a model reproduces from training data; the first
    test passes and the second caller gets the first caller's data. ``list(set(words))``
    is another: it looks like "the distinct words", and a test comparing the list passes
    or fails depending on the run.

    ## Example
    ```python
    def add_tag(tag: str, tags: list[str] = []) -> list[str]:
        \"\"\"The tags with tag appended.\"\"\"
        tags.append(tag)
        return tags
    ```

    ## Use instead
    ```python
    def add_tag(tag: str, tags: list[str] | None = None) -> list[str]:
        \"\"\"The tags with tag appended.\"\"\"
        return [*(tags or []), tag]
    ```
    """,
)


declare(
    id="AS605",
    name="mutates-argument",
    family=Family.RUNTIME,
    severity=Severity.WARNING,
    module=__name__,
    docs="""The function returns a value and also changes the caller's argument.

    ## What it finds
    A call after which an argument (a list, dict or set the caller passed) differs from
    what was passed, while the function returns a value (a function that returns None and
    sorts in place says what it does; one that returns the result and also reorders the
    caller's list does not).

    ## Why it matters for AI-written code
    ``xs.sort()`` is shorter than ``sorted(xs)``, so generated code sorts the caller's data
    in place, and the caller's list is silently reordered.

    ## Example
    ```python
    def top_three(scores: list[int]) -> list[int]:
        \"\"\"The three highest scores, highest first.

        >>> top_three([5, 1, 9, 7])
        [9, 7, 5]
        \"\"\"
        scores.sort(reverse=True)
        return scores[:3]
    ```

    ## Use instead
    ```python
    def top_three(scores: list[int]) -> list[int]:
        \"\"\"The three highest scores, highest first.

        >>> top_three([5, 1, 9, 7])
        [9, 7, 5]
        \"\"\"
        return sorted(scores, reverse=True)[:3]
    ```
    """,
)


declare(
    id="AS606",
    name="constant-output",
    family=Family.RUNTIME,
    severity=Severity.WARNING,
    module=__name__,
    docs="""The function returns the same value for every input tried.

    ## What it finds
    Eight or more distinct inputs, one result. It is an error when the examples themselves
    expect different results, and a warning when only the (non-boolean) return hint says
    the result should vary, or when a check returns ``True`` for every input (a validation
    that accepts everything; ``False`` for every input is left alone, as ``name == "root"``
    is False for almost anything drawn). Not claimed when the one result is the default of
    an optional parameter that no input passed: the function handed back the caller's own
    fallback, and no input reached a branch with another result. Under `assay check` the
    sandbox records which lines of the function each input went through: the finding needs
    inputs that took different paths (its evidence gives the number of paths, the lines
    covered and the lines where the function branches) or a function without any branch;
    when every input took the same path through a function that has others (a correct
    ``parse_order_ref`` that no random string reaches the number branch of), a note says
    which lines never ran instead.

    ## Why it matters for AI-written code
    Format over logic: a placeholder ``return 0``, an accumulator that is never updated
    (``count + 1``), or an early ``return`` inside the loop give code of the right shape
    that computes nothing.

    ## Example
    ```python
    def word_count(text: str) -> int:
        \"\"\"Number of words in text.

        >>> word_count("one two three")
        3
        >>> word_count("")
        0
        \"\"\"
        count = 0
        for _word in text.split():
            count + 1
        return count
    ```

    ## Use instead
    ```python
    def word_count(text: str) -> int:
        \"\"\"Number of words in text.

        >>> word_count("one two three")
        3
        >>> word_count("")
        0
        \"\"\"
        return len(text.split())
    ```
    """,
)


declare(
    id="AS607",
    name="output-type-mismatch",
    family=Family.RUNTIME,
    severity=Severity.WARNING,
    module=__name__,
    docs="""The function returns a value of another type than its return annotation says.

    ## What it finds
    A result whose type is not allowed by the return hint (``-> str`` returning None,
    ``-> int`` returning a str, ``-> list[int]`` returning a tuple) on some input.

    ## Why it matters for AI-written code
    A missing ``return`` on one branch gives None; the annotation promises otherwise and
    the caller's type checker believes it.

    ## Example
    ```python
    def grade(score: int) -> str:
        \"\"\"Letter grade for a 0-100 score.

        >>> grade(95)
        'A'
        >>> grade(85)
        'B'
        \"\"\"
        if score >= 90:
            return "A"
        if score >= 80:
            return "B"
        if score >= 70:
            return "C"
    ```

    ## Use instead
    ```python
    def grade(score: int) -> str:
        \"\"\"Letter grade for a 0-100 score.

        >>> grade(95)
        'A'
        >>> grade(85)
        'B'
        \"\"\"
        if score >= 90:
            return "A"
        if score >= 80:
            return "B"
        if score >= 70:
            return "C"
        return "F"
    ```
    """,
)

declare(
    id="AS608",
    name="module-fails-to-import",
    family=Family.RUNTIME,
    severity=Severity.WARNING,
    module=__name__,
    docs="""Importing the module fails in the sandbox, so none of its functions could be run.

    ## What it finds
    Modules whose top-level code raises, hangs, exhausts memory, crashes or kills its own
    process when `assay check` imports it to probe its functions. The finding names the
    functions that were therefore not verified, what the import did (the exception and
    traceback tail, the timeout, the signal) and the line of the module that failed. A
    failure that comes from the sandbox itself rather than from the code (an import of a
    sibling module of the same package, a missing optional dependency, no network, a
    read-only file system, a missing environment variable) is not this finding: the report
    lists those functions under its notes as "not verified here", with the reason.

    ## Why it matters for AI-written code
    Models write module-level code that only works on their imagined machine: a lookup of a
    key that is not in the dictionary they wrote above it, a call to a helper they forgot to
    define, a demo that runs at import. Such a module fails for every caller. And code that
    fails at import on purpose (closing its descriptors, sleeping forever, killing itself)
    would otherwise hide every other runtime finding of the file: a check that could not run
    says so instead of reporting a clean file.

    ## Example
    ```python
    SETTINGS = {"retries": 3, "timeout": 10}
    RETRIES = SETTINGS["retry"]


    def attempts(n: int) -> int:
        return min(n, RETRIES)
    ```

    ## Use instead
    ```python
    SETTINGS = {"retries": 3, "timeout": 10}
    RETRIES = SETTINGS["retries"]


    def attempts(n: int) -> int:
        return min(n, RETRIES)
    ```
    """,
)
