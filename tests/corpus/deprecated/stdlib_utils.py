# These helpers cover timestamps, config parsing and archive extraction.
import configparser
import datetime
import tarfile
from collections import Mapping


def now_stamp():
    return datetime.datetime.utcnow().isoformat()


def read_config(path):
    parser = configparser.SafeConfigParser()
    parser.read(path)
    return parser


def unpack(archive_path, target):
    with tarfile.open(archive_path) as archive:
        archive.extractall(target)


def is_mapping(value):
    return isinstance(value, Mapping)
