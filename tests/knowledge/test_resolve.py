"""The environment resolver: offline index, installed packages, API surfaces, index client.

The online path is exercised against a local PEP 691 server on 127.0.0.1, never the network.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import assay
from assay.config import Settings
from assay.knowledge.resolve import (
    ApiResolver,
    ClassDetail,
    IndexClient,
    closest_names,
    is_installed,
    normalize,
    offline_index,
    pip_index_url,
    signature_problems,
)

RECENT = (date.today() - timedelta(days=5)).isoformat()


class _Index(BaseHTTPRequestHandler):
    """A tiny PEP 691 index: `realpkg` is old and busy, `freshpkg` was published 5 days ago."""

    requests_seen: list[str] = []  # noqa: RUF012 - shared by the handler instances on purpose

    def do_GET(self) -> None:
        self.requests_seen.append(self.path)
        projects = {
            "/simple/realpkg/": ("2015-03-01T10:00:00Z", ["1.0", "2.0", "3.0"]),
            "/simple/freshpkg/": (f"{RECENT}T10:00:00Z", ["0.0.1"]),
            "/simple/longtail-py/": ("2016-03-01T10:00:00Z", ["1.0", "1.1", "2.0"]),
        }
        if self.path not in projects:
            self.send_error(404)
            return
        uploaded, versions = projects[self.path]
        body = json.dumps(
            {
                "meta": {"api-version": "1.1"},
                "name": self.path.split("/")[2],
                "versions": versions,
                "files": [
                    {"filename": "x.whl", "url": "x.whl", "hashes": {}, "upload-time": uploaded}
                ],
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.pypi.simple.v1+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def index_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Index)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Index.requests_seen = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/simple/"
    finally:
        server.shutdown()
        server.server_close()


def test_offline_index_has_real_names_and_import_mappings() -> None:
    index = offline_index()
    assert len(index.projects) >= 15_000
    assert index.last_update.startswith("20")
    assert index.distribution_for("yaml") == "pyyaml"
    assert index.distribution_for("sklearn") == "scikit-learn"
    assert index.distribution_for("PIL") == "pillow"
    assert index.distribution_for("requests") == "requests"
    assert index.distribution_for("flask_autodoc_gpt") is None


def test_normalize_and_closest_names() -> None:
    assert normalize("Foo_Bar.baz") == "foo-bar-baz"
    assert closest_names("splitall", ["split", "splitext", "join"], cutoff=0.6)[0] == "split"
    assert closest_names("read", ["read_text", "write"], cutoff=0.6) == ["read_text"]


def test_installed_is_found_without_importing() -> None:
    assert is_installed("pydantic")
    assert not is_installed("flask_autodoc_gpt")


def test_api_lookup_standard_library() -> None:
    resolver = ApiResolver()
    missing = resolver.lookup("os.path.splitall")
    assert missing.status == "missing"
    assert missing.missing == "os.path.splitall"
    assert missing.owner == "os.path"
    assert "split" in missing.closest
    assert resolver.lookup("os.path.join").status == "exists"
    assert resolver.lookup("xml.etree.ElementTree.fromstring").status == "exists"
    home = resolver.lookup("pathlib.Path.home")
    assert home.status == "exists" and home.signature == []


def test_api_lookup_unknown_module_is_unknown_not_missing() -> None:
    assert ApiResolver().lookup("flask_autodoc_gpt.App").status == "unknown"


def test_disk_cache_is_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSAY_CACHE_DIR", str(tmp_path))
    ApiResolver().prefetch(["json"])
    cached = list(tmp_path.glob("introspect/*/stdlib-*/json.json"))
    assert cached
    fresh = ApiResolver()

    def refuse(*_: object) -> None:
        raise AssertionError("the disk cache should have answered")

    monkeypatch.setattr(fresh, "_introspect", refuse)
    assert fresh.lookup("json.loads").status == "exists"


@pytest.mark.parametrize(
    ("positional", "keywords", "expected"),
    [
        (1, ["exist_ok"], []),
        (1, ["exists_ok"], ["unexpected keyword argument 'exists_ok'"]),
        (4, [], ["takes at most 3 positional argument(s) but 4 given"]),
        (0, [], ["missing required argument(s): name"]),
    ],
)
def test_signature_problems(positional: int, keywords: list[str], expected: list[str]) -> None:
    makedirs = [["name", 1, False], ["mode", 1, True], ["exist_ok", 1, True]]
    assert (
        signature_problems(
            makedirs,
            positional=positional,
            keywords=keywords,
            star_args=False,
            star_kwargs=False,
        )
        == expected
    )


def test_signature_problems_respect_star_and_positional_only() -> None:
    length = [["obj", 0, False]]
    assert signature_problems(
        length, positional=0, keywords=["obj"], star_args=False, star_kwargs=False
    )[0].startswith("'obj' is positional-only")
    assert (
        signature_problems(length, positional=0, keywords=[], star_args=True, star_kwargs=True)
        == []
    )
    method = [["self", 0, False], ["sep", 1, True]]
    assert (
        signature_problems(
            method, positional=1, keywords=[], star_args=False, star_kwargs=False, drop_first=True
        )
        == []
    )


def test_index_url_prefers_settings_then_pip_environment() -> None:
    assert pip_index_url(Settings(index_url="http://mirror/simple")) == "http://mirror/simple/"
    assert pip_index_url(Settings(), {"PIP_INDEX_URL": "http://corp/pypi"}) == "http://corp/pypi/"


def test_index_client_answers_and_caches(index_url: str) -> None:
    client = IndexClient(Settings(network_timeout=5), index_url=index_url)
    answers = client.lookup(["realpkg", "freshpkg", "ghost_pkg"])
    assert answers["realpkg"].exists is True
    assert answers["realpkg"].first_release == "2015-03-01"
    assert answers["realpkg"].releases == 3
    assert answers["freshpkg"].first_release == RECENT
    assert answers["ghost-pkg"].exists is False
    seen = len(_Index.requests_seen)
    again = IndexClient(Settings(network_timeout=5), index_url=index_url).lookup(["realpkg"])
    assert again["realpkg"].exists is True
    assert len(_Index.requests_seen) == seen, "a cached answer must not be asked again"


def test_index_client_unreachable_falls_back() -> None:
    client = IndexClient(Settings(network_timeout=1), index_url="http://127.0.0.1:9/simple/")
    answer = client.lookup(["whatever_pkg"])["whatever-pkg"]
    assert answer.exists is None and answer.error


def test_online_check_reports_slopsquat_shape_and_unknown(index_url: str) -> None:
    source = "import freshpkg\nimport realpkg\nimport ghost_pkg\n"
    settings = Settings(offline=False, index_url=index_url, network_timeout=5)
    report = assay.check_source(source, settings=settings, select=["AS101"], offline=False)
    by_line = {f.line: f for f in report.findings}
    assert set(by_line) == {1, 3}
    assert by_line[1].severity == assay.Severity.WARNING
    assert "slopsquatting" in by_line[1].message
    assert by_line[1].evidence["index_answer"]["first_release"] == RECENT
    assert by_line[3].severity == assay.Severity.ERROR
    assert index_url in by_line[3].evidence["checked"]


def test_online_absent_import_name_of_a_conventionally_named_project_is_a_warning(
    index_url: str,
) -> None:
    # `longtail` is not a project on the index, but `longtail-py` is (as absl-py provides absl).
    settings = Settings(offline=False, index_url=index_url, network_timeout=5)
    source = "import longtail\nimport ghost_pkg\n"
    report = assay.check_source(source, settings=settings, select=["AS101"], offline=False)
    by_line = {f.line: f for f in report.findings}
    assert by_line[1].severity == assay.Severity.WARNING
    assert by_line[1].evidence["project_with_similar_name"] == "longtail-py"
    assert by_line[1].message.startswith("cannot verify: `longtail` is not a project on ")
    assert by_line[2].severity == assay.Severity.ERROR
    assert by_line[2].evidence["verdict"] == "absent-from-index"


def test_index_that_does_not_answer_gives_a_warning_not_an_error() -> None:
    settings = Settings(offline=False, index_url="http://127.0.0.1:9/simple/", network_timeout=1)
    report = assay.check_source("import ghost_pkg_abc\n", settings=settings, select=["AS101"])
    (finding,) = report.findings
    assert finding.severity == assay.Severity.WARNING
    assert finding.message.startswith("cannot verify online: `ghost_pkg_abc`")
    assert "did not answer" in finding.message


_CLASSES = """
import abc


