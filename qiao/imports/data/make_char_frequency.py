"""Build char_frequency.txt, the list of common Chinese characters that `readers.detect_encoding`
uses to choose between GB18030 and Big5.

Source: jieba's dictionary (dict.txt, MIT licence, 349,046 words with corpus frequencies). A
character's weight is the sum of the frequencies of the words it appears in. Traditional forms
get the weight of their Simplified form: every character that Big5 (cp950) or GBK can encode is
converted with OpenCC t2s and looked up, so 陳, 髮 and 後 count like 陈, 发 and 后.

The output has one line per band of characters, most frequent first: band 1 holds the 1,000
most frequent Simplified characters and their Traditional forms, band 2 the next 2,000, band 3
the next 3,000. Rerun after upgrading jieba or OpenCC (the list changes little):

    .venv/bin/python qiao/imports/data/make_char_frequency.py
"""

from __future__ import annotations

import collections
import contextlib
import pathlib

import jieba
import opencc

BANDS = (1000, 2000, 3000)
OUT = pathlib.Path(__file__).with_name("char_frequency.txt")


def _encodable(codec: str) -> set[str]:
    chars = set()
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((lead, trail)).decode(codec))
    return {ch for ch in chars if len(ch) == 1 and "\u3400" <= ch <= "\u9fff"}


def main() -> None:
    weights: collections.Counter[str] = collections.Counter()
    dictionary = pathlib.Path(jieba.__file__).with_name("dict.txt")
    for line in dictionary.read_text(encoding="utf-8").splitlines():
        word, freq = line.split(" ")[:2]
        for ch in word:
            if "\u3400" <= ch <= "\u9fff":
                weights[ch] += int(freq)
    ranked = [ch for ch, _ in weights.most_common()]
    band_of: dict[str, int] = {}
    start = 0
    for band, size in enumerate(BANDS, start=1):
        for ch in ranked[start : start + size]:
            band_of[ch] = band
        start += size
    t2s = opencc.OpenCC("t2s")
    lines: list[list[str]] = [[] for _ in BANDS]
    for ch in sorted(_encodable("cp950") | _encodable("gbk") | set(band_of)):
        band = band_of.get(ch) or band_of.get(t2s.convert(ch))
        if band:
            lines[band - 1].append(ch)
    header = (
        "# Common Chinese characters in bands (1 = most frequent), "
        "made by make_char_frequency.py from jieba's dict.txt (MIT)\n"
    )
    OUT.write_text(header + "".join("".join(chars) + "\n" for chars in lines), encoding="utf-8")
    print(OUT, [len(chars) for chars in lines])


if __name__ == "__main__":
    main()
