"""The domain the old version states for its parameters, and inputs drawn inside it.

The old version is the specification of a diff. What it says about its inputs bounds the
inputs whose behaviour counts:

* its docstring: "a positive integer n", "non-negative", "a non-empty list", "a string of
  '(' and ')'", "consisting only of 1s and 0s", "lowercase letters", "1 <= len(arr) <= 100",
  "assume n > 1". A sentence that says what is returned describes the output and is skipped;
  a phrase is tied to the parameters it names, or to the only parameter;
* its code: the characters it compares the characters of a text parameter with (``c == "("``,
  ``c in "aeiou"``, ``s[i] in VOWELS``) when it never asks a character's class (``isalpha``,
  ``lower``, ``ord``...): the text it handles is written in those characters.

Both are *stated*: an input outside them is one the old version was never meant for, and a
difference seen only there is reported as information ("outside the documented domain"),
not as a behaviour change. Guards in the code (``assert n > 0``, ``if not xs: raise``) only
steer the drawing: where the old version rejects an input on purpose, a version that
accepts it behaves differently, and that is reported.

`Domain.project` maps an input onto the domain (a text's characters into the alphabet, a
number above its bound, a list to its least length), so the generated variety is kept and
drawn inside first.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from assay.behaviour.inputs import ProbeInput

__all__ = ["Bound", "Domain", "read_domain", "stated_types"]


@dataclass(frozen=True)
class Bound:
    """One stated constraint on a parameter (or on each of its elements).

    `kind` is ``low``/``high`` (a number bound, `strict` for > and <; on a collection, on
    its elements), ``length`` (the least length, `value`), ``max_length``, ``distinct``
    (no element twice) or ``alphabet`` (the characters text is written in).
    `stated` says where it was read, for evidence; `draw_only` marks one read from the
    code (its guards, the characters it compares), which steers the drawing only.
    """

    kind: str
    value: float = 0.0
    strict: bool = False
    chars: str = ""
    elements: bool = False
    stated: str = ""
    draw_only: bool = False

    def _on_elements(self, value: Any) -> bool:
        # A number bound on a collection bounds its elements ("an array of non-negative
        # integers", "non-negative integer nodes").
        return (self.elements or self.kind in ("low", "high")) and isinstance(
            value, (list, tuple, set, frozenset)
        )

    def admits(self, value: Any) -> bool:
        """Whether `value` satisfies the bound (a value of a type it does not speak of does)."""
        if self._on_elements(value):
            return all(self._admits_one(item) for item in value)
        return self._admits_one(value)

    def _admits_one(self, value: Any) -> bool:
        if self.kind in ("low", "high"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return True
            if isinstance(value, float) and math.isnan(value):
                return False
            if self.kind == "low":
                return value > self.value if self.strict else value >= self.value
            return value < self.value if self.strict else value <= self.value
        if self.kind in ("length", "max_length"):
            if not isinstance(value, (str, list, tuple, dict, set, frozenset)):
                return True
            if self.kind == "length":
                return len(value) >= self.value
            return len(value) <= self.value
        if self.kind == "distinct":
            if not isinstance(value, (list, tuple)):
                return True
            try:
                return len(set(value)) == len(value)
            except TypeError:
                return True
        if self.kind == "alphabet":
            if isinstance(value, str):
                return all(c in self.chars for c in value)
            if isinstance(value, (list, tuple)):
                return all(not isinstance(item, str) or self._admits_one(item) for item in value)
        return True

    def project(self, value: Any) -> Any:
        """`value` moved inside the bound, keeping what it can of it (None: no way)."""
        if self.admits(value):
            return value
        if self._on_elements(value) and isinstance(value, (list, tuple)):
            moved = [self._project_one(item) for item in value]
            if any(item is None for item in moved):
                return None
            return type(value)(moved)
        return self._project_one(value)

    def _project_number(self, value: float) -> float | None:
        """A number on the admitted side of the bound, as far inside as `value` was
        outside (modulo 10: the size of the violation says nothing of the domain)."""
        if isinstance(value, float) and not math.isfinite(value):
            return None
        low = self.kind == "low"
        if isinstance(value, int):
            if low:
                edge = math.floor(self.value) + 1 if self.strict else math.ceil(self.value)
            else:
                edge = math.ceil(self.value) - 1 if self.strict else math.floor(self.value)
            distance = int(abs(value - self.value)) % 10
            return edge + distance if low else edge - distance
        offset = 1.0 if self.strict else 0.0
        distance_f = abs(value - self.value) % 10
        return self.value + offset + distance_f if low else self.value - offset - distance_f

    def _project_one(self, value: Any) -> Any:
        if self._admits_one(value):
            return value
        if self.kind in ("low", "high") and isinstance(value, (int, float)):
            return self._project_number(value)
        if self.kind == "length" and isinstance(value, (str, list, tuple)):
            if not value:
                return None
            repeated = value * math.ceil(self.value / len(value))
            return repeated
        if self.kind == "distinct" and isinstance(value, (list, tuple)):
            return type(value)(dict.fromkeys(value))
        if self.kind == "max_length" and isinstance(value, (str, list, tuple)):
            return value[: int(self.value)]
        if self.kind == "alphabet":
            if isinstance(value, str):
                return "".join(
                    c if c in self.chars else self.chars[ord(c) % len(self.chars)] for c in value
                )
            if isinstance(value, (list, tuple)):
                moved = [
                    self._project_one(item) if isinstance(item, str) else item for item in value
                ]
                return type(value)(moved)
        return None


@dataclass(frozen=True)
class Relation:
    """A stated bound between two parameters: `first` at most the length of `second`
    (``le_len``: "1 <= k <= len(arr)"), or both of one length (``same_len``: "two arrays
    of equal length")."""

    kind: str
    first: str
    second: str
    stated: str

    def admits(self, values: dict[str, Any]) -> bool:
        """Whether the two values (when both are given) keep the relation."""
        if self.first not in values or self.second not in values:
            return True
        a, b = values[self.first], values[self.second]
        if not isinstance(b, (str, list, tuple)):
            return True
        if self.kind == "le_len":
            return isinstance(a, bool) or not isinstance(a, int) or a <= len(b)
        return not isinstance(a, (str, list, tuple)) or len(a) == len(b)

    def project(self, values: dict[str, Any]) -> None:
        """Move `values` (in place) to keep the relation: the bound shrunk to the length,
        the longer of two texts or lists cut to the shorter."""
        if self.admits(values):
            return
        a, b = values[self.first], values[self.second]
        if self.kind == "le_len":
            values[self.first] = len(b)
        elif len(a) > len(b):
            values[self.first] = a[: len(b)]
        else:
            values[self.second] = b[: len(a)]


@dataclass(frozen=True)
class Domain:
    """The bounds the old version states, per parameter name, the relations between
    parameters it states, and its parameters in order."""

    parameters: tuple[str, ...] = ()
    bounds: dict[str, tuple[Bound, ...]] = field(default_factory=dict)
    relations: tuple[Relation, ...] = ()

    def __bool__(self) -> bool:
        return any(self.bounds.values()) or bool(self.relations)

    def _values(self, item: ProbeInput) -> Iterator[tuple[str, Any]]:
        yield from zip(self.parameters, item.args, strict=False)
        yield from item.kwargs.items()

    def outside(self, item: ProbeInput, *, stated_only: bool = True) -> str | None:
        """The first stated bound `item` breaks, described; None when it is inside (inputs
        written as module expressions are taken as inside: their values are not known
        here)."""
        if item.expression:
            return None
        for name, value in self._values(item):
            for bound in self.bounds.get(name, ()):
                if (stated_only and bound.draw_only) or bound.admits(value):
                    continue
                return f"`{name}`: {bound.stated}"
        values = dict(self._values(item))
        for relation in self.relations:
            if not relation.admits(values):
                return f"`{relation.first}`, `{relation.second}`: {relation.stated}"
        return None

    def arrange(self, inputs: Sequence[ProbeInput], budget: int) -> list[ProbeInput]:
        """`inputs` with the ones inside the domain first: each outside one is also moved
        inside (`project`), and the inside ones take two turns for each outside one (an
        input the old version rejects still says what a rewrite does with it), at most
        `budget` in all. Without a domain, `inputs` as they are."""
        if not self:
            return list(inputs)
        inside: dict[str, ProbeInput] = {}
        outside: list[ProbeInput] = []
        for item in inputs:
            if self.outside(item, stated_only=False) is None:
                inside.setdefault(item.expression or item.key, item)
                continue
            outside.append(item)
            moved = self.project(item)
            if moved is not None:
                inside.setdefault(moved.key, moved)
        inside_items = list(inside.values())
        arranged: list[ProbeInput] = []
        turn = 0
        while turn * 2 < len(inside_items) or turn < len(outside):
            arranged.extend(inside_items[turn * 2 : turn * 2 + 2])
            arranged.extend(outside[turn : turn + 1])
            if len(arranged) >= budget:
                break
            turn += 1
        return arranged[:budget]

    def project(self, item: ProbeInput) -> ProbeInput | None:
        """`item` with every argument moved inside its bounds (guards too), or None when it
        is inside already or cannot be moved."""
        if item.expression or self.outside(item, stated_only=False) is None:
            return None
        args = list(item.args)
        kwargs = dict(item.kwargs)
        for index, name in enumerate(self.parameters[: len(args)]):
            args[index] = _moved(args[index], self.bounds.get(name, ()))
        for name in kwargs:
            kwargs[name] = _moved(kwargs[name], self.bounds.get(name, ()))
        if any(value is _NO_WAY for value in [*args, *kwargs.values()]):
            return None
        if self.relations:
            values = {**dict(zip(self.parameters, args, strict=False)), **kwargs}
            for relation in self.relations:
                relation.project(values)
            args = [values[name] for name in self.parameters[: len(args)]]
            kwargs = {name: values[name] for name in kwargs}
        moved = ProbeInput(tuple(args), kwargs, origin="domain")
        return moved if self.outside(moved, stated_only=False) is None else None


_NO_WAY = object()


def _moved(value: Any, bounds: Sequence[Bound]) -> Any:
    for bound in bounds:
        projected = bound.project(value)
        if projected is None:
            return _NO_WAY
        value = projected
    return value


def read_domain(node: ast.FunctionDef | ast.AsyncFunctionDef, module: ast.Module) -> Domain:
    """The domain the function `node` (of `module`) states: its docstring's phrases, the
    characters its code compares text parameters with, and its guards."""
    arguments = node.args
    parameters = tuple(a.arg for a in [*arguments.posonlyargs, *arguments.args])
    every = [*parameters, *(a.arg for a in arguments.kwonlyargs)]
    bounds: dict[str, list[Bound]] = {}
    stated = list(_docstring_bounds(ast.get_docstring(node) or "", every))
    written = {name for name, bound in stated if bound.kind == "alphabet"}
    for name, bound in [
        *stated,
        # What the docstring says a text is written in beats what the code compares.
        *((n, b) for n, b in _alphabets(node, module, every) if n not in written),
        *_guards(node, every),
    ]:
        bucket = bounds.setdefault(name, [])
        if bound not in bucket:
            bucket.append(bound)
    relations = tuple(dict.fromkeys(_relations(ast.get_docstring(node) or "", every)))
    return Domain(parameters, {name: tuple(found) for name, found in bounds.items()}, relations)


# ----------------------------------------------------------------------------- docstring

_SENTENCE = re.compile(r"(?<=[.;:!?])\s+|\n\s*\n")
_RETURNS = re.compile(r"^\s*(?:and\s+)?(?:it\s+)?(?:should\s+)?returns?\b", re.IGNORECASE)
_CONDITION = re.compile(r"^\s*(?:if|when|otherwise|else)\b", re.IGNORECASE)
_RETURN_WORD = re.compile(r"\breturns?\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z_]\w*")
_COLLECTION = r"(?:list|array|sequence|tuple|set|vector)s?"
_NUMBER_WORD = r"(?:integers?|ints?|numbers?|floats?|floating[- ]point numbers?|numerals?)"
_NON_NEGATIVE = re.compile(
    rf"\bnon-?negative\s+(?:whole\s+)?{_NUMBER_WORD}|\bno negative numbers", re.IGNORECASE
)
_POSITIVE = re.compile(rf"(?<!non-)(?<!non )\bpositive\s+(?:whole\s+)?{_NUMBER_WORD}", re.I)
_NATURAL = re.compile(r"\bnatural numbers?\b", re.IGNORECASE)
_DISTINCT = re.compile(r"(?<!not )(?<!necessarily )\b(?:unique|distinct)\b", re.IGNORECASE)
_NON_EMPTY = re.compile(r"\bnon-?empty\b|\bnot empty\b", re.IGNORECASE)
_ELEMENTS_OF = re.compile(rf"\b{_COLLECTION}\s+of\s+(?:only\s+)?$", re.IGNORECASE)
_COMPARED = re.compile(
    r"(?:(?P<low>-?\d+(?:\.\d+)?)\s*(?P<lop><=|<|≤)\s*)?"
    r"(?P<subject>len\(\s*(?P<lname>[A-Za-z_]\w*)\s*\)|(?P<name>[A-Za-z_]\w*))"
    r"(?:\s*(?P<op><=|>=|<|>|≤|≥)\s*(?P<bound>-?\d+(?:\.\d+)?)(?:\s*(?:\^|\*\*)\s*(?P<power>\d+))?)?"
)
_QUOTED_CHAR = re.compile(r"""(?<![\w'"])['"](.)['"](?![\w'"])""")
_TEXT_OF = re.compile(
    r"\b(?:string|text|word|input)s?\b[^.]{0,40}?\b(?:of|only|consist\w*|contain\w*|made)\b",
    re.IGNORECASE,
)
_BINARY = re.compile(r"\b(?:only\s+(?:of\s+)?)?(?:1s and 0s|0s and 1s)\b", re.IGNORECASE)
_LETTER_CLASS = re.compile(
    r"\b(?:consist\w*|contain\w*|made up|composed|only|string of)\b[^.,]{0,20}?\b"
    r"(?:(?P<case>lower ?case|upper ?case|english|alphabetic(?:al)?)\s+"
    r"(?:letters?|characters?|alphabets?)|letters)\b",
    re.IGNORECASE,
)
_LOWER = "abcdefghijklmnopqrstuvwxyz"


def _sentences(text: str) -> list[str]:
    return [" ".join(part.split()) for part in _SENTENCE.split(text) if part.strip()]


def _named(
    sentence: str, parameters: Sequence[str], at: int = 0, *, only: bool = True
) -> list[str]:
    """The parameters a phrase ending at `at` of `sentence` speaks of: the first named in
    the next three words (with one joined by "and": "integers n and m"), else those the
    sentence names, else the only parameter."""
    after = _WORD.findall(sentence[at : at + 80])[:5]
    for index, word in enumerate(after[:3]):
        if word in parameters:
            near = [word]
            if after[index + 1 : index + 2] == ["and"] and after[index + 2 : index + 3]:
                joined = after[index + 2]
                near += [joined] if joined in parameters else []
            return near
    named = [p for p in parameters if re.search(rf"(?<![\w.]){re.escape(p)}(?![\w(])", sentence)]
    if named:
        return named
    return list(parameters) if only and len(parameters) == 1 else []


def _docstring_bounds(text: str, parameters: Sequence[str]) -> Iterator[tuple[str, Bound]]:
    """Bounds stated in the docstring's sentences (not the ones about what is returned)."""
    if not parameters:
        return
    for whole in _sentences(text):
        if _RETURNS.match(whole) or _CONDITION.match(whole):
            continue
        # What follows "return" in a sentence describes the result, not the input.
        sentence = _RETURN_WORD.split(whole, maxsplit=1)[0]
        yield from _number_bounds(sentence, parameters)
        for match in _NON_EMPTY.finditer(sentence):
            for name in _named(sentence, parameters, match.end()):
                yield name, Bound("length", 1, stated=f"non-empty ({_quote(sentence)})")
        for match in _DISTINCT.finditer(sentence):
            for name in _named(sentence, parameters, match.end()):
                stated = f"distinct elements ({_quote(sentence)})"
                yield name, Bound("distinct", stated=stated)
        yield from _comparisons(sentence, parameters)
        yield from _text_alphabets(sentence, parameters)
        for match in _AT_LEAST.finditer(sentence):
            least = _count(match["count"] or match["count2"])
            for name in _named(sentence, parameters, match.start(), only=True):
                if least is not None:
                    stated = f"at least {least} elements ({_quote(sentence)})"
                    yield name, Bound("length", least, stated=stated)
        for name in parameters:
            for match in re.finditer(rf"(?<![\w.]){re.escape(name)}\b{_THAN}", sentence, re.I):
                value = float(match["value"])
                orequal = bool(match["orequal"])
                stated = f"{match.group(0).strip()} ({_quote(sentence)})"
                if match["side"].lower() in ("less", "smaller", "fewer", "lower"):
                    yield name, Bound("high", value, not orequal, stated=stated)
                else:
                    yield name, Bound("low", value, not orequal, stated=stated)


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_AT_LEAST = re.compile(
    r"\b(?:(?:of\s+)?length\s+(?:of\s+)?at\s+least\s+(?P<count>\d+|one|two|three|four|five|six)"
    r"(?!\s*(?:characters?|letters?|digits?))"
    r"|at\s+least\s+(?P<count2>\d+|one|two|three|four|five|six)\s+"
    r"(?:elements?|numbers?|items?|integers?|values?|entries))",
    re.IGNORECASE,
)
_THAN = (
    r"[^.,;]{0,25}?\b(?:is|are)\s+(?:always\s+)?(?P<side>less|smaller|fewer|lower|greater|"
    r"larger|bigger|more|higher)\s+than\s+(?P<orequal>or\s+equal\s+to\s+)?(?P<value>-?\d+)\b"
)
_LE_LEN = re.compile(
    r"(?<![\w.])(?P<first>[A-Za-z_]\w*)\s*(?P<op><=|<|≤)\s*len\(\s*(?P<second>[A-Za-z_]\w*)\s*\)"
)
_TWO = re.compile(r"\b(?:two|both)\b", re.IGNORECASE)
_SAME_LENGTH = re.compile(r"\b(?:of\s+)?(?:equal|the\s+same)\s+lengths?\b", re.IGNORECASE)


def _count(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) if text.isdigit() else _NUMBER_WORDS.get(text.lower())


def _relations(text: str, parameters: Sequence[str]) -> Iterator[Relation]:
    """Bounds between two parameters the docstring states."""
    for whole in _sentences(text):
        if _RETURNS.match(whole) or _CONDITION.match(whole):
            continue
        sentence = _RETURN_WORD.split(whole, maxsplit=1)[0]
        for match in _LE_LEN.finditer(sentence):
            first, second = match["first"], match["second"]
            if first in parameters and second in parameters and first != second:
                stated = f"{match.group(0)} ({_quote(sentence)})"
                yield Relation("le_len", first, second, stated)
        if _SAME_LENGTH.search(sentence):
            named = [p for p in parameters if re.search(rf"(?<![\w.]){re.escape(p)}\b", sentence)]
            if len(named) != 2 and len(parameters) == 2 and _TWO.search(sentence):
                named = list(parameters)  # "two arrays ... of equal length"
            if len(named) == 2:
                stated = f"of equal length ({_quote(sentence)})"
                yield Relation("same_len", named[0], named[1], stated)


def _quote(sentence: str) -> str:
    return f'docstring: "{sentence if len(sentence) <= 90 else sentence[:87] + "..."}"'


def _number_bounds(sentence: str, parameters: Sequence[str]) -> Iterator[tuple[str, Bound]]:
    for pattern, value, strict, what in (
        (_POSITIVE, 0, True, "positive"),
        (_NATURAL, 0, True, "a natural number"),
        (_NON_NEGATIVE, 0, False, "non-negative"),
    ):
        for match in pattern.finditer(sentence):
            elements = bool(_ELEMENTS_OF.search(sentence[: match.start()]))
            for name in _named(sentence, parameters, match.end()):
                stated = f"{what}{' elements' if elements else ''} ({_quote(sentence)})"
                yield name, Bound("low", value, strict, elements=elements, stated=stated)


def _comparisons(sentence: str, parameters: Sequence[str]) -> Iterator[tuple[str, Bound]]:
    """``1 <= len(arr) <= 100``, ``n > 1``, ``0 <= x <= 1000`` for a parameter."""
    for match in _COMPARED.finditer(sentence):
        name = match.group("lname") or match.group("name")
        if name not in parameters or not (match.group("low") or match.group("op")):
            continue
        length = match.group("lname") is not None
        stated = f"{match.group(0).strip()} ({_quote(sentence)})"
        if match.group("low"):
            low = float(match.group("low"))
            strict = match.group("lop") == "<"
            if length:
                yield name, Bound("length", low + (1 if strict else 0), stated=stated)
            else:
                yield name, Bound("low", low, strict, stated=stated)
        op, bound = match.group("op"), match.group("bound")
        if op is None or bound is None:
            continue
        value = float(bound) ** int(match.group("power") or 1)
        if op in (">", ">=", "≥"):
            if length:
                yield name, Bound("length", value + (1 if op == ">" else 0), stated=stated)
            else:
                yield name, Bound("low", value, op == ">", stated=stated)
        elif length:
            yield name, Bound("max_length", value - (1 if op == "<" else 0), stated=stated)
        else:
            yield name, Bound("high", value, op == "<", stated=stated)


def _text_alphabets(sentence: str, parameters: Sequence[str]) -> Iterator[tuple[str, Bound]]:
    """ "a string of '(' and ')'", "consisting only of 1s and 0s", "lowercase letters"."""
    chars = ""
    what = ""
    text_of = _TEXT_OF.search(sentence)
    # The characters quoted right after "a string of", "consisting of" ("'(' or ')'").
    quoted = _QUOTED_CHAR.findall(sentence[text_of.end() : text_of.end() + 60]) if text_of else []
    if len(set(quoted)) >= 2:
        chars, what = "".join(sorted(set(quoted))), "written in " + " ".join(map(repr, quoted))
    elif _BINARY.search(sentence):
        chars, what = "01", "written in 0s and 1s"
    else:
        letters = _LETTER_CLASS.search(sentence)
        if letters is not None and (text_of is not None or _named(sentence, parameters)):
            case = (letters.group("case") or "").lower().replace(" ", "")
            chars = {"lowercase": _LOWER, "uppercase": _LOWER.upper()}.get(
                case, _LOWER + _LOWER.upper()
            )
            # Text "of letters" still has words: the space between them is in the domain.
            chars += " "
            what = f"written in {case or 'English'} letters and spaces"
    if not chars:
        return
    start = text_of.start() if text_of else 0
    for name in _named(sentence, parameters, start):
        yield name, Bound("alphabet", chars=chars, stated=f"{what} ({_quote(sentence)})")


_ELEMENT_TYPES = (
    (re.compile(r"integers?|ints?|whole numbers?|natural numbers?", re.IGNORECASE), "int"),
    (re.compile(r"floats?|floating[- ]point numbers?|real numbers?|numbers", re.I), "float"),
    (re.compile(r"strings?|words?", re.IGNORECASE), "str"),
)
_TYPE_PHRASE = re.compile(
    rf"\b(?P<collection>{_COLLECTION}\s+of\s+(?:(?:non-?negative|positive|negative)\s+)?)?"
    r"(?P<what>integers?|ints?|whole numbers?|natural numbers?|floats?|floating[- ]point "
    r"numbers?|real numbers?|numbers|strings?|words?)\b",
    re.IGNORECASE,
)


def stated_types(node: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, str]:
    """Annotation texts the docstring states for unannotated parameters: "a positive
    integer n" -> ``int``, "a string s" -> ``str``, "a list of integers" -> ``list[int]``
    (the first phrase naming a parameter wins; sentences about the result are skipped)."""
    arguments = [*node.args.posonlyargs, *node.args.args]
    unannotated = [a.arg for a in arguments if a.annotation is None]
    found: dict[str, str] = {}
    for index, whole in enumerate(_sentences(ast.get_docstring(node) or "")):
        if _RETURNS.match(whole) or _CONDITION.match(whole):
            continue
        sentence = _RETURN_WORD.split(whole, maxsplit=1)[0]
        for match in _TYPE_PHRASE.finditer(sentence):
            element = next(
                (text for pattern, text in _ELEMENT_TYPES if pattern.fullmatch(match["what"])),
                None,
            )
            if element is None:
                continue
            # "a number" alone may be either; only a collection "of numbers" says float.
            if match["what"].lower() == "numbers" and not match["collection"]:
                continue
            # A later sentence may speak of anything ("the characters of the string"):
            # only the first one is taken to speak of the only parameter unnamed.
            names = _named(sentence, unannotated, match.end(), only=index == 0)
            if len(names) > 1 and not re.match(
                rf"\W*{re.escape(names[0])}\W+and\W+{re.escape(names[1])}\b",
                sentence[match.end() :],
            ):
                continue  # a sentence naming several: which one the phrase is about is unsaid
            for name in names:
                collection = match["collection"] or re.search(
                    rf"\b{_COLLECTION}\s+{re.escape(name)}\b", sentence, re.IGNORECASE
                )
                found.setdefault(name, f"list[{element}]" if collection else element)
    return found


# ---------------------------------------------------------------------------------- code

#: Calls on a character that ask its class or change it: the code then handles characters
#: beyond the ones it compares with, and no alphabet is read.
_CHARACTER_CLASS = frozenset(
    {
        "isalpha",
        "isalnum",
        "isdigit",
        "isdecimal",
        "isnumeric",
        "isupper",
        "islower",
        "isspace",
        "isascii",
        "isidentifier",
        "isprintable",
        "istitle",
        "lower",
        "upper",
        "casefold",
        "swapcase",
        "title",
        "capitalize",
    }
)


def _alphabets(
    node: ast.FunctionDef | ast.AsyncFunctionDef, module: ast.Module, parameters: Sequence[str]
) -> Iterator[tuple[str, Bound]]:
    """The characters the code compares each text parameter's characters with."""
    annotated = {
        a.arg: a.annotation
        for a in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
    }
    constants = _string_constants(module, node)
    for name in parameters:
        annotation = annotated.get(name)
        if annotation is not None and ast.unparse(annotation) not in ("str", "'str'"):
            continue
        found = _compared_characters(node, name, constants)
        if len(found) < 2:
            continue
        # The compared characters are the ones the code treats specially; every other
        # character takes one path, so one ordinary character stands for all of them.
        ordinary = next(c for c in "ax0 " if c not in found)
        chars = "".join(sorted(found)) + ordinary
        stated = f"written in the characters the old code compares it with ({chars!r})"
        yield name, Bound("alphabet", chars=chars, stated=stated, draw_only=True)


def _string_constants(module: ast.Module, node: ast.AST) -> dict[str, set[str]]:
    """Names bound once to a string or to a literal collection of strings (module level
    and in the function): ``VOWELS = "aeiou"``, ``opening = ["(", "["]``."""
    found: dict[str, set[str]] = {}
    seen: set[str] = set()
    for statement in [*module.body, *ast.walk(node)]:
        if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
            continue
        target = statement.targets[0]
        if not isinstance(target, ast.Name):
            continue
        chars = _literal_characters(statement.value, {})
        if target.id in seen or chars is None:
            found.pop(target.id, None)
        else:
            found[target.id] = chars
        seen.add(target.id)
    return found


def _literal_characters(node: ast.expr, constants: dict[str, set[str]]) -> set[str] | None:
    """The single characters a literal names: a one-character string, a string (each of its
    characters, for ``in``), a collection of one-character strings, a known constant."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        return set(node.value)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and node.elts:
        chars: set[str] = set()
        for element in node.elts:
            if not (
                isinstance(element, ast.Constant)
                and isinstance(element.value, str)
                and len(element.value) == 1
            ):
                return None
            chars.add(element.value)
        return chars
    if isinstance(node, ast.Dict) and node.keys:
        return _literal_characters(ast.Set(elts=[k for k in node.keys if k is not None]), {})
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def _compared_characters(
    node: ast.FunctionDef | ast.AsyncFunctionDef, name: str, constants: dict[str, set[str]]
) -> set[str]:
    """Characters the code compares characters of parameter `name` with; empty when it
    compares none, reads the parameter's characters otherwise than as characters, or
    asks a character's class."""
    characters = _character_names(node, name)

    def is_character(expr: ast.expr) -> bool:
        if isinstance(expr, ast.Name):
            return expr.id in characters
        return (
            isinstance(expr, ast.Subscript)
            and isinstance(expr.value, ast.Name)
            and expr.value.id == name
            and not isinstance(expr.slice, ast.Slice)
        )

    found: set[str] = set()
    for sub in ast.walk(node):
        if (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Attribute)
            and sub.func.attr in _CHARACTER_CLASS
            and (is_character(sub.func.value) or _is_name(sub.func.value, name))
        ):
            return set()
        if (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Name)
            and sub.func.id == "ord"
            and sub.args
            and is_character(sub.args[0])
        ):
            return set()
        if not isinstance(sub, ast.Compare) or len(sub.ops) != 1:
            continue
        left, op, right = sub.left, sub.ops[0], sub.comparators[0]
        if isinstance(op, (ast.Eq, ast.NotEq)):
            for mine, other in ((left, right), (right, left)):
                if (
                    is_character(mine)
                    and isinstance(other, ast.Constant)
                    and isinstance(other.value, str)
                    and len(other.value) == 1
                ):
                    found.add(other.value)
        elif isinstance(op, (ast.In, ast.NotIn)) and is_character(left):
            chars = _literal_characters(right, constants)
            if chars is not None:
                found |= chars
    return found


