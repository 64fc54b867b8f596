import pytest

from qiao.text import known_surnames, surname_of, surname_romanisations


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("陳大文", ("陳", "大文")),
        ("陈大文", ("陈", "大文")),
        ("陳 大文", ("陳", "大文")),
        ("歐陽震華", ("歐陽", "震華")),
        ("欧阳震华", ("欧阳", "震华")),
        ("司徒華", ("司徒", "華")),
        ("尉遲恭", ("尉遲", "恭")),
        ("万俟卨", ("万俟", "卨")),
        ("諸葛亮", ("諸葛", "亮")),
        ("上官婉兒", ("上官", "婉兒")),
        ("李", ("李", "")),
        ("歐陽", ("歐", "陽")),  # two characters: a surname and a given name
        ("陳大文 CHAN Tai Man", ("陳", "大文")),
        ("阿依古丽·买买提", ("", "阿依古丽·买买提")),
        ("CHAN Tai Man", ("", "CHAN Tai Man")),
        ("", ("", "")),
    ],
)
def test_surname_of_splits_compound_surnames_first(name, expected):
    assert surname_of(name) == expected


@pytest.mark.parametrize(
    ("surname", "scheme", "spelling"),
    [
        ("陳", "hk", "CHAN"),
        ("黃", "hk", "WONG"),
        ("黃", "mo", "VONG"),
        ("張", "hk", "CHEUNG"),
        ("張", "mo", "CHEONG"),
        ("曾", "hk", "TSANG"),
        ("謝", "hk", "TSE"),
        ("謝", "tw", "HSIEH"),
        ("歐陽", "hk", "AU YEUNG"),
        ("歐陽", "mo", "AO IEONG"),
        ("司徒", "hk", "SZETO"),
        ("何", "hk", "HO"),
        ("何", "mo", "HO"),
        ("梁", "hk", "LEUNG"),
        ("梁", "mo", "LEONG"),
        ("劉", "hk", "LAU"),
        ("劉", "tw", "LIU"),
    ],
)
def test_surname_table_agrees_with_the_spec_examples(surname, scheme, spelling):
    assert surname_romanisations(surname)[scheme][0] == spelling


def test_special_surname_readings():
    expected = {
        "單": "shan",
        "曾": "zeng",
        "區": "ou",
        "樂": "yue",
        "查": "zha",
        "朴": "piao",
        "仇": "qiu",
        "覃": "qin",
        "繆": "miao",
        "解": "xie",
        "尉遲": "yuchi",
        "万俟": "moqi",
    }
    for surname, reading in expected.items():
        assert surname_romanisations(surname)["pinyin"][0] == reading, surname


def test_romanisations_are_found_from_either_script():
    assert surname_romanisations("欧阳") == surname_romanisations("歐陽")
    assert surname_romanisations("黄")["mo"] == ["VONG", "WONG"]


def test_unknown_surname_has_empty_lists():
    assert surname_romanisations("龘") == {"pinyin": [], "hk": [], "mo": [], "tw": []}


def test_table_holds_the_common_surnames_and_is_well_formed():
    rows = known_surnames()
    assert len(rows) >= 150
    assert sum(len(row.traditional) == 2 for row in rows) >= 20
    for row in rows:
        assert row.pinyin and row.hk and row.mo and row.tw, row
        assert all(spelling == spelling.upper() for spelling in row.hk + row.mo + row.tw), row
        assert all(reading.isascii() and reading.islower() for reading in row.pinyin), row
