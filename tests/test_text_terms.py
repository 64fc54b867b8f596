"""qiao.text.terms: the words of free text that ranking compares, the same in every script."""

import pytest

from qiao.text import Terms, stem, terms


@pytest.fixture(scope="module")
def tokenizer():
    return Terms(["锂电池", "鋰離子電池", "储能系统", "动力电池"])


def test_traditional_and_simplified_give_the_same_terms(tokenizer):
    assert tokenizer.tokens("從事鋰電池研發") == tokenizer.tokens("从事锂电池研发")
    assert "锂电池" in tokenizer.words("鋰電池")


def test_full_width_and_case_do_not_matter(tokenizer):
    assert tokenizer.tokens("ＰＹＴＨＯＮ　Ｄｅｖｅｌｏｐｅｒ") == tokenizer.tokens("python developer")


def test_added_words_stay_whole_and_their_parts_are_kept_too(tokenizer):
    words, parts = tokenizer.analyse("负责锂离子电池的研发")
    assert "锂离子电池" in words
    assert "电池" in parts  # a demand asking for 电池 finds it


def test_english_is_lowercased_and_lightly_stemmed():
    assert [stem(w) for w in ("batteries", "battery", "engineering", "engineer", "designs")] == [
        "battery",
        "battery",
        "engineer",
        "engineer",
        "design",
    ]
    assert terms("Lithium Batteries") == terms("lithium battery")


def test_stopwords_go_but_acronyms_in_capitals_stay(tokenizer):
    assert tokenizer.tokens("It is what it is") == []
    assert tokenizer.tokens("IT support") == ["it", "support"]
    assert "ai" in tokenizer.tokens("AI工程师")
    assert "的" not in tokenizer.tokens("我的工作")


def test_mixed_scripts_and_technical_words(tokenizer):
    found = tokenizer.tokens("5G通訊 C++ li-ion 電池")
    assert {"5g", "c++", "li-ion", "电池"} <= set(found)


def test_numbers_like_phones_are_not_terms(tokenizer):
    assert tokenizer.tokens("電話 91234567") == ["电话"]


def test_empty_and_odd_input_never_fails(tokenizer):
    assert tokenizer.tokens("") == []
    assert tokenizer.tokens(None) == []
    assert tokenizer.tokens("\u200b\ufeff  ，。！") == []
