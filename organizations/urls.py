"""The "Tổ chức" pages: the tree on a date, each unit's timeline, and a form per reorganization."""

from django.urls import path

from organizations import views_bulk, views_operations, views_tree
from organizations.forms_operations import OPERATION_FORMS

app_name = "organizations"

# The path of each provincial operation, as the office says it.
OPERATION_PATHS = {
    "found": "thanh-lap/",
    "rename": "doi-ten/",
    "move": "chuyen/",
    "merge": "sap-nhap/",
    "split": "chia-tach/",
    "dissolve": "giai-the/",
    "refound": "thanh-lap-lai/",
}

urlpatterns = [
    path("", views_tree.tree, name="tree"),
    path("don-vi/<str:code>/", views_tree.timeline, name="timeline"),
    path("don-vi/<str:code>/chi-bo-moi/", views_operations.found_cell, name="found-cell"),
    *[
        path(OPERATION_PATHS[name], views_operations.operation_view(name), name=name)
        for name in OPERATION_FORMS
    ],
    path("nhap-danh-sach/", views_bulk.units_upload, name="bulk-units"),
    path("nhap-danh-sach/<str:token>/", views_bulk.units_confirm, name="bulk-units-confirm"),
    path("nhap-sap-xep/", views_bulk.mapping_upload, name="bulk-mapping"),
    path("nhap-sap-xep/<str:token>/", views_bulk.mapping_confirm, name="bulk-mapping-confirm"),
]
