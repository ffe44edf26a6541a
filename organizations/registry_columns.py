"""The columns of the two tree files, found by header name (Vietnamese with or without diacritics,
or English), apart from the services that write them (`organizations.registry`,
`organizations.mapping`). One home for the unit columns: the registry file, the mapping file and
the admin's unit import (`organizations.resources`) name them here.

- The registry (`import_units`): one row per unit — code, name, parent code, kind, type of place,
  founded, dissolved.
- The mapping (`reorganize`): one row per old → new pair — old code, new code, operation,
  effective date, decision number and date, and for a unit the operation founds its new name,
  parent code, kind and type of place; which successor of a split carries the history.
"""

from __future__ import annotations

from imports.columns import Column

CODE = Column("code", "Mã", ("Mã đơn vị", "Mã số", "Mã tổ chức", "Mã tổ chức đảng", "Code", "Unit code"))
NAME = Column("name", "Tên", ("Tên đơn vị", "Tên tổ chức", "Tên tổ chức đảng", "Tên gọi", "Name"))
PARENT = Column(
    "parent",
    "Mã cấp trên",
    ("Mã đơn vị cấp trên", "Mã trực thuộc", "Cấp trên", "Trực thuộc", "Parent", "Parent code"),
)
KIND = Column("kind", "Loại", ("Loại tổ chức", "Loại đơn vị", "Loại tổ chức đảng", "Kind"))
PLACE_TYPE = Column(
    "place_type",
    "Loại hình",
    ("Loại hình tổ chức", "Loại hình đơn vị", "Địa bàn", "Type of place", "Place type", "place"),
)
FOUNDED = Column("founded", "Ngày thành lập", ("Thành lập", "Ngày thành lập đơn vị", "Founded"))
DISSOLVED = Column("dissolved", "Ngày giải thể", ("Giải thể", "Ngày kết thúc", "Dissolved"))

REGISTRY_COLUMNS = (CODE, NAME, PARENT, KIND, PLACE_TYPE, FOUNDED, DISSOLVED)
# Every data column but the code: which of them a file has decides what an update changes.

OLD_CODE = Column("old_code", "Mã cũ", ("Mã đơn vị cũ", "Đơn vị cũ", "Old code", "From"))
NEW_CODE = Column("new_code", "Mã mới", ("Mã đơn vị mới", "Đơn vị mới", "New code", "To"))
OPERATION = Column(
    "operation", "Thao tác", ("Hình thức", "Hình thức sắp xếp", "Nội dung", "Sắp xếp", "Operation")
)
EFFECTIVE = Column(
    "effective",
    "Ngày hiệu lực",
    ("Hiệu lực từ ngày", "Ngày có hiệu lực", "Từ ngày", "Effective", "Effective date"),
)
DECISION_NUMBER = Column(
    "decision_number", "Số quyết định", ("Số QĐ", "Quyết định số", "QĐ số", "Decision number")
)
DECISION_DATE = Column(
    "decision_date", "Ngày quyết định", ("Ngày QĐ", "Ngày ký", "Ngày ký quyết định", "Decision date")
)
NEW_NAME = Column("new_name", "Tên mới", ("Tên đơn vị mới", "Tên gọi mới", "New name"))
NEW_PARENT = Column(
    "new_parent",
    "Mã cấp trên mới",
    ("Mã đơn vị cấp trên mới", "Cấp trên mới", "Trực thuộc mới", "New parent", "New parent code"),
)
NEW_KIND = Column("kind", "Loại", ("Loại mới", "Loại tổ chức", "Loại đơn vị", "Kind"))
NEW_PLACE_TYPE = Column("place_type", "Loại hình", ("Loại hình mới", "Loại hình tổ chức", "Type of place"))
HEIR = Column(
    "heir",
    "Kế thừa",
    ("Kế thừa lịch sử", "Mang lịch sử", "Đơn vị kế thừa", "Carries the history", "Heir"),
)
NOTE = Column("note", "Ghi chú", ("Note", "Notes"))

MAPPING_COLUMNS = (
    OLD_CODE,
    NEW_CODE,
    OPERATION,
    EFFECTIVE,
    DECISION_NUMBER,
    DECISION_DATE,
    NEW_NAME,
    NEW_PARENT,
    NEW_KIND,
    NEW_PLACE_TYPE,
    HEIR,
    NOTE,
)
