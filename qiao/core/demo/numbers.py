"""Valid identity and registration numbers for demo people, check characters from qiao.identity."""

import random

from qiao import identity

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def hkid(rng: random.Random) -> str:
    body = rng.choice("ACDEGHKPRVYZ") + _digits(rng, 6)
    return body + identity.hkid_check_character(body)


def macao_id(rng: random.Random) -> str:
    return rng.choice("157") + _digits(rng, 7)


def taiwan_id(rng: random.Random) -> str:
    first_nine = rng.choice("ABDEFHKLMNPT") + rng.choice("12") + _digits(rng, 7)
    return first_nine + identity.tw_id_check_digit(first_nine)


def cn_id(rng: random.Random, birth, region: str = "441302") -> str:
    body = f"{region}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return body + identity.ric_check_character(body)


def hk_mo_permit(rng: random.Random, region: str) -> str:
    return ("H" if region == "HK" else "M") + _digits(rng, 8)


def tw_permit(rng: random.Random) -> str:
    return _digits(rng, 8)


def passport(rng: random.Random) -> str:
    return rng.choice("EKGA") + _digits(rng, 8)


def uscc(rng: random.Random) -> str:
    body = "91441302" + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + identity.uscc_check_character(body)


def tw_ubn(rng: random.Random) -> str:
    while True:
        number = _digits(rng, 8)
        if identity.tw_ubn_sum(number) % 5 == 0:
            return number


def hk_br(rng: random.Random) -> str:
    return _digits(rng, 8)
