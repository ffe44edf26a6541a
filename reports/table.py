"""Plain-text rendering of a report for terminals and scripts (Vietnamese number format)."""

from assessments.models import Comparator
from reports.figures import QualityReport, TierSummary
from reports.formatting import vn_int, vn_percent


def _tier_lines(title: str, summary: TierSummary) -> list[str]:
    lines = [
        f"{title}: {vn_int(summary.total)} (đã xếp loại {vn_int(summary.rated)}, "
        f"không xếp loại {vn_int(summary.not_rated)}, chưa nhập {vn_int(summary.pending)})"
    ]
    for level in summary.levels:
        lines.append(f"  {level.label:<45} {vn_int(level.count):>7}  {vn_percent(level.percent):>8}")
    lines.append(f"  {'Trong sạch vững mạnh (gồm tiêu biểu)':<45} {vn_int(summary.clean_strong):>7}")
    return lines


def render_table(report: QualityReport) -> str:
    scope = report.committee.name if report.committee else "Toàn Đảng bộ tỉnh"
    lines = [f"Kết quả đánh giá, xếp loại năm {report.year} — {scope}"]
    if report.structure_of:
        date = f"{report.structure_of:%d/%m/%Y}"
        lines.append(f"Theo cơ cấu tổ chức ngày {date} (số liệu quy về đơn vị kế thừa)")
    lines.append("")
    lines += _tier_lines("Tổ chức cơ sở đảng", report.base)
    lines += _tier_lines("Chi bộ trực thuộc đảng ủy cơ sở", report.cells)
    lines += [
        "",
        f"Đảng viên: {vn_int(report.members.total)}; kết nạp trong năm: {vn_int(report.admissions.in_year)}",
        "",
        "Chỉ tiêu nghị quyết:",
    ]
    for t in report.targets:
        actual = vn_percent(t.actual) if t.denominator is not None else vn_int(t.count)
        if t.province_only:
            status = "chỉ tiêu chung toàn tỉnh"
        elif t.met is None:
            status = "chưa có số liệu"
        elif t.met:
            status = f"ĐẠT, vượt {vn_int(t.margin_units)}"
        elif t.in_progress:
            status = (
                f"đang thực hiện: còn thiếu {vn_int(t.shortfall_units)}, còn {t.years_left} năm, "
                f"cần {vn_int(t.pace_needed_per_year)}/năm"
            )
        else:
            status = f"CHƯA ĐẠT, thiếu {vn_int(t.shortfall_units)}"
        threshold = vn_int(t.threshold) if t.denominator is None else vn_percent(t.threshold)
        comparator = Comparator(t.comparator).label
        lines.append(f"  {t.label:<55} {actual:>8} {comparator} {threshold}  {status}")
    return "\n".join(lines)


def committee_lines(committees) -> list[str]:
    """One line per committee of a restated report: [(committee, QualityReport)]."""
    lines = ["Theo đảng bộ trực thuộc:"]
    for unit, report in committees:
        base, cells = report.base, report.cells
        lines.append(
            f"  {unit.code:<14} {unit.name[:40]:<40} TCCSĐ {vn_int(base.total):>6},"
            f" TSVM {vn_int(base.clean_strong):>6}"
            f" {vn_percent(base.clean_strong_percent):>8}; chi bộ {vn_int(cells.total):>6}, TSVM"
            f" {vn_int(cells.clean_strong):>6} {vn_percent(cells.clean_strong_percent):>8}"
        )
    return lines
