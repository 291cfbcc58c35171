"""Deprecations mined statically from an installed distribution, cached per version."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from assay.knowledge import mined
from assay.knowledge.deprecations import message_facts
from assay.knowledge.mined import mine, mined_entry, mined_for

_FILES = {
    "kn_fake/__init__.py": '''
        """A fake library with every deprecation form the miner reads."""
        import warnings

        from ._expired import __expired__

        _moved = {"old_name": "Use `kn_fake.new_name` instead."}


        def __getattr__(attr):
            if attr == "legacy":
                warnings.warn("`legacy` is deprecated since 2.1; use `modern`.", FutureWarning)
                return 1
            if attr in __expired__:
                raise AttributeError(f"`kn_fake.{attr}` was removed in kn_fake 2.0. {__expired__[attr]}")
            if attr in _moved:
                warnings.warn(_moved[attr], DeprecationWarning)
                return 2
            raise AttributeError(attr)
    ''',
    "kn_fake/_expired.py": """
        __expired__ = {"Inf": "Use `kn_fake.inf` instead.", "cast": "Use `kn_fake.asarray`."}
    """,
    "kn_fake/errors.py": """
        class FakeDeprecationWarning(DeprecationWarning):
            pass


        class Fake4Warning(FakeDeprecationWarning):
            pass
    """,
    "kn_fake/api.py": '''
        import warnings

        import deprecation
        from typing import overload

        from .errors import Fake4Warning


        @deprecation.deprecated(deprecated_in="1.0", removed_in="3.0", details="Use fetch instead")
        def get(url):
            return url


        def old_sum(values):
            """Add values.

            .. deprecated:: 1.2
               Use :func:`sum`.
            """
            return sum(values)


        def entry_warns(x):
            """Doc."""
            warnings.warn("entry_warns is deprecated and will be removed in 4.0", Fake4Warning)
            return x


        def conditional(x, old=None):
            if old is not None:
                warnings.warn("old= is deprecated", DeprecationWarning)
            return x


        class Model:
            def fit(self):
                return self

            @deprecated("3.8", alternative="Model.fit")
            def train(self):
                return self.fit()


        @overload
        def maybe(x: int) -> int: ...
        @overload
        def maybe(x: str) -> str: ...
        def maybe(x):
            return x
    ''',
    "kn_fake/old_path.py": '''
        """This module is deprecated and will be removed in kn_fake 3.0; use kn_fake.api."""
        from kn_fake._helpers import _sub_module_deprecation

        __all__ = ["get", "old_sum"]


        def __getattr__(name):
            return _sub_module_deprecation(module="old_path", attribute=name)
    ''',
    "kn_fake/tests/test_api.py": """
        import warnings


        def test_x():
            warnings.warn("deprecated in tests", DeprecationWarning)
    """,
}


@pytest.fixture
def fake_distribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    site = tmp_path / "site"
    for name, text in _FILES.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    info = site / "kn_fake-2.4.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: kn-fake\nVersion: 2.4\n")
    record = [f"{name},," for name in _FILES] + ["kn_fake-2.4.dist-info/METADATA,,"]
    (info / "RECORD").write_text("\n".join(record) + "\n")
    (info / "top_level.txt").write_text("kn_fake\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("ASSAY_CACHE_DIR", str(tmp_path / "cache"))
    mined_for.cache_clear()
    mined._distributions.cache_clear()
    yield site
    mined_for.cache_clear()
    mined._distributions.cache_clear()


def test_mines_decorators_directives_entry_warnings_and_shims(fake_distribution: Path) -> None:
    index = mine("kn-fake")
    assert index is not None and index.version == "2.4"
    entries = index.entries
    get = entries["kn_fake.api.get"]
    assert (get.since, get.removed_in, get.replacement) == ("1.0", "3.0", "fetch")
    assert get.message == "Use fetch instead" and get.how == "@deprecation.deprecated"
    assert entries["kn_fake.api.old_sum"].since == "1.2"
    warns = entries["kn_fake.api.entry_warns"]
    assert warns.removed_in == "4.0" and "Fake4Warning" in index.categories
    train = entries["kn_fake.api.Model.train"]
    assert (train.since, train.replacement) == ("3.8", "Model.fit")
    legacy = entries["kn_fake.legacy"]
    assert (legacy.status, legacy.since, legacy.replacement) == ("deprecated", "2.1", "modern")
    inf = entries["kn_fake.Inf"]
    assert (inf.status, inf.removed_in, inf.replacement) == ("removed", "2.0", "kn_fake.inf")
    assert inf.message == "`kn_fake.Inf` was removed in kn_fake 2.0. Use `kn_fake.inf` instead."
    assert entries["kn_fake.old_name"].replacement == "kn_fake.new_name"
    shim = entries["kn_fake.old_path.get"]
    assert shim.removed_in == "3.0" and "kn_fake.old_path.old_sum" in entries
    # Not deprecations of the API: a conditional warning about an argument, overloads, tests.
    assert "kn_fake.api.conditional" not in entries
    assert "kn_fake.api.maybe" not in entries and "kn_fake.api.Model.fit" not in entries
    assert not any(symbol.startswith("kn_fake.tests") for symbol in entries)


def test_index_is_cached_per_version(
    fake_distribution: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = mined_for("kn-fake")
    assert first is not None
    assert (tmp_path / "cache" / "deprecations" / "kn-fake-2.4.json").is_file()
    mined_for.cache_clear()

    def refuse(distribution: str) -> None:
        raise AssertionError(f"{distribution} should come from the cache")

    monkeypatch.setattr(mined, "mine", refuse)
    again = mined_for("kn-fake")
    assert again is not None and again.entries == first.entries


def test_entry_lookup_by_symbol(fake_distribution: Path) -> None:
    found = mined_entry("kn_fake.cast")
    assert found is not None and found.status == "removed"
    assert mined_entry("kn_fake.api.fit") is None
    assert mined_entry("not_installed_anywhere.x") is None


def test_not_installed_distribution_is_none() -> None:
    assert mine("kn-not-installed") is None


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        (
            "deprecated since 1.4 and will be removed in 1.6. Use `fit_transform` instead.",
            ("1.4", "1.6", "fit_transform"),
        ),
        (
            "`np.NaN` was removed in the NumPy 2.0 release. Use `np.nan` instead.",
            (None, "2.0", "np.nan"),
        ),
        (
            "The function was deprecated in Matplotlib 3.8 in favor of pyplot.subplots",
            ("3.8", None, "pyplot.subplots"),
        ),
        ("This is deprecated.", (None, None, None)),
    ],
)
def test_message_facts(text: str, facts: tuple[str | None, str | None, str | None]) -> None:
    assert message_facts(text) == facts
