"""Reading a rating level the way district offices write it.

"Trong sạch vững mạnh", "TRONG SACH VUNG MANH", " tsvm ", "TSVM tiêu biểu", "TSVMTB",
"Hoàn  thành tốt nhiệm vụ" in decomposed Unicode… all name a level of the year's scheme.
Everything is compared on a *key*: Unicode decomposed, diacritics and đ removed, case folded,
and every character that is not a letter or a digit dropped (so spaces, dots, dashes and
parentheses never matter).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from assessments.models import RatingLevel, RatingScheme
from imports.cells import clean_text, key

# Ways of writing each level beyond its own code, name and abbreviation (which come from the
# database, so a scheme added later is understood by its own names). Keyed by level code.
EXTRA_ALIASES = {
    "TSVM_TB": ["TSVM tiêu biểu", "TSVMTB", "TSVM TB", "Trong sạch vững mạnh tiêu biểu", "TSVM-TB"],
    "TSVM": ["TSVM", "Trong sạch vững mạnh"],
    "HTTNV": ["HTTNV", "Hoàn thành tốt nhiệm vụ", "Hoàn thành tốt", "HT tốt NV", "HTT NV"],
    "HTNV": ["HTNV", "Hoàn thành nhiệm vụ", "HT NV"],
    "YK": [
        "Yếu kém",
        "YK",
        "Yếu kém (không hoàn thành nhiệm vụ)",
        "Không hoàn thành nhiệm vụ",
        "KHTNV",
        "Không HTNV",
    ],
    "HTXSNV": ["HTXSNV", "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành xuất sắc", "HTXS NV", "HTXS"],
    "KHTNV": ["KHTNV", "Không hoàn thành nhiệm vụ", "Không HTNV", "Không hoàn thành"],
}

# A unit not rated that year (founded too recently…): the level cell says so.
NOT_RATED_KEYS = {
    key(text)
    for text in (
        "Không xếp loại",
        "Chưa xếp loại",
        "Không đánh giá",
        "Chưa đánh giá",
        "Không đánh giá, xếp loại",
        "Chưa đánh giá, xếp loại",
        "KXL",
        "CXL",
        "Not rated",
    )
}
NOT_RATED_LABEL = "Không xếp loại"


class LevelError(ValueError):
    """The value names no level of the year's scheme; the message says so and names the value."""


@dataclass(frozen=True)
class ParsedLevel:
    level: RatingLevel | None  # None: not rated
    not_rated: bool = False


def _aliases(level: RatingLevel) -> set[str]:
    texts = [level.code, level.name, level.abbreviation, *EXTRA_ALIASES.get(level.code, [])]
    # "Yếu kém (không hoàn thành nhiệm vụ)" is also written as just "Yếu kém".
    texts += [re.sub(r"\(.*?\)", "", text) for text in texts]
    return {k for k in map(key, texts) if k}


class LevelParser:
    """The levels of one year's scheme, by every key they are written as."""

    def __init__(self, year: int, scheme: RatingScheme | None, levels: list[RatingLevel], others=()):
        self.year, self.scheme = year, scheme
        self.levels = sorted(levels, key=lambda level: level.rank)
        self.by_key: dict[str, RatingLevel] = {}
        # A name shared by two levels of the same scheme would be ambiguous: the level's own
        # code/abbreviation wins, an extra alias never overrides it.
        for level in self.levels:
            for alias in _aliases(level):
                self.by_key.setdefault(alias, level)
        for level in self.levels:
            self.by_key[key(level.code)] = level
            self.by_key[key(level.abbreviation)] = level
        # Keys of other schemes' levels, to say "not a level of *this* year" rather than "unknown".
        self.other_keys = {alias for level in others for alias in _aliases(level)} - set(self.by_key)

    @classmethod
    def build(cls, year: int) -> LevelParser:
        """The parser of the scheme in force in `year` (and the other schemes' names, to tell them apart)."""
        scheme = RatingScheme.objects.in_force(year)
        levels = list(RatingLevel.objects.filter(scheme=scheme)) if scheme else []
        others = RatingLevel.objects.exclude(scheme=scheme) if scheme else RatingLevel.objects.all()
        return cls(year, scheme, levels, others=list(others))

    def choices(self) -> str:
        return ", ".join(level.abbreviation for level in self.levels)

    def parse(self, value) -> ParsedLevel:
        text = clean_text(value)
        k = key(text)
        if k in NOT_RATED_KEYS:
            return ParsedLevel(level=None, not_rated=True)
        if self.scheme is None:
            raise LevelError(
                _("There is no rating scheme for %(year)s, so “%(value)s” cannot be read.")
                % {"year": self.year, "value": text}
            )
        level = self.by_key.get(k)
        if level is not None:
            return ParsedLevel(level=level)
        if k in self.other_keys:
            raise LevelError(
                _("“%(value)s” is not a level of the %(year)s rating scheme (its levels: %(levels)s).")
                % {"value": text, "year": self.year, "levels": self.choices()}
            )
        raise LevelError(
            _("“%(value)s” is not a rating level. The levels of %(year)s are: %(levels)s, or “%(none)s”.")
            % {"value": text, "year": self.year, "levels": self.choices(), "none": NOT_RATED_LABEL}
        )
