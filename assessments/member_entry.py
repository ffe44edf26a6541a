"""The member-statistics grid (/ratings/<year>/members/): the rating grid's machinery
(`assessments.entry.Grid`) over each unit's member counts, with the scheme's cap on excellent
members shown beside a row as a warning, never blocking."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from assessments.entry import Grid
from assessments.forms import MemberGridFormSet
from assessments.models import MEMBER_FIELDS, MemberStats
from assessments.services import MemberChange, save_member_stats
from organizations.models import Kind, Unit


class MemberGrid(Grid):
    model = MemberStats
    formset_class = MemberGridFormSet
    tiers = MemberStats.TIERS
    kinds = (Kind.GRASSROOTS_COMMITTEE, Kind.GRASSROOTS_CELL)

    commendation = False

    def form_kwargs(self) -> dict:
        return {}

    stored_fields = ("version", *MEMBER_FIELDS)

    def initial(self, unit: Unit, row: dict | None) -> dict:
        if row is None:
            return {"unit": unit.pk, "version": 0}
        return {"unit": unit.pk, **{name: row[name] for name in self.stored_fields}}

    def change(self, form, unit: Unit) -> MemberChange | None:
        data = form.cleaned_data
        if data.get("member_count") is None:
            return None
        return MemberChange(
            unit=unit,
            values={name: data.get(name) or 0 for name in MEMBER_FIELDS},
            expected_version=data["version"],
        )

    def save(self, changes, *, channel="form", marks=None):
        return save_member_stats(
            user=self.user, committee=self.committee, year=self.year, changes=changes, channel=channel
        )

    def conflict_note(self, stored: MemberStats | None) -> str:
        if stored is None:
            return _("Deleted meanwhile.")
        values = " · ".join(
            number_format(getattr(stored, name), force_grouping=True) for name in MEMBER_FIELDS
        )
        return _("Changed meanwhile by %(who)s on %(when)s; now stored: %(values)s") % {
            "who": stored.changed_by or "—",
            "when": date_format(timezone.localtime(stored.changed_at), "SHORT_DATETIME_FORMAT"),
            "values": values,
        }

    def warnings(self, rows: dict) -> dict[int, str]:
        """The scheme's cap on excellent members, shown beside the row, never blocking."""
        return {
            unit_pk: warning
            for unit_pk, row in rows.items()
            if (
                warning := MemberStats(**{n: row[n] for n in MEMBER_FIELDS}).excellent_cap_warning(
                    self.scheme
                )
            )
        }
