"""Past failures on similar tasks become acceptance criteria."""

from __future__ import annotations

import pytest
from tests.ledger.helpers import check_report, finding

from assay.ledger import Ledger, criteria_for, record_report
from assay.ledger.retrieval import similarity_index, tokens


def test_tokens_split_identifiers_and_drop_stop_words() -> None:
    assert tokens("Write a function parse_iso_date that returns a datetime") == [
        "parse",
        "iso",
        "date",
        "datetime",
    ]
    assert tokens("camelCaseName HTTPServer") == ["camel", "case", "name", "http", "server"]


def test_similarity_ranks_the_related_task_first() -> None:
    documents = [
        "sort a list of dictionaries by a key",
        "parse an ISO 8601 date string into a datetime",
        "count the vowels in a string",
    ]
    scores = similarity_index("parse a date string in ISO format", documents)
    assert scores.index(max(scores)) == 1
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert similarity_index("", documents) == [0.0, 0.0, 0.0]


def test_criteria_come_from_similar_failures_only(ledger: Ledger) -> None:
    date_run = record_report(
        check_report(),
        kind="gen",
        task="parse an ISO 8601 date string into a datetime",
        ledger=ledger,
    )
    ledger.mark(date_run, description="ignored the timezone offset +02:00")
    record_report(
        check_report(finding(message="json.loadz does not exist")),
        kind="gen",
        task="read a JSON config file and merge defaults",
        ledger=ledger,
    )
    record_report(
        check_report(), kind="gen", task="parse a date with a clean result", ledger=ledger
    )

    criteria = criteria_for("Parse a date string (ISO 8601) and return a datetime", ledger=ledger)
    assert len(criteria) == 1
    assert "ignored the timezone offset +02:00" in criteria[0]

    json_criteria = criteria_for("load the JSON config file, merging defaults", ledger=ledger)
    assert len(json_criteria) == 1
    assert "AS101" in json_criteria[0] and "json.loadz does not exist" in json_criteria[0]

    assert criteria_for("compute the nth Fibonacci number", ledger=ledger) == []


def test_criteria_are_deduplicated_and_limited(ledger: Ledger) -> None:
    for index in range(4):
        run_id = record_report(
            check_report(), kind="gen", task="reverse the words in a sentence", ledger=ledger
        )
        ledger.mark(run_id, description=f"dropped punctuation variant {index % 2}")
    criteria = criteria_for("reverse words of a sentence", ledger=ledger, limit=5)
    assert len(criteria) == 2
    assert len(criteria_for("reverse words of a sentence", ledger=ledger, limit=1)) == 1


@pytest.mark.usefixtures("sqlite_url")
def test_criteria_for_opens_the_configured_ledger(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    monkeypatch.setenv("ASSAY_LEDGER_URL", sqlite_url)
    run_id = record_report(check_report(), kind="gen", task="merge two sorted lists")
    from assay.ledger import open_ledger

    with open_ledger() as ledger:
        ledger.mark(run_id, description="lost duplicates")
    assert criteria_for("merge sorted lists")[0].endswith("The code must not fail this way.")