def _is_name(expr: ast.expr, name: str) -> bool:
    return isinstance(expr, ast.Name) and expr.id == name


def _character_names(node: ast.AST, name: str) -> set[str]:
    """Names bound to the characters of parameter `name`: ``for c in s``, ``for i, c in
    enumerate(s)``, comprehensions over ``s``."""
    names: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, (ast.For, ast.comprehension)):
            iterated, target = sub.iter, sub.target
        else:
            continue
        if _is_name(iterated, name) and isinstance(target, ast.Name):
            names.add(target.id)
        elif (
            isinstance(iterated, ast.Call)
            and _is_name(iterated.func, "enumerate")
            and iterated.args
            and _is_name(iterated.args[0], name)
            and isinstance(target, ast.Tuple)
            and len(target.elts) == 2
            and isinstance(target.elts[1], ast.Name)
        ):
            names.add(target.elts[1].id)
    return names


# -------------------------------------------------------------------------------- guards


def _guards(
    node: ast.FunctionDef | ast.AsyncFunctionDef, parameters: Sequence[str]
) -> Iterator[tuple[str, Bound]]:
    """What the function's leading guards require: ``assert n > 0`` and ``if n <= 0:
    raise ...`` (the condition negated), for a parameter compared with a number or its
    length, or tested for emptiness."""
    for statement in node.body[:6]:
        if isinstance(statement, ast.Assert):
            yield from _required(statement.test, parameters, negate=False)
        elif (
            isinstance(statement, ast.If)
            and statement.body
            and isinstance(statement.body[-1], ast.Raise)
            and not statement.orelse
        ):
            yield from _required(statement.test, parameters, negate=True)


