"""Security family: Bandit relayed in-process, de-duplicated against assay's own rules."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

import assay
from assay.model import Severity

FIXTURES = Path(__file__).parent / "fixtures"


def _findings(source: str, select: list[str]) -> list[assay.model.Finding]:  # type: ignore[name-defined]
    report = assay.check_source(source, select=select, name="snippet.py", offline=True)
    assert not report.errors, report.errors
    return report.findings


def test_bandit_result_carries_test_id_cwe_and_bandit_severity() -> None:
    source = "import requests\n\ndef fetch(url):\n    return requests.get(url)\n"
    [finding] = _findings(source, ["AS300"])
    assert finding.evidence["bandit_test_id"] == "B113"
    assert finding.evidence["bandit_test"] == "request_without_timeout"
    assert finding.evidence["cwe"] == 400
    assert finding.evidence["bandit_severity"] == "MEDIUM"
    # never weaker than Bandit: MEDIUM severity is a warning even at low confidence
    assert finding.severity is Severity.WARNING
    assert finding.confidence == "low"
    assert finding.fix


def test_bandit_high_checked_by_a_narrower_assay_rule_stays_a_warning() -> None:
    # AS309 asks "is a password hashed?" and says no; Bandit's B324 (HIGH) still stands
    source = (
        "import hashlib\n\ndef fingerprint(certificate):\n    return hashlib.md5(certificate)\n"
    )
    [finding] = _findings(source, ["security"])
    assert (finding.rule, finding.severity) == ("AS300", Severity.WARNING)
    assert finding.evidence["bandit_test_id"] == "B324"
    assert finding.evidence["checked_by"] == ["AS309"]
    assert "AS309" in finding.evidence["assay_checked"]


def test_flask_debug_run_is_at_least_a_warning() -> None:
    source = "from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n"
    [finding] = _findings(source, ["security"])
    assert finding.evidence["bandit_test_id"] == "B201"
    assert finding.severity.rank >= Severity.WARNING.rank


def test_assay_rule_speaking_for_bandit_medium_is_raised_to_a_warning() -> None:
    # AS307 alone would say info (a parameter, no request data); B506 is MEDIUM
    source = "import yaml\n\ndef load(text):\n    return yaml.load(text)\n"
    [finding] = _findings(source, ["security"])
    assert finding.rule == "AS307"
    assert finding.evidence["bandit"][0]["bandit_test_id"] == "B506"
    assert finding.severity is Severity.WARNING


def test_syntax_that_shows_a_bandit_sink_harmless_is_evidence_not_silence() -> None:
    source = (
        "from markupsafe import Markup, escape\n"
        "def attrs(items):\n"
        "    return Markup(' '.join(f'{escape(k)}=\"{escape(v)}\"' for k, v in items))\n"
        "def raw(text):\n"
        "    return Markup(text)\n"
        "def describe(host):\n"
        "    return 'every interface' if host == '0.0.0.0' else host\n"
        "def public(host):\n"
        "    return host in ('0.0.0.0', '::')\n"
        "LISTEN = ('0.0.0.0', 8080)\n"
    )
    by_line = {f.line: f for f in _findings(source, ["security"])}
    escaped, raw, compared = by_line[3], by_line[5], by_line[7]
    assert escaped.severity is Severity.WARNING and escaped.confidence == "low"
    assert "escape()" in escaped.evidence["assay_assessment"]
    assert raw.severity is Severity.WARNING and "assay_assessment" not in raw.evidence
    assert compared.evidence["bandit_test_id"] == "B104"
    assert compared.severity is Severity.WARNING and compared.confidence == "low"
    assert "compared" in compared.evidence["assay_assessment"]
    assert "compared" in by_line[9].evidence["assay_assessment"]
    assert "assay_assessment" not in by_line[10].evidence


def test_same_issue_is_reported_once_by_the_richer_assay_rule() -> None:
    source = (FIXTURES / "AS300.py").read_text(encoding="utf-8")
    findings = _findings(source, ["security"])
    on_run_tool = [f for f in findings if f.line == 29]
    assert [f.rule for f in on_run_tool] == ["AS302"]
    assert on_run_tool[0].evidence["bandit"][0]["bandit_test_id"] == "B602"
    assert on_run_tool[0].evidence["cwe"] == 78
    on_yaml = [f for f in findings if f.line == 34]
    assert [f.rule for f in on_yaml] == ["AS307"]
    # a constant shell command: only Bandit has something to say (at low severity)
    assert [(f.rule, f.severity) for f in findings if f.line == 24] == [("AS300", Severity.INFO)]


def test_nosec_is_honoured() -> None:
    source = "import requests\nrequests.get('https://x')  # nosec\n"
    assert _findings(source, ["AS300"]) == []


def test_nosec_on_a_reported_line_does_not_crash_bandit(caplog: pytest.LogCaptureFixture) -> None:
    source = "import subprocess\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)  # nosec\n"
    with caplog.at_level(logging.ERROR, logger="bandit"):
        assert _findings(source, ["AS300"]) == []
    assert not [r for r in caplog.records if "internal error" in r.getMessage()]


def test_nosec_by_test_name_skips_only_that_test() -> None:
    source = (
        "import requests\n"
        "requests.get('https://x', verify=False)  # nosec: request_without_timeout\n"
    )
    assert [f.evidence["bandit_test_id"] for f in _findings(source, ["AS300"])] == ["B501"]


def test_sql_through_a_local_variable_names_the_path() -> None:
    source = (
        "from flask import request\n"
        "def search(cursor):\n"
        "    term = request.args.get('q')\n"
        "    sql = 'SELECT * FROM t WHERE a = ' + term\n"
        "    cursor.execute(sql)\n"
    )
    [finding] = _findings(source, ["AS301"])
    assert finding.evidence["via"] == ["term (line 3)", "sql (line 4)"]
    assert finding.evidence["sources"][0]["kind"] == "request"
    assert finding.evidence["query"].startswith("sql = 'SELECT")


def test_reassigned_constant_query_is_silent() -> None:
    source = (
        "def count(cursor, table):\n"
        "    sql = f'SELECT COUNT(*) FROM {table}'\n"
        "    sql = 'SELECT COUNT(*) FROM users'\n"
        "    cursor.execute(sql)\n"
    )
    assert _findings(source, ["AS301"]) == []


def test_salted_fast_hash_is_a_warning_unsalted_an_error() -> None:
    findings = _findings((FIXTURES / "AS309.py").read_text(encoding="utf-8"), ["AS309"])
    by_line = {f.line: f for f in findings}
    assert by_line[6].severity is Severity.ERROR and by_line[6].evidence["salted"] is False
    assert by_line[15].severity is Severity.WARNING and by_line[15].evidence["salted"] is True


def test_every_security_finding_names_its_cwe() -> None:
    for path in sorted(FIXTURES.glob("AS3*.py")):
        for finding in _findings(path.read_text(encoding="utf-8"), ["security"]):
            assert isinstance(finding.evidence.get("cwe"), int), (path.name, finding)
            assert finding.fix, (path.name, finding)


def test_bandit_versus_assay_bench_counts_detections_and_false_positives(tmp_path: Path) -> None:
    import importlib.util
    import json

    bench = Path(__file__).resolve().parents[2] / "bench" / "security_vs_bandit.py"
    spec = importlib.util.spec_from_file_location("security_vs_bandit", bench)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (tmp_path / "shell.py").write_text(
        "import os\n\ndef run(name):\n    os.system('ls ' + name)  # vuln\n", encoding="utf-8"
    )
    (tmp_path / "token.py").write_text(
        "import jwt\n\ndef claims(t):\n"
        "    return jwt.decode(t, options={'verify_signature': False})  # vuln\n",
        encoding="utf-8",
    )
    (tmp_path / "clean.py").write_text("def add(a, b):\n    return a + b\n", encoding="utf-8")
    manifest = {"shell.py": ["AS302"], "token.py": ["AS312"], "clean.py": []}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = module.compare(tmp_path)
    rows = {row["file"]: row for row in result["rows"]}
    assert rows["shell.py"]["bandit"] == ["B605"] and rows["shell.py"]["assay"] == ["AS302"]
    assert rows["token.py"]["bandit"] == [] and rows["token.py"]["assay"] == ["AS312"]
    assert (result["bandit_detected"], result["assay_detected"]) == (1, 2)
    assert (result["bandit_fp_files"], result["assay_fp_files"]) == (0, 0)


def test_word_naming_a_sibling_module_is_not_a_secret() -> None:
    source = (
        "import logging\n"
        "from . import token\n"
        "logger = logging.getLogger(__name__)\n"
        "def show(kind, value):\n"
        "    logger.debug('%s %r', token.tok_name[kind], value)\n"
        "def show_auth(auth_token):\n"
        "    logger.debug('%s', auth_token)\n"
    )
    assert [f.line for f in _findings(source, ["AS308"])] == [7]


def test_bandit_tests_assay_never_relays_are_not_run() -> None:
    # issue 19: Bandit only where it adds; the skipped tests must not even be evaluated
    from bandit.core import config, test_set

    from assay.rules.security._bandit import _BANDIT_SKIPPED, _bandit

    _, tests = _bandit()
    # another Bandit test set in the same process (e.g. a BanditManager) must not undo it
    test_set.BanditTestSet(config.BanditConfig(), {})
    run = {getattr(test, "_test_id", None) for funcs in tests.tests.values() for test in funcs}
    blacklisted = {
        entry["id"]
        for funcs in tests.tests.values()
        for test in funcs
        for entries in getattr(test, "_config", {}).values()
        if isinstance(entries, list)
        for entry in entries
        if isinstance(entry, dict)
    }
    assert not (run | blacklisted) & _BANDIT_SKIPPED
    assert {"B113", "B613"} <= run and {"B301", "B311"} <= blacklisted


def test_bandit_runs_on_the_tree_assay_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    # issue 19: Bandit visits assay's tree instead of parsing the file a second time
    import ast

    from assay.config import Settings
    from assay.rules._context import Context
    from assay.rules.security._bandit import bandit_issues

    source = "import requests\n\ndef fetch(url):\n    return requests.get(url)\n"
    ctx = Context(path="snippet.py", source=source, tree=ast.parse(source), settings=Settings())

    parsed: list[object] = []
    real_parse = ast.parse

    def counting_parse(*args: Any, **kwargs: Any) -> ast.Module:
        parsed.append(args)
        return real_parse(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(ast, "parse", counting_parse)
        issues = bandit_issues(ctx)
    assert parsed == []
    assert [issue.test_id for issue in issues] == ["B113"]


def test_a_file_without_nosec_is_not_tokenized_for_nosec_marks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tokenize

    from assay.rules.security._bandit import _nosec_lines

    tokenized: list[object] = []
    real = tokenize.generate_tokens

    def counting(*args: Any, **kwargs: Any) -> Any:
        tokenized.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(tokenize, "generate_tokens", counting)
    assert _nosec_lines("import subprocess  # no marks here\n") == {}
    assert tokenized == []
    assert _nosec_lines("x = 1  # nosec B101\n") == {1: {"B101"}}


def test_a_file_without_nosec_gets_bandit_s_own_results_without_its_nosec_walk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Bandit walks every line of a node's range for a `# nosec` on every test of every node;
    # in a file without one assay skips that walk, and the results must stay Bandit's own.
    import ast

    from bandit.core import config, manager, utils

    from assay.config import Settings
    from assay.rules._context import Context
    from assay.rules.security._bandit import _BANDIT_SKIPPED, bandit_issues

    table = "".join(f"        '{index}',\n" for index in range(50))
    source = (
        "import hashlib\nimport subprocess\n\n\ndef run(cmd, data):\n"
        f"    subprocess.call(cmd, shell=True)\n    table = [\n{table}    ]\n"
        "    password = 'hunter2'\n    return hashlib.md5(data), table, password\n"
    )
    file = tmp_path / "snippet.py"
    file.write_text(source, encoding="utf-8")
    own = manager.BanditManager(config.BanditConfig(), "file")
    own.discover_files([str(file)])
    own.run_tests()
    expected = sorted(
        (issue.test_id, issue.lineno)
        for issue in own.get_issue_list()
        if issue.test_id not in _BANDIT_SKIPPED
    )
    walks: list[object] = []
    real = utils.get_nosec

    def counting(*args: Any) -> Any:
        walks.append(args)
        return real(*args)

    monkeypatch.setattr(utils, "get_nosec", counting)
    ctx = Context(path="snippet.py", source=source, tree=ast.parse(source), settings=Settings())
    assert sorted((issue.test_id, issue.line) for issue in bandit_issues(ctx)) == expected
    assert {"B602", "B324", "B105"} <= {test_id for test_id, _ in expected}
    assert walks == []
    marked = source.replace("shell=True)", "shell=True)  # nosec B602")
    ctx = Context(path="snippet.py", source=marked, tree=ast.parse(marked), settings=Settings())
    assert "B602" not in {issue.test_id for issue in bandit_issues(ctx)}
    assert walks


def test_bandit_leaves_no_parent_links_in_assays_tree() -> None:
    import ast

    from assay.config import Settings
    from assay.rules._context import Context
    from assay.rules.security._bandit import bandit_issues

    source = "import requests\n\ndef fetch(url):\n    return requests.get(url)\n"
    ctx = Context(path="snippet.py", source=source, tree=ast.parse(source), settings=Settings())
    assert bandit_issues(ctx)
    assert not [node for node in ast.walk(ctx.tree) if hasattr(node, "_bandit_parent")]


_ACROSS_FUNCTIONS = """import subprocess
from flask import Flask, request

