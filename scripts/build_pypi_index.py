"""Build ``src/assay/knowledge/data/pypi_index.json.gz``: the offline knowledge of real PyPI packages.

Usage (re-runnable; the output is deterministic for the same inputs)::

    pip download --no-deps pipreqs==0.5.0 -d /tmp/pipreqs
    pip download --no-deps --only-binary=:all: -d /tmp/wheels \
        pywavelets factory-boy grpcio-health-checking
    python scripts/build_pypi_index.py \
        --top /work/shared/data/pypi-top/top-pypi-packages-30-days.min.json.gz \
        --pipreqs /tmp/pipreqs/pipreqs-0.5.0-py3-none-any.whl --wheels /tmp/wheels

Inputs:

* ``--top``: hugovk/top-pypi-packages ``top-pypi-packages-30-days.min.json`` (gzipped or
  not): the 15,000 most downloaded PyPI projects of the last 30 days with their
  ``last_update`` date (derived from PyPI's public download statistics).
* ``--pipreqs``: the wheel of pipreqs (https://github.com/bndr/pipreqs, Apache License 2.0),
  whose ``pipreqs/mapping`` file is a hand-maintained list of ``import name:project`` lines
  (1,152 in 0.5.0). Every line is kept; when several projects provide one import name, the
  most downloaded one wins. The wheel's version, sha256 and licence go into the output.
* ``--wheels``: a directory of a *few* wheels (``pip download --no-deps``) of projects whose
  import names no other input knows; each one's ``top_level.txt`` (or file list) is read.
  Never a registry's list of names and never thousands of packages.
* the distributions installed in the interpreter running this script: each one's
  ``top_level.txt`` or ``RECORD`` gives its import names, which are recorded when they
  differ from the project name (``yaml`` -> ``PyYAML``).
* `CURATED`, below: well-known import-name != project-name cases that may not be installed
  where the script runs.
* `NAMESPACES`, below: namespace packages whose projects are named after their dotted module
  (``google-cloud-storage`` -> ``google.cloud.storage``); for every top project under one,
  the dotted module names it provides are derived from its name by that convention.

Output: ``{"source", "last_update", "built_from", "projects": [normalised names, most
downloaded first], "import_names": {import name: project}, "namespace_modules": {dotted
module: project}}``. Nothing is downloaded by the script itself.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.metadata
import json
import re
import sys
import zipfile
from pathlib import Path

OUTPUT = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "assay"
    / "knowledge"
    / "data"
    / "pypi_index.json.gz"
)

#: Import name -> PyPI project, for popular packages whose names differ.
CURATED: dict[str, str] = {
    "yaml": "pyyaml",
    "cv2": "opencv-python",
    "PIL": "pillow",
    "sklearn": "scikit-learn",
    "bs4": "beautifulsoup4",
    "dateutil": "python-dateutil",
    "dotenv": "python-dotenv",
    "jwt": "pyjwt",
    "magic": "python-magic",
    "docx": "python-docx",
    "pptx": "python-pptx",
    "serial": "pyserial",
    "usb": "pyusb",
    "Crypto": "pycryptodome",
    "Cryptodome": "pycryptodomex",
    "OpenSSL": "pyopenssl",
    "skimage": "scikit-image",
    "google": "protobuf",
    "grpc": "grpcio",
    "attr": "attrs",
    "dns": "dnspython",
    "git": "gitpython",
    "github": "pygithub",
    "gitlab": "python-gitlab",
    "telegram": "python-telegram-bot",
    "discord": "discord-py",
    "slack_sdk": "slack-sdk",
    "slack": "slackclient",
    "zmq": "pyzmq",
    "MySQLdb": "mysqlclient",
    "pymysql": "pymysql",
    "psycopg2": "psycopg2-binary",
    "psycopg": "psycopg",
    "ldap": "python-ldap",
    "Levenshtein": "levenshtein",
    "fitz": "pymupdf",
    "PyPDF2": "pypdf2",
    "pypdf": "pypdf",
    "win32api": "pywin32",
    "win32con": "pywin32",
    "win32com": "pywin32",
    "pythoncom": "pywin32",
    "pywintypes": "pywin32",
    "wx": "wxpython",
    "gi": "pygobject",
    "cairo": "pycairo",
    "OpenGL": "pyopengl",
    "pkg_resources": "setuptools",
    "_pytest": "pytest",
    "sentry_sdk": "sentry-sdk",
    "google_auth_oauthlib": "google-auth-oauthlib",
    "googleapiclient": "google-api-python-client",
    "apiclient": "google-api-python-client",
    "oauth2client": "oauth2client",
    "lxml": "lxml",
    "markdown": "markdown",
    "mpl_toolkits": "matplotlib",
    "Bio": "biopython",
    "nacl": "pynacl",
    "kafka": "kafka-python",
    "confluent_kafka": "confluent-kafka",
    "faiss": "faiss-cpu",
    "tensorflow": "tensorflow",
    "tf_keras": "tf-keras",
    "torch": "torch",
    "torchvision": "torchvision",
    "jose": "python-jose",
    "multipart": "python-multipart",
    "socketio": "python-socketio",
    "engineio": "python-engineio",
    "websocket": "websocket-client",
    "websockets": "websockets",
    "Xlib": "python-xlib",
    "xdist": "pytest-xdist",
    "pytest_asyncio": "pytest-asyncio",
    "pytest_cov": "pytest-cov",
    "pytest_mock": "pytest-mock",
    "typing_extensions": "typing-extensions",
    "ruamel": "ruamel-yaml",
    "jinja2": "jinja2",
    "markupsafe": "markupsafe",
    "snappy": "python-snappy",
    "rapidjson": "python-rapidjson",
    "sqlalchemy_utils": "sqlalchemy-utils",
    "flask_sqlalchemy": "flask-sqlalchemy",
    "flask_cors": "flask-cors",
    "flask_login": "flask-login",
    "flask_wtf": "flask-wtf",
    "flask_migrate": "flask-migrate",
    "flask_restful": "flask-restful",
    "rest_framework": "djangorestframework",
    "corsheaders": "django-cors-headers",
    "environ": "django-environ",
    "debug_toolbar": "django-debug-toolbar",
    "django_filters": "django-filter",
    "crispy_forms": "django-crispy-forms",
    "storages": "django-storages",
    "allauth": "django-allauth",
    "celery": "celery",
    "speech_recognition": "speechrecognition",
    "pyaudio": "pyaudio",
    "sounddevice": "sounddevice",
    "soundfile": "soundfile",
    "cx_Oracle": "cx-oracle",
    "oracledb": "oracledb",
    "pyodbc": "pyodbc",
    "sentencepiece": "sentencepiece",
    "sentence_transformers": "sentence-transformers",
    "huggingface_hub": "huggingface-hub",
    "llama_cpp": "llama-cpp-python",
    "openai": "openai",
    "anthropic": "anthropic",
    "langchain_community": "langchain-community",
    "langchain_core": "langchain-core",
    "langchain_openai": "langchain-openai",
    "google_genai": "google-genai",
    "genai": "google-generativeai",
    "vertexai": "google-cloud-aiplatform",
    "pydantic_settings": "pydantic-settings",
    "pydantic_core": "pydantic-core",
    "azure": "azure-core",
    "boto3": "boto3",
    "botocore": "botocore",
    "s3fs": "s3fs",
    "dask": "dask",
    "ujson": "ujson",
    "orjson": "orjson",
    "msgpack": "msgpack",
    "nltk": "nltk",
    "spacy": "spacy",
    "gensim": "gensim",
    "xgboost": "xgboost",
    "lightgbm": "lightgbm",
    "catboost": "catboost",
    "igraph": "igraph",
    "community": "python-louvain",
    "tree_sitter": "tree-sitter",
    "pygments": "pygments",
    "docutils": "docutils",
    "win32gui": "pywin32",
    "umap": "umap-learn",
    "hdbscan": "hdbscan",
    "shapely": "shapely",
    "osgeo": "gdal",
    "pyproj": "pyproj",
    "geopandas": "geopandas",
    "folium": "folium",
    "plotly": "plotly",
    "dash": "dash",
    "streamlit": "streamlit",
    "gradio": "gradio",
    "keras": "keras",
    "jax": "jax",
    "flax": "flax",
    "optax": "optax",
    "editdistance": "editdistance",
    "rapidfuzz": "rapidfuzz",
    "fuzzywuzzy": "fuzzywuzzy",
    "thefuzz": "thefuzz",
    "emoji": "emoji",
    "tqdm": "tqdm",
    "pyautogui": "pyautogui",
    "pynput": "pynput",
    "keyboard": "keyboard",
    "mouse": "mouse",
    "playwright": "playwright",
    "selenium": "selenium",
    "webdriver_manager": "webdriver-manager",
    "undetected_chromedriver": "undetected-chromedriver",
    "scrapy": "scrapy",
    "mechanize": "mechanize",
    "requests_html": "requests-html",
    "html2text": "html2text",
    "markdownify": "markdownify",
    "readability": "readability-lxml",
    "newspaper": "newspaper3k",
    "feedparser": "feedparser",
    "tweepy": "tweepy",
    "praw": "praw",
    "instaloader": "instaloader",
    "yt_dlp": "yt-dlp",
    "youtube_dl": "youtube-dl",
    "pytube": "pytube",
    "moviepy": "moviepy",
    "pydub": "pydub",
    "mutagen": "mutagen",
    "eyed3": "eyed3",
    "qrcode": "qrcode",
    "barcode": "python-barcode",
    "pyzbar": "pyzbar",
    "pytesseract": "pytesseract",
    "easyocr": "easyocr",
    "reportlab": "reportlab",
    "fpdf": "fpdf2",
    "pdfplumber": "pdfplumber",
    "pdfminer": "pdfminer-six",
    "camelot": "camelot-py",
    "tabula": "tabula-py",
    "openpyxl": "openpyxl",
    "xlrd": "xlrd",
    "xlsxwriter": "xlsxwriter",
    "odf": "odfpy",
    "pyexcel": "pyexcel",
}


#: Namespace package -> (prefix of its projects' normalised names, how the rest becomes modules).
#: "dotted": every dash of the rest is a package level (azure-storage-blob -> azure.storage.blob);
#: "one": the rest is one module, dashes as underscores and dropped (google-cloud-secret-manager
#: -> google.cloud.secret_manager and google.cloud.secretmanager); "cuda": NVIDIA's wheels,
#: whose ``-cuNN`` suffix names the CUDA version (nvidia-cudnn-cu12 -> nvidia.cudnn).
NAMESPACES: dict[str, tuple[str, str]] = {
    "google.cloud": ("google-cloud-", "one"),
    "azure": ("azure-", "dotted"),
    "sphinxcontrib": ("sphinxcontrib-", "one"),
    "nvidia": ("nvidia-", "cuda"),
    "jaraco": ("jaraco-", "one"),
    "zope": ("zope-", "one"),
    "backports": ("backports-", "one"),
}
PIPREQS_LICENCE = "Apache-2.0 (pipreqs, https://github.com/bndr/pipreqs)"


def normalize(name: str) -> str:
    """PEP 503 normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_import_names() -> dict[str, str]:
    """Import name -> project for installed distributions whose names differ."""
    mapping: dict[str, str] = {}
    for distribution in importlib.metadata.distributions():
        project = distribution.metadata["Name"]
        if not project:
            continue
        for top in _top_levels(distribution):
            if top.isidentifier() and normalize(top) != normalize(project):
                mapping.setdefault(top, normalize(project))
    return mapping


