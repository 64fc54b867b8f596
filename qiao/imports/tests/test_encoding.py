import pathlib
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qiao.imports.readers import FileProblem, detect_encoding

SEEDS = pathlib.Path(__file__).resolve().parents[3].parent / "shared" / "seeds"
TRADITIONAL = "陳大文黃嘉欣林志明張偉強香港青年聯會澳門大學臺灣師範大學工作單位來源地出生日期聯絡電話備註職務學歷專業"
SIMPLIFIED = "陈大文黄嘉欣林志明张伟强香港青年联会澳门大学台湾师范大学工作单位来源地出生日期联系电话备注职务学历专业"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"name,phone\n", "utf-8"),
        ("姓名,電話\n陳大文,91234567\n".encode(), "utf-8"),
        ("\ufeff姓名,手机\n".encode(), "utf-8-sig"),
        ("姓名\t手机\n".encode("utf-16"), "utf-16"),
        ("姓名,性别,来源地\n陈大文,男,香港\n".encode("gb18030"), "gb18030"),
        ("姓名,性別,來源地\n陳大文,男,香港\n".encode("big5"), "big5"),
        ("姓名,性別,來源地\n陳大文,男,香港\n".encode("gbk"), "gb18030"),
        ("工作單位,職務\n香港青年聯會,會長\n".encode("gbk"), "gb18030"),
        ("工作單位,職務\n香港青年聯會,會長\n".encode("big5"), "big5"),
        ("碁銹裏\n".encode("cp950"), "cp950"),  # Microsoft's Big5 extensions
        ("姓名,住址\n陳大文,石硤尾邨\n".encode("big5hkscs"), "big5hkscs"),  # 邨 is a Hong Kong character
    ],
)
def test_detect_encoding(data, expected):
    assert detect_encoding(data) == expected
    data.decode(expected)


def test_nothing_decodes_cleanly():
    with pytest.raises(FileProblem) as caught:
        detect_encoding(b"\x80\xff\xfe\x81")
    assert caught.value.code == "encoding"


def _excerpts(text, length, count, seed):
    rng = random.Random(seed)
    return [text[start : start + length] for start in (rng.randrange(len(text) - length) for _ in range(count))]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed articles are beside the repository")
def test_short_traditional_excerpts_are_told_apart_in_gbk_and_big5():
    """Six-character excerpts of the seed articles in Traditional script: GBK bytes read as
    GB18030, Big5 bytes as Big5 (the heuristic in detect_encoding's docstring)."""
    import opencc

    text = "".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))
    text = opencc.OpenCC("s2hk").convert("".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff"))
    wrong = []
    for excerpt in _excerpts(text, 6, 300, seed=3):
        for codec, want in (("gbk", "gb18030"), ("big5", "big5")):
            try:
                data = excerpt.encode(codec)
            except UnicodeEncodeError:
                continue
            if detect_encoding(data) != want:
                wrong.append((excerpt, codec))
    assert wrong == []


@given(st.lists(st.sampled_from(TRADITIONAL), min_size=4, max_size=30), st.sampled_from(["gbk", "big5"]))
def test_traditional_names_round_trip_through_either_codec(chars, codec):
    text = "姓名,工作單位\n" + "".join(chars)
    data = text.encode(codec)
    assert data.decode(detect_encoding(data)) == text


@given(st.lists(st.sampled_from(SIMPLIFIED), min_size=2, max_size=30))
def test_simplified_text_in_gb18030_round_trips(chars):
    # With a header: two characters alone can be valid UTF-8 too (伟伟 = CE B0 CE B0 = ΰΰ),
    # and UTF-8 wins whenever it decodes.
    text = "姓名,工作单位\n" + "".join(chars)
    data = text.encode("gb18030")
    assert data.decode(detect_encoding(data)) == text
