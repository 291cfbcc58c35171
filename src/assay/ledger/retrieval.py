"""Past failures on similar tasks, turned into acceptance criteria for the next generation.

Similarity is lexical: TF-IDF weighted cosine over word tokens of the task text (identifiers
are split on ``_`` and camelCase, a few English stop words dropped). It is cheap, needs no
model, and is good enough when past tasks share vocabulary with the new one ("parse the
date", "sort by key"); it does not know that "remove duplicates" and "unique items" are
the same task.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from assay.ledger.store import Ledger, open_ledger
from assay.ledger.types import RunRecord

__all__ = ["criteria_for", "criteria_from_failures", "similarity_index", "tokens"]

_WORD = re.compile(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])|\d+")
_STOP = frozenset(
    "a an and are as at be by for from has have in is it its of on or that the this to "
    "was were will with which return returns given function write should def none true false "
    "if else when then than not list str int float bool".split()
)
_MAX_CRITERION = 300


def tokens(text: str) -> list[str]:
    """Lower-case word tokens of `text`, identifiers split, stop words removed."""
    words = (w.lower() for w in _WORD.findall(text.replace("_", " ")))
    return [w for w in words if len(w) > 1 and w not in _STOP]


def similarity_index(query: str, documents: Sequence[str]) -> list[float]:
    """TF-IDF cosine similarity of `query` with each document (0.0 to 1.0)."""
    docs = [Counter(tokens(d)) for d in documents]
    wanted = Counter(tokens(query))
    if not wanted or not docs:
        return [0.0] * len(documents)
    n = len(docs) + 1
    frequency: Counter[str] = Counter()
    for doc in [*docs, wanted]:
        frequency.update(doc.keys())
    idf = {term: math.log((1 + n) / (1 + df)) + 1.0 for term, df in frequency.items()}

    def vector(counts: Counter[str]) -> dict[str, float]:
        return {term: (1 + math.log(tf)) * idf[term] for term, tf in counts.items()}

    q = vector(wanted)
    q_norm = math.sqrt(sum(v * v for v in q.values()))
    scores = []
    for doc in docs:
        d = vector(doc)
        d_norm = math.sqrt(sum(v * v for v in d.values()))
        dot = sum(weight * d.get(term, 0.0) for term, weight in q.items())
        scores.append(dot / (q_norm * d_norm) if q_norm and d_norm else 0.0)
    return scores


def criteria_from_failures(
    prompt: str,
    failures: Sequence[RunRecord],
    *,
    limit: int = 5,
    min_similarity: float = 0.3,
) -> list[str]:
    """Acceptance criteria drawn from the `failures` most similar to `prompt`.

    Each criterion names what went wrong before (a marked outcome, or an error finding with
    its message) so the model is told, in plain words, what its code must not do.
    """
    scores = similarity_index(prompt, [run.task for run in failures])
    ranked = sorted(
        (pair for pair in zip(scores, failures, strict=True) if pair[0] >= min_similarity),
        key=lambda pair: (-pair[0], -(pair[1].id or 0)),
    )
    criteria: list[str] = []
    seen: set[str] = set()
    for _score, run in ranked:
        for text in _lessons(run):
            key = text.lower()
            if key not in seen:
                seen.add(key)
                criteria.append(text)
            if len(criteria) >= limit:
                return criteria
    return criteria


def criteria_for(
    prompt: str,
    *,
    ledger: Ledger | None = None,
    url: str | None = None,
    limit: int = 5,
    min_similarity: float = 0.3,
) -> list[str]:
    """Acceptance criteria for `prompt`, learnt from failures on similar past tasks.

    Args:
        prompt: the task about to be generated.
        ledger: an open ledger; default: open the one `url` (or the environment) names.
        url: ledger URL when `ledger` is not given.
        limit: at most this many criteria.
        min_similarity: TF-IDF cosine a past task needs to count as similar.

    Raises:
        LedgerError: the ledger cannot be opened.
    """
    if ledger is not None:
        return criteria_from_failures(
            prompt, ledger.failures(), limit=limit, min_similarity=min_similarity
        )
    with open_ledger(url) as opened:
        return criteria_from_failures(
            prompt, opened.failures(), limit=limit, min_similarity=min_similarity
        )


def _lessons(run: RunRecord) -> Iterable[str]:
    task = _clip(" ".join(run.task.split()), 80)
    for outcome in run.outcomes:
        if outcome.failed:
            yield _clip(
                f"A solution to a similar task ({task!r}) later failed: {outcome.description}. "
                "The code must not fail this way.",
                _MAX_CRITERION,
            )
    for finding in run.findings:
        if finding.severity == "error":
            yield _clip(
                f"A solution to a similar task was rejected ({finding.rule}, {finding.family}): "
                f"{finding.message}. Avoid this.",
                _MAX_CRITERION,
            )


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"