def _top_levels(distribution: importlib.metadata.Distribution) -> set[str]:
    text = distribution.read_text("top_level.txt")
    if text:
        return {line.strip() for line in text.splitlines() if line.strip()}
    tops: set[str] = set()
    for path in distribution.files or []:
        first = path.parts[0] if path.parts else ""
        if first.endswith((".dist-info", ".egg-info", ".data")) or first in {"..", "__pycache__"}:
            continue
        if len(path.parts) == 1:
            if path.suffix == ".py":
                tops.add(path.stem)
            elif path.suffix in {".so", ".pyd"}:
                tops.add(path.name.split(".")[0])
        else:
            tops.add(first)
    return tops


def pipreqs_mapping(wheel: Path, rank: dict[str, int]) -> dict[str, str]:
    """Import name -> project from pipreqs' ``mapping`` file (the most downloaded project wins)."""
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read("pipreqs/mapping").decode("utf-8")
    mapping: dict[str, str] = {}
    for line in text.splitlines():
        name, sep, project = line.strip().partition(":")
        if not sep or not name.isidentifier() or not project:
            continue
        project = normalize(project)
        held = mapping.get(name)
        if held is None or rank.get(project, len(rank) + 1) < rank.get(held, len(rank) + 1):
            mapping[name] = project
    return mapping


