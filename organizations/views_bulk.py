"""The tree from spreadsheets in the app: upload a registry or a mapping file → a preview of every
row (or operation, with its consequences) → confirm. Nothing is written at preview; confirming
checks the file again and writes all of it in one transaction (`organizations.registry`,
`organizations.mapping`), or nothing, and only if the preview is still what the user saw.

Who: the province's — committee staff are told nothing exists here (404), leaders are refused
(403), as on the reorganization pages.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from imports.limits import SUPPORTED, max_bytes
from imports.reader import extension
from organizations import bulk_uploads, mapping, registry
from organizations import registry_columns as C
from organizations.access import province_staff_only
from organizations.bulk_files import BulkRefused, FileRefused, source_name

UNITS, MAPPING = "units", "mapping"
SHOWN_ROWS = 3000
PLANNERS = {UNITS: registry, MAPPING: mapping}
COLUMNS = {UNITS: C.REGISTRY_COLUMNS, MAPPING: C.MAPPING_COLUMNS}
TITLES = {
    UNITS: gettext_lazy("Load the organization tree from a spreadsheet"),
    MAPPING: gettext_lazy("Apply a reorganization list from a spreadsheet"),
}


class TreeFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Spreadsheet (.xlsx, .ods or .csv)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if extension(upload.name) not in SUPPORTED:
            raise forms.ValidationError(_("Upload an .xlsx, .ods or .csv file."))
        if upload.size > max_bytes():
            raise forms.ValidationError(
                _("The file is %(size)s MB; files of at most %(limit)s MB are accepted.")
                % {"size": round(upload.size / 2**20, 1), "limit": round(max_bytes() / 2**20, 1)}
            )
        return upload


def _provincial(request):
    return province_staff_only(
        request, _("Only the provincial organizing committee can change the organization tree.")
    )


def _upload(request, kind: str):
    user = _provincial(request)
    form = TreeFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(max_bytes() + 1)
        try:
            PLANNERS[kind].plan(data, upload.name, user=user)
        except FileRefused as refused:
            form.add_error("file", str(refused))
        else:
            token = bulk_uploads.store(request, data, name=source_name(upload.name), kind=kind)
            return redirect(f"organizations:bulk-{kind}-confirm", token=token)
    context = {"form": form, "kind": kind, "title": TITLES[kind], "columns": COLUMNS[kind]}
    return render(request, "organizations/bulk_upload.html", context, status=400 if form.errors else 200)


def _confirm(request, kind: str, token: str):
    user = _provincial(request)
    name, data, path = bulk_uploads.load(request, token, kind=kind)
    if request.method == "POST" and "cancel" in request.POST:
        bulk_uploads.forget(request, token, path)
        messages.info(request, _("Cancelled; nothing was written."))
        return redirect(f"organizations:bulk-{kind}")
    planner = PLANNERS[kind]
    try:
        prepared = planner.plan(data, name, user=user)
    except FileRefused as refused:
        bulk_uploads.forget(request, token, path)
        messages.error(request, str(refused))
        return redirect(f"organizations:bulk-{kind}")
    if request.method == "POST":
        if request.POST.get("digest") != prepared.digest():
            messages.warning(
                request,
                _("The tree changed since this preview was shown; check the new preview and confirm again."),
            )
            return _preview(request, kind, token, prepared, status=409)
        try:
            planner.apply(prepared, user=user)
        except BulkRefused as refused:
            messages.error(request, str(refused))
            return _preview(request, kind, token, prepared, status=400, refused=refused.messages)
        bulk_uploads.forget(request, token, path)
        messages.success(request, _("Written from %(name)s.") % {"name": name})
        return redirect("organizations:tree")
    return _preview(request, kind, token, prepared)


def _preview(request, kind, token, prepared, *, status=200, refused=None):
    context = {
        "kind": kind,
        "title": TITLES[kind],
        "token": token,
        "plan": prepared,
        "digest": prepared.digest(),
        "errors": prepared.errors,
        "writes": prepared.writes,
        "refused": refused or [],
    }
    if kind == UNITS:
        rows = sorted(prepared.rows, key=lambda r: r.status != registry.ERROR)[:SHOWN_ROWS]
        context.update(rows=rows, counts=prepared.counts, shown=len(rows), total=len(prepared.rows))
    return render(request, f"organizations/bulk_{kind}_preview.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def units_upload(request):
    return _upload(request, UNITS)


@login_required
@require_http_methods(["GET", "POST"])
def units_confirm(request, token):
    return _confirm(request, UNITS, token)


@login_required
@require_http_methods(["GET", "POST"])
def mapping_upload(request):
    return _upload(request, MAPPING)


@login_required
@require_http_methods(["GET", "POST"])
def mapping_confirm(request, token):
    return _confirm(request, MAPPING, token)
