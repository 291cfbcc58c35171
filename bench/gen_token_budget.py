"""The fair raw baseline's token budget: the longest reference solution plus its prompt.

Counts, with the embedded model's own tokenizer (the llama.cpp server's ``/tokenize``), the
tokens of ``prompt + canonical_solution`` of every HumanEval and MBPP task and prints the
three longest of each; `assay.benchmarks.generation.FAIR_MAX_TOKENS` is max(768, longest).

    python bench/gen_token_budget.py
"""

from __future__ import annotations

import json
import sys
import urllib.request

from assay.benchmarks.humaneval import load_humaneval
from assay.benchmarks.mbpp import load_mbpp
from assay.llm.embedded import EmbeddedBackend


def main() -> int:
    backend = EmbeddedBackend()
    base = backend.base_url.removesuffix("/v1")

    def tokens(text: str) -> int:
        request = urllib.request.Request(
            base + "/tokenize",
            data=json.dumps({"content": text}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request) as answer:  # loopback: the embedded server
            return len(json.load(answer)["tokens"])

    longest = {}
    for name, problems in (("humaneval", load_humaneval()), ("mbpp", load_mbpp())):
        sizes = sorted(
            ((tokens(p.prompt + p.canonical_solution), task) for task, p in problems.items()),
            reverse=True,
        )
        longest[name] = sizes[:3]
    backend.close()
    sys.stdout.write(json.dumps(longest) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