def wheel_import_names(directory: Path) -> dict[str, str]:
    """Import name -> project for the wheels in `directory` (their ``top_level.txt``)."""
    mapping: dict[str, str] = {}
    for wheel in sorted(directory.glob("*.whl")):
        project = normalize(wheel.name.split("-")[0])
        with zipfile.ZipFile(wheel) as archive:
            names = archive.namelist()
            top_level = [n for n in names if n.endswith(".dist-info/top_level.txt")]
            if top_level:
                tops = set(archive.read(top_level[0]).decode("utf-8").split())
            else:
                tops = {n.split("/")[0] for n in names if "/" in n and ".dist-info" not in n}
        for top in sorted(tops):
            if top.isidentifier() and normalize(top) != project:
                mapping.setdefault(top, project)
    return mapping


def namespace_modules(projects: list[str]) -> dict[str, str]:
    """Dotted module -> project for the projects of `NAMESPACES` (most downloaded wins)."""
    modules: dict[str, str] = {}
    for project in projects:  # most downloaded first, so setdefault keeps the popular one
        for namespace, (prefix, style) in NAMESPACES.items():
            if not project.startswith(prefix) or project == prefix.rstrip("-"):
                continue
            rest = project[len(prefix) :]
            if style == "cuda":
                rest = re.sub(r"-cu\d+.*$", "", rest)
                forms = [rest.replace("-", "_")]
            elif style == "dotted":
                forms = [rest.replace("-", "."), rest.replace("-", "_")]
            else:
                forms = [rest.replace("-", "_"), rest.replace("-", "")]
            for form in forms:
                dotted = f"{namespace}.{form}"
                if all(part.isidentifier() for part in dotted.split(".")):
                    modules.setdefault(dotted, project)
            modules.setdefault(namespace, project)
    return modules


