"""Zip archives written byte by byte, so that a test can make one that lies: a member whose sizes, CRC,
compression method, flags or name are whatever the test says, and a deflate stream of gigabytes of
zeros made in milliseconds.

Each member is written as a local header, its data as given (already compressed), then the central
directory and its end record (no ZIP64: every size is below 4 GiB).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

STORED, DEFLATED = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED
MIB = 1 << 20


@dataclass(frozen=True)
class Member:
    name: str
    data: bytes  # as it stands in the archive: compressed already when ``method`` says so
    method: int = STORED
    size: int | None = None  # declared unpacked size; len(data) when None
    crc: int | None = None  # declared CRC-32; that of data when None
    flags: int = 0x800  # bit 11: the name is UTF-8

    def header(self) -> tuple[int, int, int, int, int]:
        """flags, method, CRC, packed size, unpacked size."""
        size = len(self.data) if self.size is None else self.size
        crc = zlib.crc32(self.data) if self.crc is None else self.crc
        return self.flags, self.method, crc, len(self.data), size


def stored(name: str, data: bytes) -> Member:
    return Member(name, data)


def deflated(name: str, data: bytes) -> Member:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Member(name, packer.compress(data) + packer.flush(), DEFLATED, len(data), zlib.crc32(data))


def zeros(name: str, mib: int) -> Member:
    """``mib`` MiB of zeros, deflated: the stream of one MiB, flushed to a byte boundary, repeated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = packer.compress(bytes(MIB)) + packer.flush(zlib.Z_FULL_FLUSH)
    return Member(name, one * mib + packer.flush(), DEFLATED, mib * MIB, _zeros_crc(mib))


@cache
def _zeros_crc(mib: int) -> int:
    crc, block = 0, bytes(MIB)
    for _ in range(mib):
        crc = zlib.crc32(block, crc)
    return crc


def archive(members: list[Member]) -> bytes:
    out, central = bytearray(), bytearray()
    for member in members:
        name, offset = member.name.encode(), len(out)
        flags, method, crc, packed, size = member.header()
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, 0, 0x21, crc, packed, size, len(name), 0)
        out += name + member.data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            flags,
            method,
            0,
            0x21,
            crc,
            packed,
            size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + end)


def members_of(epub: Path) -> list[Member]:
    """The members of a real EPUB, stored, in their order."""
    with zipfile.ZipFile(epub) as z:
        return [stored(info.filename, z.read(info)) for info in z.infolist()]