class Plain:
    def run(self, limit=1):
        return limit


class Child(Plain):
    def extra(self):
        return 2


class Items:
    def __getitem__(self, key):
        return key

    def __getattr__(self, name):
        if name.isidentifier():
            return self[name]
        return object.__getattribute__(self, name)


class Proxy:
    def __getattr__(self, name):
        return getattr(object(), name)


class FromKeywords:
    def __init__(self, **values):
        for key, value in values.items():
            setattr(self, key, value)


class Restores:
    def __setstate__(self, state):
        for key, value in state.items():
            setattr(self, key, value)

    def set_axis(self, axis, labels):
        setattr(self, axis, labels)


class Shape(abc.ABC):
    @abc.abstractmethod
    def area(self): ...
"""


def test_class_detail_says_why_instances_may_have_more_names(tmp_path: Path) -> None:
    (tmp_path / "kn_classes.py").write_text(_CLASSES, encoding="utf-8")
    resolver = ApiResolver(use_disk_cache=False)
    resolver._sys_path = [str(tmp_path), *resolver.sys_path]

    def detail(name: str) -> ClassDetail:
        found = resolver.class_detail("kn_classes", name)
        assert found is not None, name
        return found

    plain = detail("Plain")
    assert plain.dynamic == frozenset() and "extra" in plain.subclass_names
    assert plain.members["run"]["sig"] == [["self", 1, False], ["limit", 1, True]]
    items = detail("Items")
    assert items.dynamic == {"getattr-items"}
    assert items.hides(called=False) and not items.hides(called=True)
    assert detail("Proxy").dynamic == {"getattr"} and detail("Proxy").hides(called=True)
    assert detail("FromKeywords").dynamic == {"setattr-code"}
    assert detail("Restores").dynamic == frozenset()
    assert detail("Shape").dynamic == {"abstract"}
    assert resolver.class_detail("kn_classes", "Missing") is None


_PROXIES = """
class _Unbound:
    # Like werkzeug's LocalProxy outside a request (flask.request, flask.g): touching it raises.
    def __getattribute__(self, name):
        raise RuntimeError("Working outside of application context.")

    def __call__(self, *args):
        raise RuntimeError("Working outside of application context.")


request = _Unbound()


def handler(limit: int = 3) -> int:
    return limit
"""

_BROKEN = (
    "import kn_proxies\nraise_here = 1\n\ndef __getattr__(name):\n    raise SystemExit(name)\n"
)


def test_a_module_of_raising_proxies_is_described_and_loses_no_other_answer(
    tmp_path: Path,
) -> None:
    # A file importing flask and os once lost every os answer: describing flask raised in the
    # worker, which then wrote no answers at all.
    (tmp_path / "kn_proxies.py").write_text(_PROXIES, encoding="utf-8")
    (tmp_path / "kn_broken.py").write_text(_BROKEN, encoding="utf-8")
    resolver = ApiResolver(use_disk_cache=False)
    resolver._sys_path = [str(tmp_path), *resolver.sys_path]
    resolver.prefetch(["kn_proxies", "kn_broken", "os"])
    assert resolver.lookup("kn_proxies.request").status == "exists"
    assert resolver.lookup("kn_proxies.handler").status == "exists"
    assert resolver.lookup("os.makedirs").status == "exists"
    assert resolver.lookup("os.make_dirs").status == "missing"