def build(top_file: Path, pipreqs: Path | None, wheels: Path | None) -> dict[str, object]:
    """The index document for `top_file` plus pipreqs', wheel, installed and curated names."""
    opener = gzip.open if top_file.suffix == ".gz" else open
    with opener(top_file, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        data = json.load(handle)
    projects = list(dict.fromkeys(normalize(row["project"]) for row in data["rows"]))
    rank = {name: position for position, name in enumerate(projects)}
    built_from: dict[str, object] = {
        "installed_distributions": len(list(importlib.metadata.distributions())),
        "curated_import_names": len(CURATED),
        "python": sys.version.split()[0],
    }
    # Later sources win: pipreqs < wheels < installed < curated (the most direct evidence last).
    import_names: dict[str, str] = {}
    if pipreqs is not None:
        import_names.update(pipreqs_mapping(pipreqs, rank))
        built_from["pipreqs"] = {
            "wheel": pipreqs.name,
            "sha256": hashlib.sha256(pipreqs.read_bytes()).hexdigest(),
            "licence": PIPREQS_LICENCE,
        }
    if wheels is not None:
        from_wheels = wheel_import_names(wheels)
        import_names.update(from_wheels)
        built_from["wheels"] = sorted(p.name for p in wheels.glob("*.whl"))
    import_names.update(installed_import_names())
    import_names.update({name: normalize(project) for name, project in CURATED.items()})
    namespaces = namespace_modules(projects)
    for dotted, project in namespaces.items():
        if "." not in dotted:
            import_names.setdefault(dotted, project)
    return {
        "source": "hugovk/top-pypi-packages top-pypi-packages-30-days.min.json "
        f"({len(projects)} most downloaded PyPI projects, last 30 days)",
        "last_update": str(data["last_update"])[:10],
        "built_from": built_from,
        "licences": {"import_names from pipreqs' mapping": PIPREQS_LICENCE} if pipreqs else {},
        "projects": projects,
        "import_names": dict(sorted(import_names.items())),
        "namespace_modules": {k: v for k, v in sorted(namespaces.items()) if "." in k},
    }


def main(argv: list[str] | None = None) -> int:
    """Write the index; print a one-line summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=Path, required=True, help="top-pypi-packages JSON(.gz)")
    parser.add_argument("--pipreqs", type=Path, help="the pipreqs wheel (its mapping file)")
    parser.add_argument("--wheels", type=Path, help="a directory of a few wheels to read")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    document = build(args.top, args.pipreqs, args.wheels)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(document, separators=(",", ":"), sort_keys=True).encode("utf-8")
    # mtime=0 keeps the gzip bytes identical across runs with the same inputs.
    args.output.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))
    print(
        f"wrote {args.output}: {len(document['projects'])} projects "  # type: ignore[arg-type]
        f"(data of {document['last_update']}), "
        f"{len(document['import_names'])} import names, "  # type: ignore[arg-type]
        f"{len(document['namespace_modules'])} namespace modules"  # type: ignore[arg-type]
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
