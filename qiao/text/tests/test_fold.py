from hypothesis import given, settings
from hypothesis import strategies as st

from qiao.text import compact, fold, latin_tokens

from .strategies import chinese_names


def test_full_width_letters_and_spaces_fold_to_half_width_lower_case():
    assert fold("  ＣＨＡＮ　　Tai-Man  ") == "chan tai-man"


def test_traditional_folds_to_simplified():
    assert fold("陳大文") == "陈大文"
    assert fold("歐陽 震華") == "欧阳 震华"


def test_known_source_region_uses_its_opencc_configuration():
    assert fold("臺灣", source="tw") == "台湾"
    assert fold("陳大文", source="hk") == "陈大文"
    assert fold("陳大文", source="MAINLAND") == "陈大文"


def test_empty_and_invisible_input_folds_to_nothing():
    assert fold("") == ""
    assert fold(None) == ""  # type: ignore[arg-type]
    assert fold("\u200b\ufeff \t\n") == ""


def test_lone_surrogates_and_controls_do_not_break_folding():
    assert fold("陳\ud800大\x00文") == "陈大文"


def test_variation_selectors_do_not_change_the_key():
    assert compact("葛\U000e0100優") == compact("葛優")


def test_compact_drops_spaces_and_punctuation():
    assert compact("陳 大文") == "陈大文"
    assert compact("CHAN Tai-man") == "chantaiman"
    assert compact("菲奧娜咨詢(廣州)有限公司") == "菲奥娜咨询广州有限公司"
    assert compact("阿依古丽·买买提") == "阿依古丽买买提"
    assert compact("，。！?") == ""


def test_compact_keeps_letters_of_any_script_and_digits():
    assert compact("José 3號") == "josé3号"


def test_latin_tokens_split_on_spaces_hyphens_commas_dots_and_apostrophes():
    assert latin_tokens("CHAN Tai-man") == ["chan", "tai", "man"]
    assert latin_tokens("LIU, Shu-chun.") == ["liu", "shu", "chun"]
    assert latin_tokens("O'Neill") == ["o", "neill"]


def test_latin_tokens_remove_accents():
    assert latin_tokens("José Conceição") == ["jose", "conceicao"]
    assert latin_tokens("Søren Łukasz Müller") == ["soren", "lukasz", "muller"]
    assert latin_tokens("") == []


@settings(max_examples=300, deadline=None, database=None)
@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@settings(max_examples=300, deadline=None, database=None)
@given(st.text())
def test_compact_is_idempotent(text):
    assert compact(compact(text)) == compact(text)


@settings(max_examples=100, deadline=None, database=None)
@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_compact_has_no_whitespace_or_punctuation(text):
    assert all(ch.isalnum() for ch in compact(text))


@settings(max_examples=100, deadline=None, database=None)
@given(chinese_names())
def test_traditional_and_simplified_forms_fold_alike(names):
    traditional, simplified = names
    assert fold(traditional) == fold(simplified) == simplified
    assert compact(traditional) == compact(simplified)
