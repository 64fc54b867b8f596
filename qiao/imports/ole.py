"""A sanity check of OLE2 (Compound File Binary) containers before calamine opens them.

xls files, and xlsx files saved with a password, are OLE2 containers: a FAT-like table of sector
chains and a directory of named streams. calamine 0.37 follows the chains without looking for
cycles and sizes its buffers from the header, so a damaged file can make it allocate without end
and take the whole process down (found by fuzzing: a few changed bytes in a 5 KB xls led to a
4 GiB allocation and an abort). This module reads the same structures in Python, with every
index bounded and every chain checked for cycles, and raises Damaged instead.

Format: [MS-CFB], https://learn.microsoft.com/openspecs/windows_protocols/ms-cfb.
"""

from __future__ import annotations

import struct

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN = 0xFFFFFFFE
_MAX_SECTOR = 0xFFFFFFFA  # larger numbers are markers (free, end of chain, FAT, DIFAT)
_STORAGE, _STREAM, _ROOT = 1, 2, 5


class Damaged(ValueError):
    """The container is not well formed."""


def _u32s(block: bytes) -> tuple[int, ...]:
    return struct.unpack(f"<{len(block) // 4}I", block[: len(block) // 4 * 4])


def open_container(data: bytes, read: tuple[str, ...] = ()) -> tuple[set[str], dict[str, bytes]]:
    """The names of the streams and storages in an OLE2 container ("Workbook", "EncryptedPackage"
    …) and the content of the streams named in `read`, after checking that every sector chain
    stays inside the file and ends; else Damaged."""
    if len(data) < 512 or not data.startswith(MAGIC):
        raise Damaged("no OLE2 header")
    major, shift, mini_shift = struct.unpack_from("<H2xHH", data, 0x1A)
    if (major, shift) not in ((3, 9), (4, 12)) or mini_shift != 6:
        raise Damaged("unknown version or sector size")
    size = 1 << shift
    (dir_len, fat_len, dir_start, _, cutoff, minifat_start, minifat_len, difat_start, difat_len) = struct.unpack_from(
        "<9I", data, 0x28
    )
    sectors = (len(data) - size + size - 1) // size
    if max(dir_len, fat_len, minifat_len, difat_len) > sectors:
        raise Damaged("header counts more sectors than the file holds")

    def sector(number: int) -> bytes:
        if number >= sectors:
            raise Damaged("sector number outside the file")
        return data[(number + 1) * size : (number + 2) * size].ljust(size, b"\0")

    def chain(start: int, table: tuple[int, ...], length: int) -> list[int]:
        """Sector numbers from `start` to the end of chain: bounded, without cycles."""
        numbers, seen = [], set()
        while start != _END_OF_CHAIN:
            if start > _MAX_SECTOR or start >= min(len(table), length) or start in seen:
                raise Damaged("broken or cyclic sector chain")
            seen.add(start)
            numbers.append(start)
            start = table[start]
        return numbers

    # The FAT's own sectors are listed in the header (109 entries) and then in DIFAT sectors.
    difat = list(_u32s(data[0x4C:0x200]))
    number, seen = difat_start, set()
    for _ in range(difat_len):
        if number in seen:
            raise Damaged("cyclic DIFAT")
        seen.add(number)
        entries = _u32s(sector(number))
        difat += entries[:-1]
        number = entries[-1]
    fat_sectors = [entry for entry in difat if entry <= _MAX_SECTOR][:fat_len]
    if len(fat_sectors) < fat_len:
        raise Damaged("FAT sectors missing")
    fat = _u32s(b"".join(sector(number) for number in fat_sectors))
    minifat = _u32s(b"".join(sector(n) for n in chain(minifat_start, fat, sectors))) if minifat_len else ()

    names: set[str] = set()
    directory = b"".join(sector(number) for number in chain(dir_start, fat, sectors))
    mini_stream = b""
    wanted: dict[str, bytes] = {}
    for offset in range(0, len(directory), 128):
        entry = directory[offset : offset + 128]
        kind = entry[0x42]
        if kind not in (_STORAGE, _STREAM, _ROOT):
            continue
        name_length = min(struct.unpack_from("<H", entry, 0x40)[0], 64)
        name = entry[: max(name_length - 2, 0)].decode("utf-16-le", "replace")
        names.add(name)
        start = struct.unpack_from("<I", entry, 0x74)[0]
        length = struct.unpack_from("<I" if major == 3 else "<Q", entry, 0x78)[0]
        if kind == _STORAGE or length == 0:
            continue
        if length > len(data):
            raise Damaged("stream larger than the file")
        if kind == _ROOT:  # the root's stream holds the small streams, in 64-byte mini sectors
            mini_stream = b"".join(sector(number) for number in chain(start, fat, sectors))
        elif length < cutoff:
            numbers = chain(start, minifat, len(mini_stream) // 64)
            content = b"".join(mini_stream[n * 64 : n * 64 + 64] for n in numbers)
        else:
            content = b"".join(sector(number) for number in chain(start, fat, sectors))
        if kind == _STREAM and name in read:
            wanted[name] = content[:length]
    return names, wanted


def stream_names(data: bytes) -> set[str]:
    """The names of the streams and storages in an OLE2 container; Damaged if it is not sound."""
    return open_container(data)[0]
