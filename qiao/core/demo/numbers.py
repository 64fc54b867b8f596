"""Valid-looking identity and registration numbers for demo people (check digits computed)."""

import random

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
TW_LETTERS = {c: v for c, v in zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36), strict=True)}


def hkid(rng: random.Random) -> str:
    letter = rng.choice("ACDEGHKPRVYZ")
    digits = "".join(rng.choice("0123456789") for _ in range(6))
    values = [36, ord(letter) - 55] + [int(d) for d in digits]
    total = sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return f"{letter}{digits}{'A' if check == 10 else check}"


def macao_id(rng: random.Random) -> str:
    return rng.choice("157") + "".join(rng.choice("0123456789") for _ in range(7))


def taiwan_id(rng: random.Random) -> str:
    letter = rng.choice("ABDEFHKLMNPT")
    body = rng.choice("12") + "".join(rng.choice("0123456789") for _ in range(7))
    code = TW_LETTERS[letter]
    digits = [code // 10, code % 10] + [int(d) for d in body]
    total = sum(d * w for d, w in zip(digits, [1, 9, 8, 7, 6, 5, 4, 3, 2, 1], strict=True))
    return f"{letter}{body}{(10 - total % 10) % 10}"


def cn_id(rng: random.Random, birth, region: str = "441302") -> str:
    body = f"{region}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(body))
    return body + "10X98765432"[total % 11]


def hk_mo_permit(rng: random.Random, region: str) -> str:
    return ("H" if region == "HK" else "M") + "".join(rng.choice("0123456789") for _ in range(8))


def tw_permit(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789") for _ in range(8))


def passport(rng: random.Random) -> str:
    return rng.choice("EKGA") + "".join(rng.choice("0123456789") for _ in range(8))


def uscc(rng: random.Random) -> str:
    body = "9144" + "13" + "02" + "".join(rng.choice(USCC_ALPHABET) for _ in range(11))
    total = sum(USCC_ALPHABET.index(c) * (3 ** i % 31) for i, c in enumerate(body))
    return body + USCC_ALPHABET[(31 - total % 31) % 31]


def tw_ubn(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        total = sum(sum(divmod(d * w, 10)) for d, w in zip(digits, [1, 2, 1, 2, 1, 2, 4, 1], strict=True))
        if total % 5 == 0:
            return "".join(map(str, digits))


def hk_br(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789") for _ in range(8))
