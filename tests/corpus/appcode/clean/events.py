"""Wire format of the event bus: a version byte, a length, the JSON body, a checksum."""

from __future__ import annotations

import hashlib
import json
import struct
from datetime import datetime, timezone
from typing import NamedTuple

VERSION = 1
HEADER = struct.Struct(">BI")  # version (1 byte), body length (4 bytes, big-endian)
CHECKSUM_SIZE = 8


class Event(NamedTuple):
    kind: str
    entity_id: int
    occurred_at: datetime


def checksum(body: bytes) -> bytes:
    return hashlib.blake2b(body, digest_size=CHECKSUM_SIZE).digest()


def encode_event(event: Event) -> bytes:
    body = json.dumps(
        {
            "kind": event.kind,
            "entity_id": event.entity_id,
            "occurred_at": event.occurred_at.astimezone(timezone.utc).isoformat(),
        },
        separators=(",", ":"),
    ).encode("utf-8")
    return HEADER.pack(VERSION, len(body)) + body + checksum(body)


def read_header(frame: bytes) -> tuple[int, int]:
    """Version and body length of a frame; a frame shorter than its header is refused."""
    if len(frame) < HEADER.size:
        raise ValueError(f"frame of {len(frame)} bytes has no complete header")
    version, length = HEADER.unpack_from(frame)
    if version != VERSION:
        raise ValueError(f"unsupported frame version {version}")
    return version, length


def decode_body(frame: bytes) -> bytes:
    """The JSON body of a frame, after checking its length and checksum."""
    _, length = read_header(frame)
    end = HEADER.size + length
    if len(frame) != end + CHECKSUM_SIZE:
        raise ValueError("frame length does not match its header")
    body = frame[HEADER.size : end]
    if checksum(body) != frame[end:]:
        raise ValueError("checksum mismatch")
    return body


def decode_event(frame: bytes) -> Event:
    fields = json.loads(decode_body(frame))
    return Event(
        kind=str(fields["kind"]),
        entity_id=int(fields["entity_id"]),
        occurred_at=datetime.fromisoformat(fields["occurred_at"]),
    )


def is_recent(event: Event, now: datetime, *, max_age_seconds: float = 300.0) -> bool:
    return (now - event.occurred_at).total_seconds() <= max_age_seconds
