"""Read-only walk of a bbolt database file (the format containerd keeps its metadata in).

Enough of the format to list a bucket's keys and values: the two meta pages (the valid one
with the highest transaction id names the root bucket), branch and leaf pages, overflow
pages, nested and inline buckets. The file is read whole, once (a snapshotter's metadata.db
is a few hundred KiB), so a database being written meanwhile is seen at one moment.
Any inconsistency raises BoltError: callers then ask containerd another way.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

MAGIC = 0xED0CDAED
PAGE_HEADER = struct.Struct("<QHHI")  # id, flags, count, overflow
META = struct.Struct("<IIIIQQQQQ")  # magic, version, page size, flags, root, sequence,
#                                    freelist, high water mark, txid (then a checksum)
BRANCH_ELEMENT = struct.Struct("<IIQ")  # pos, key size, child page
LEAF_ELEMENT = struct.Struct("<IIII")  # flags, pos, key size, value size
BUCKET_HEADER = struct.Struct("<QQ")  # root page (0: inline), sequence
BRANCH, LEAF, META_PAGE = 0x01, 0x02, 0x04
BUCKET_FLAG = 0x01  # a leaf element whose value is a bucket
MAX_DEPTH = 64  # a B+tree is shallow; deeper means a corrupt or changing file


class BoltError(ValueError):
    """The file is not a bbolt database, or not one we can read consistently."""


class Bucket:
    """A bucket: its keys, values and sub-buckets (read from `data`, the whole file)."""

    def __init__(self, db: BoltDB, root: int, inline: bytes = b"") -> None:
        self.db, self.root, self.inline = db, root, inline

    def items(self) -> Iterator[tuple[bytes, bytes, bool]]:
        """(key, value, is_bucket) for every element, in key order."""
        if self.root == 0:
            yield from self.db.leaf_items(self.inline, 0)
        else:
            yield from self.db.page_items(self.root, 0)

    def get(self, key: bytes) -> bytes | None:
        return next((value for k, value, nested in self.items() if k == key and not nested),
                    None)

    def bucket(self, key: bytes) -> Bucket | None:
        value = next((v for k, v, nested in self.items() if k == key and nested), None)
        return None if value is None else self.db.bucket_of(value)

    def buckets(self) -> Iterator[tuple[bytes, Bucket]]:
        for key, value, nested in self.items():
            if nested:
                yield key, self.db.bucket_of(value)


class BoltDB:
    """A whole bbolt file in memory."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.page_size, root = _meta(data)
        self.root = Bucket(self, root)

    def bucket_of(self, value: bytes) -> Bucket:
        if len(value) < BUCKET_HEADER.size:
            raise BoltError("short bucket header")
        root, _ = BUCKET_HEADER.unpack_from(value)
        return Bucket(self, root, value[BUCKET_HEADER.size:] if root == 0 else b"")

    def page_items(self, page: int, depth: int) -> Iterator[tuple[bytes, bytes, bool]]:
        if depth > MAX_DEPTH or (page + 1) * self.page_size > len(self.data):
            raise BoltError(f"page {page} out of the file")
        offset = page * self.page_size
        _, flags, count, _ = PAGE_HEADER.unpack_from(self.data, offset)
        if flags & BRANCH:
            for index in range(count):
                at = offset + PAGE_HEADER.size + index * BRANCH_ELEMENT.size
                yield from self.page_items(BRANCH_ELEMENT.unpack_from(self.data, at)[2],
                                           depth + 1)
        elif flags & LEAF:
            yield from self.leaf_items(self.data, offset)
        else:
            raise BoltError(f"page {page} is neither a branch nor a leaf")

    def leaf_items(self, data: bytes, offset: int) -> Iterator[tuple[bytes, bytes, bool]]:
        """The elements of the leaf page starting at `offset` in `data` (an inline bucket's
        page is inside its parent's value)."""
        _, flags, count, _ = PAGE_HEADER.unpack_from(data, offset)
        if count and not flags & LEAF:
            raise BoltError("not a leaf page")
        for index in range(count):
            at = offset + PAGE_HEADER.size + index * LEAF_ELEMENT.size
            element_flags, pos, key_size, value_size = LEAF_ELEMENT.unpack_from(data, at)
            start = at + pos
            key = data[start:start + key_size]
            value = data[start + key_size:start + key_size + value_size]
            if len(value) != value_size:
                raise BoltError("element out of its page")
            yield key, value, bool(element_flags & BUCKET_FLAG)


def _meta(data: bytes) -> tuple[int, int]:
    """(page size, root bucket page) from the valid meta page with the highest txid."""
    if len(data) < PAGE_HEADER.size + META.size:
        raise BoltError("too short for a bbolt file")
    first = _meta_at(data, 0)
    page_size = first[0] if first else 4096
    found = [meta for meta in (first, _meta_at(data, page_size)) if meta]
    if not found:
        raise BoltError("no valid meta page")
    page_size, root, _ = max(found, key=lambda meta: meta[2])
    return page_size, root


def _meta_at(data: bytes, offset: int) -> tuple[int, int, int] | None:
    """(page size, root, txid) of the meta page at `offset`, None if it is not valid."""
    end = offset + PAGE_HEADER.size + META.size + 8
    if end > len(data):
        return None
    _, flags, _, _ = PAGE_HEADER.unpack_from(data, offset)
    fields = META.unpack_from(data, offset + PAGE_HEADER.size)
    magic, _version, page_size, _flags, root, _seq, _freelist, _hwm, txid = fields
    checksum = struct.unpack_from("<Q", data, end - 8)[0]
    if not flags & META_PAGE or magic != MAGIC or checksum != _fnv64a(
            data[offset + PAGE_HEADER.size:end - 8]):
        return None
    return page_size, root, txid


def _fnv64a(data: bytes) -> int:
    value = 0xCBF29CE484222325
    for byte in data:
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return value
