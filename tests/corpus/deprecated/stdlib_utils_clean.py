# These helpers cover timestamps, config parsing and archive extraction.
import configparser
import datetime
import tarfile
from collections.abc import Mapping


def now_stamp():
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


def read_config(path):
    parser = configparser.ConfigParser()
    parser.read(path)
    return parser


def unpack(archive_path, target):
    with tarfile.open(archive_path) as archive:
        archive.extractall(target, filter="data")


def is_mapping(value):
    return isinstance(value, Mapping)
