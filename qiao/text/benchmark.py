"""Throughput of name_keys on generated names: `python -m qiao.text.benchmark [COUNT]`.

The names mix the surname table (single and compound surnames, both scripts) with common given
name characters; two names in three carry a Latin name of two to four tokens.
"""

from __future__ import annotations

import random
import sys
import time

from .names import name_keys
from .surnames import known_surnames

GIVEN = (
    "伟偉华華国國强強丽麗红紅凤鳳东東军軍辉輝杰傑诗詩晓曉颖穎宝寶鹏鵬涛濤诚誠铭銘飞飛莲蓮莹瑩洁潔静靜"
    "爱愛兴興达達聪聰贤賢胜勝义義顺順荣榮贵貴宁寧广廣书書芳明文嘉慧燕志大小英敏家俊婷欣怡子玉美秀"
)
LATIN = ["chan", "tai", "man", "wong", "ka", "ming", "lee", "siu", "au", "yeung", "ho", "wai", "chi", "kwok"]


def generate(count: int, seed: int = 2024) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    surnames = known_surnames()
    names = []
    for _ in range(count):
        row = rng.choice(surnames)
        surname = rng.choice((row.traditional, row.simplified))
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        latin = " ".join(rng.choice(LATIN) for _ in range(rng.randint(2, 4))) if rng.random() < 2 / 3 else ""
        names.append((surname + given, latin))
    return names


def measure(count: int = 10_000) -> dict[str, float]:
    """Seconds and names per second for keying `count` generated names (after a warm-up)."""
    names = generate(count)
    name_keys(*names[0])  # loads OpenCC, pypinyin and ToJyutping
    started = time.perf_counter()
    keys = sum(len(name_keys(name, latin)) for name, latin in names)
    seconds = time.perf_counter() - started
    return {
        "names": count,
        "seconds": seconds,
        "names_per_second": count / seconds,
        "keys_per_name": keys / count,
    }


if __name__ == "__main__":
    result = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
    print(
        f"{result['names']} names in {result['seconds']:.2f} s: {result['names_per_second']:.0f} names/s, "
        f"{result['keys_per_name']:.1f} keys per name"
    )
