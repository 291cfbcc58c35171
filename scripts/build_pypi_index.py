"""Build ``src/assay/knowledge/data/pypi_index.json.gz``: the offline knowledge of real PyPI packages.

Usage (re-runnable; the output is deterministic for the same inputs)::

    python scripts/build_pypi_index.py \
        --top /work/shared/data/pypi-top/top-pypi-packages-30-days.min.json.gz

Inputs:

* ``--top``: hugovk/top-pypi-packages ``top-pypi-packages-30-days.min.json`` (gzipped or
  not): the 15,000 most downloaded PyPI projects of the last 30 days with their
  ``last_update`` date (derived from PyPI's public download statistics).
* the distributions installed in the interpreter running this script: each one's
  ``top_level.txt`` or ``RECORD`` gives its import names, which are recorded when they
  differ from the project name (``yaml`` -> ``PyYAML``).
* `CURATED`, below: well-known import-name != project-name cases that may not be installed
  where the script runs.

Output: ``{"source", "last_update", "built_from", "projects": [normalised names, most
downloaded first], "import_names": {import name: project}}``. Nothing is downloaded: the
script never asks a registry for its list of names.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.metadata
import json
import re
import sys
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


def build(top_file: Path) -> dict[str, object]:
    """The index document for `top_file` plus installed and curated import names."""
    opener = gzip.open if top_file.suffix == ".gz" else open
    with opener(top_file, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        data = json.load(handle)
    projects = list(dict.fromkeys(normalize(row["project"]) for row in data["rows"]))
    import_names = installed_import_names()
    import_names.update({name: normalize(project) for name, project in CURATED.items()})
    return {
        "source": "hugovk/top-pypi-packages top-pypi-packages-30-days.min.json "
        f"({len(projects)} most downloaded PyPI projects, last 30 days)",
        "last_update": str(data["last_update"])[:10],
        "built_from": {
            "installed_distributions": len(list(importlib.metadata.distributions())),
            "curated_import_names": len(CURATED),
            "python": sys.version.split()[0],
        },
        "projects": projects,
        "import_names": dict(sorted(import_names.items())),
    }


def main(argv: list[str] | None = None) -> int:
    """Write the index; print a one-line summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=Path, required=True, help="top-pypi-packages JSON(.gz)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    document = build(args.top)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(document, separators=(",", ":"), sort_keys=True).encode("utf-8")
    # mtime=0 keeps the gzip bytes identical across runs with the same inputs.
    args.output.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))
    print(
        f"wrote {args.output}: {len(document['projects'])} projects "  # type: ignore[arg-type]
        f"(data of {document['last_update']}), "
        f"{len(document['import_names'])} import names"  # type: ignore[arg-type]
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
