from pathlib import Path

import pytest

from qiao.text import looks_like_mojibake, strip_pinyin_noise

SEEDS = Path("/work/shared/seeds")


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("創(chuàng)新", "創新"),
        ("科（kē）技", "科技"),
        ("重(chong2)慶", "重慶"),
        ("東江創(chuàng)新發(fā)展研究院", "東江創新發展研究院"),
        ("新型社團和7個縣(區(qū))社團", "新型社團和7個縣(區)社團"),
        ("中國(zhōng guó)", "中國"),
        ("西安(xī'ān)", "西安"),
    ],
)
def test_pinyin_glosses_after_characters_are_removed(text, cleaned):
    assert strip_pinyin_noise(text) == cleaned


@pytest.mark.parametrize(
    "text",
    [
        "陳大文(CHAN Tai Man)",
        "澳門(Macau)",
        "大堂區(Sé)",  # a Macao parish, not the syllable sé
        "惠州(香港)人才工作站",
        "中(a)",  # no tone: could be anything
        "see (chuàng)",  # not after a Chinese character
        "項目(2022—2025年)",
        "公司(ltd)",
    ],
)
def test_other_brackets_stay(text):
    assert strip_pinyin_noise(text) == text


def test_empty_text_stays_empty():
    assert strip_pinyin_noise("") == ""


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed articles not present")
def test_seed_articles_lose_their_pinyin_glosses_and_nothing_else():
    for path in SEEDS.glob("*.txt"):
        original = path.read_text(encoding="utf-8")
        cleaned = strip_pinyin_noise(original)
        assert "(chuàng)" not in cleaned and "(fā)" not in cleaned
        assert "惠州(香港)" in cleaned or "惠州(香港)" not in original
        assert len(cleaned) <= len(original)
        assert strip_pinyin_noise(cleaned) == cleaned


@pytest.mark.parametrize(
    "text",
    [
        "é™³å¤§æ–‡",  # 陳大文, UTF-8 read as cp1252
        "é\x99³å¤§æ\x96\x87",  # the same read as Latin-1
        "ÃÂ",
        "Ã©",
        "â€™",
        "鎴戜滑",  # 我们, UTF-8 read as GBK
        "闄冲ぇ鏂",  # 陳大文, UTF-8 read as GBK, last byte lost
        "姝愰櫧闇囪彲",  # 歐陽震華, UTF-8 read as GBK
        "陳\ufffd文",
    ],
)
def test_mojibake_is_recognised(text):
    assert looks_like_mojibake(text)


@pytest.mark.parametrize(
    "text",
    [
        "陳大文",
        "陈大文",
        "歐陽震華",
        "涓滴归公",
        "閻洪臣",
        "鑫堃燊",
        "CHAN Tai Man",
        "João",
        "São Paulo",
        "JOÃO",
        "Conceição",
        "Ângela",
        "Gonçalves",
        "Müller",
        "„Grüß“",
        "naïve",
        "Øyvind",
        "François",
        "Café «Ré»",
        "José Maria dos Santos",
        "",
        "   ",
    ],
)
def test_normal_names_are_not_mojibake(text):
    assert not looks_like_mojibake(text)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed articles not present")
def test_seed_articles_are_not_mojibake():
    for path in SEEDS.glob("*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            assert not looks_like_mojibake(line), line[:40]