_FLIP = {ast.Lt: ast.GtE, ast.LtE: ast.Gt, ast.Gt: ast.LtE, ast.GtE: ast.Lt}
_MIRROR = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE}


def _required(
    test: ast.expr, parameters: Sequence[str], *, negate: bool
) -> Iterator[tuple[str, Bound]]:
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or if negate else ast.And):
        for part in test.values:
            yield from _required(part, parameters, negate=negate)
        return
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        if negate and isinstance(test.operand, ast.Name) and test.operand.id in parameters:
            stated = f"guard: if not {test.operand.id}: raise"
            yield test.operand.id, Bound("length", 1, stated=stated, draw_only=True)
        return
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return
    left, op, right = test.left, type(test.ops[0]), test.comparators[0]
    if op not in _FLIP:
        return
    if not _number(right) and _number(left):
        left, right, op = right, left, _MIRROR[op]
    value = _number(right)
    if value is None:
        return
    if negate:
        op = _FLIP[op]
    length = (
        isinstance(left, ast.Call)
        and _is_name(left.func, "len")
        and len(left.args) == 1
        and isinstance(left.args[0], ast.Name)
    )
    subject = left.args[0] if length and isinstance(left, ast.Call) else left
    if not isinstance(subject, ast.Name) or subject.id not in parameters:
        return
    stated = f"guard: {ast.unparse(test)}"
    if length:
        if op in (ast.Gt, ast.GtE):
            least = value + (1 if op is ast.Gt else 0)
            yield subject.id, Bound("length", least, stated=stated, draw_only=True)
        return
    if op in (ast.Gt, ast.GtE):
        yield subject.id, Bound("low", value, op is ast.Gt, stated=stated, draw_only=True)
    else:
        yield subject.id, Bound("high", value, op is ast.Lt, stated=stated, draw_only=True)


def _number(node: ast.expr) -> float | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number(node.operand)
        return None if inner is None else -inner
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, (int, float))
        and not isinstance(node.value, bool)
    ):
        return float(node.value)
    return None
