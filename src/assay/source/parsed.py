"""A file's syntax tree, parsed once per process.

The static stage, the trust-tier review and every dynamic stage of `assay check` need the
tree of the same text; `parse_module` parses a text the first time and hands the same tree to
every later caller, so one check parses each file once. Trees are shared: callers read them
and copy a node (`copy.copy`, `copy.deepcopy`) before changing it.

The static stage's rules keep their per-file state on the check's `Context` (`ctx.memo`),
never on the tree, so a second check of the same text in one process (a batch, the service,
a test) gets the kept tree and finds what the first found.

The cache is keyed by a hash of the text (the same text checked under two names is parsed
once) and bounded by `MAX_TREES` trees and `MAX_CHARS` characters of their texts: a tree takes
about 55 times its text's size in memory, and a run over a large tree of files must not keep
them all.
"""

from __future__ import annotations

import ast
import hashlib
import threading
import warnings
from collections import OrderedDict

__all__ = ["MAX_CHARS", "MAX_TREES", "clear", "parse_module"]

#: Trees kept, at most, and the characters of their texts, at most (about 55 MB of trees).
MAX_TREES = 128
MAX_CHARS = 1_000_000


class _Trees:
    """The kept trees, least recently used first, and the characters of their texts."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.trees: OrderedDict[bytes, tuple[ast.Module, int]] = OrderedDict()
        self.chars = 0

    def get(self, key: bytes) -> ast.Module | None:
        with self.lock:
            hit = self.trees.get(key)
            if hit is None:
                return None
            self.trees.move_to_end(key)
            return hit[0]

    def put(self, key: bytes, tree: ast.Module, size: int) -> None:
        with self.lock:
            if key in self.trees:
                self.chars -= self.trees.pop(key)[1]
            self.trees[key] = (tree, size)
            self.chars += size
            while len(self.trees) > MAX_TREES or self.chars > MAX_CHARS:
                _, (_, dropped) = self.trees.popitem(last=False)
                self.chars -= dropped

    def clear(self) -> None:
        with self.lock:
            self.trees.clear()
            self.chars = 0


_kept = _Trees()


def parse_module(text: str, path: str = "<unknown>") -> ast.Module:
    """The tree of `text` (a whole module), parsed on the first call for that text and
    shared with every later caller; `path` names the file in a `SyntaxError`.

    The checked code's `SyntaxWarning`s (an invalid escape sequence) are its own business
    and not shown. A text longer than `MAX_CHARS` is parsed but not kept.

    Raises:
        SyntaxError: `text` is not valid Python (never kept: the next call parses again).
        ValueError: `text` contains a null byte.
        RecursionError, MemoryError: `text` is nested too deeply for Python's parser.
    """
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    tree = _kept.get(key)
    if tree is not None:
        return tree
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        tree = ast.parse(text, filename=path, type_comments=False)
    if len(text) <= MAX_CHARS:
        _kept.put(key, tree, len(text))
    return tree


def clear() -> None:
    """Forget every kept tree (tests; a long-lived service after a large run)."""
    _kept.clear()