app = Flask(__name__)


def archive_command(name):
    return "tar czf /backups/" + name + ".tgz /srv/data"


class Backup:
    def __init__(self, name):
        self.command = archive_command(name)

    def run(self):
        return subprocess.run(self.command, shell=True, check=False)


@app.post("/backup")
def backup():
    return str(Backup(request.form["name"]).run())
"""


def test_taint_path_through_a_helper_and_an_attribute_is_evidence_and_a_code_flow() -> None:
    from assay.report.sarif import sarif_dict

    report = assay.check_source(
        _ACROSS_FUNCTIONS, select=["AS302"], name="backup.py", offline=True, dynamic=False
    )
    (finding,) = report.findings
    # inside the class the name is a parameter of __init__; the path names each hop
    assert finding.evidence["via"] == ["archive_command() (line 13)", "self.command (line 13)"]
    (result,) = sarif_dict(report)["runs"][0]["results"]
    (flow,) = result["codeFlows"]
    lines = [
        step["location"]["physicalLocation"]["region"]["startLine"]
        for step in flow["threadFlows"][0]["locations"]
    ]
    assert lines == [12, 13, 13, 16]


def test_new_web_rules_stay_silent_on_a_careful_app() -> None:
    source = (FIXTURES.parent.parent / "corpus" / "security" / "admin_tools_clean.py").read_text(
        encoding="utf-8"
    )
    assert _findings(source, ["security"]) == []
