"""Every way DOMAIN.md says district offices write a level is understood; anything else names the value."""

import unicodedata

import pytest

from imports.cells import key
from imports.levels import LevelError, LevelParser

pytestmark = pytest.mark.django_db

SPELLINGS_2015 = {
    "TSVM_TB": [
        "Trong sạch vững mạnh tiêu biểu",
        "TRONG SẠCH VỮNG MẠNH TIÊU BIỂU",
        "trong sach vung manh tieu bieu",
        "TSVM tiêu biểu",
        "TSVM tieu bieu",
        "TSVMTB",
        "tsvm-tb",
    ],
    "TSVM": [
        "TSVM",
        " tsvm ",
        "T S V M",
        "Trong sạch vững mạnh",
        "trong  sạch\u00a0vững mạnh",
        "TRONG SACH VUNG MANH",
    ],
    "HTTNV": ["HTTNV", "Hoàn thành tốt nhiệm vụ", "hoan thanh tot nhiem vu", "HOÀN THÀNH TỐT NHIỆM VỤ"],
    "HTNV": ["HTNV", "htnv", "Hoàn thành nhiệm vụ", "Hoàn thành  nhiệm vụ."],
    "YK": [
        "Yếu kém",
        "yeu kem",
        "YẾU KÉM",
        "Yếu kém (không hoàn thành nhiệm vụ)",
        "KHTNV",
        "Không hoàn thành nhiệm vụ",
    ],
}
SPELLINGS_2019 = {
    "HTXSNV": ["HTXSNV", "Hoàn thành xuất sắc nhiệm vụ", "hoan thanh xuat sac nhiem vu", "HTXS NV"],
    "HTTNV": ["HTTNV", "Hoàn thành tốt nhiệm vụ"],
    "HTNV": ["HTNV", "hoàn thành nhiệm vụ"],
    "KHTNV": ["KHTNV", "Không hoàn thành nhiệm vụ", "KHÔNG HOÀN THÀNH NHIỆM VỤ", "khong hoan thanh nhiem vu"],
}


def cases(spellings):
    for code, texts in spellings.items():
        for text in texts:
            yield code, text
            yield code, unicodedata.normalize("NFD", text)  # decomposed Unicode


@pytest.mark.parametrize(("code", "text"), list(cases(SPELLINGS_2015)))
def test_2015_spellings(code, text):
    assert LevelParser.build(2015).parse(text).level.code == code


@pytest.mark.parametrize(("code", "text"), list(cases(SPELLINGS_2019)))
def test_2019_spellings(code, text):
    assert LevelParser.build(2019).parse(text).level.code == code


@pytest.mark.parametrize("text", ["Không xếp loại", "chưa xếp loại", "KHONG XEP LOAI", "Not rated"])
def test_not_rated(text):
    parsed = LevelParser.build(2015).parse(text)
    assert parsed.level is None and parsed.not_rated


def test_a_level_of_another_scheme_is_named_as_such():
    with pytest.raises(LevelError) as error:
        LevelParser.build(2019).parse("TSVM")
    assert "“TSVM”" in str(error.value) and "2019" in str(error.value) and "HTXSNV" in str(error.value)


@pytest.mark.parametrize("text", ["Tốt lắm", "A", "=1+1", "TSVM TB TB"])
def test_an_unknown_value_is_named(text):
    with pytest.raises(LevelError) as error:
        LevelParser.build(2015).parse(text)
    assert f"“{text}”" in str(error.value)


def test_the_key_strips_diacritics_case_spaces_and_d_bar():
    assert key("  Đảng  bộ\tXã ") == key("dang bo xa") == "dangboxa"
