"""The import page: upload → preview of every row → confirm; and the pre-filled template.

Between preview and confirm the uploaded file waits in a private temporary directory of the
user, under a random token that only the user's session knows; the browser never sends a path.
Confirming reads and checks the file again and writes only if what is stored did not change
since the preview the user saw.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from assessments.commendation_entry import granted_message
from assessments.commendations import withdrawn_message
from assessments.models import MAX_YEAR, MIN_YEAR
from imports import export, services
from imports.kinds import MEMBERS, RATINGS
from imports.limits import SUPPORTED, max_bytes
from imports.reader import extension
from imports.rows import CHANGED, ERROR, NEW, SKIPPED, UNCHANGED
from kontum_party.dberrors import LOST_STATUS, ConnectionLost, on_lost_connection
from organizations.access import scope_for_request

logger = logging.getLogger(__name__)

SESSION_KEY = "imports"
UPLOAD_ROOT = Path(tempfile.gettempdir()) / "kontum-imports"  # one private folder per user below
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
KEEP_SECONDS = 24 * 3600
# Previews a user may leave waiting at once (each at most IMPORT_MAX_BYTES on disk).
MAX_WAITING = 3
SHOWN_ROWS = 3000  # rows listed in the preview table (errors first); the counts cover them all
# The preview's filters: what to look at first (errors and what would be written), each status, all.
ATTENTION, ALL = "attention", "all"
FILTERS = [
    (ATTENTION, gettext_lazy("Errors and rows to write"), (ERROR, NEW, CHANGED)),
    (ERROR, gettext_lazy("Errors"), (ERROR,)),
    (NEW, gettext_lazy("New"), (NEW,)),
    (CHANGED, gettext_lazy("Changed"), (CHANGED,)),
    (UNCHANGED, gettext_lazy("Unchanged"), (UNCHANGED,)),
    (SKIPPED, gettext_lazy("Skipped"), (SKIPPED,)),
    (ALL, gettext_lazy("All rows"), (ERROR, NEW, CHANGED, UNCHANGED, SKIPPED)),
]

KIND_CHOICES = [(RATINGS, gettext_lazy("Unit ratings")), (MEMBERS, gettext_lazy("Member statistics"))]


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Spreadsheet (.xlsx, .ods or .csv)"))
    kind = forms.ChoiceField(
        label=gettext_lazy("The file holds"), choices=KIND_CHOICES, initial=RATINGS, required=False
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        required=False,
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        help_text=gettext_lazy("Only for a file without a year column."),
    )

    def clean_kind(self):
        return self.cleaned_data.get("kind") or RATINGS

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


def _editor(request):
    if not request.user.can_edit_ratings:
        raise PermissionDenied
    return request.user


# Where an upload waits ------------------------------------------------------------------------


def _user_dir(user) -> Path:
    path = UPLOAD_ROOT / str(int(user.pk))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _purge_old() -> None:
    """Every user's uploads older than KEEP_SECONDS go (a preview left unconfirmed)."""
    limit = time.time() - KEEP_SECONDS
    if not UPLOAD_ROOT.is_dir():
        return
    for item in UPLOAD_ROOT.glob("*/*"):
        try:
            if item.stat().st_mtime < limit:
                item.unlink()
        except OSError:
            pass


def _keep_quota(request, directory: Path) -> None:
    """Room for one more upload: beyond MAX_WAITING per user, the oldest waiting one is dropped."""
    waiting = sorted(
        (item for item in directory.iterdir() if TOKEN.match(item.name)),
        key=lambda item: item.stat().st_mtime,
    )
    uploads = request.session.get(SESSION_KEY, {})
    for item in waiting[: max(0, len(waiting) - MAX_WAITING + 1)]:
        uploads.pop(item.name, None)
        item.unlink(missing_ok=True)
    request.session[SESSION_KEY] = uploads


def _waiting_upload(request, token: str) -> tuple[dict, Path]:
    """The upload behind a token of this user's session; 404 for anything else."""
    if not TOKEN.match(token):
        raise Http404
    meta = request.session.get(SESSION_KEY, {}).get(token)
    path = _user_dir(request.user) / token
    if meta is None or not path.is_file():
        raise Http404
    return meta, path


def _forget(request, token: str, path: Path) -> None:
    uploads = request.session.get(SESSION_KEY, {})
    uploads.pop(token, None)
    request.session[SESSION_KEY] = uploads
    try:
        path.unlink()
    except OSError:
        pass


def _digest(prev) -> str:
    """What the preview showed: the stored versions and every row's status."""
    state = {"versions": prev.versions(), "rows": [(r.sheet, r.number, r.status) for r in prev.rows]}
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


# Pages ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    user = _editor(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        data = file.read(max_bytes() + 1)
        kind, year = form.cleaned_data["kind"], form.cleaned_data["year"]
        try:
            services.preview(data, file.name, user=user, kind=kind, default_year=year)
        except services.FileRefused as refused:
            form.add_error("file", str(refused))
        else:
            directory = _user_dir(user)
            _purge_old()
            _keep_quota(request, directory)
            token = secrets.token_urlsafe(24)
            fd = os.open(directory / token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
            uploads = request.session.get(SESSION_KEY, {})
            uploads[token] = {"name": services.source_name(file.name), "kind": kind, "year": year}
            request.session[SESSION_KEY] = uploads
            return redirect("imports:confirm", token=token)
    status = 400 if form.errors else 200
    return render(request, "imports/upload.html", _upload_context(request, form), status=status)


def _upload_context(request, form):
    return {
        "form": form,
        "committees": scope_for_request(request).committees(),
        "own_committee": None if request.user.sees_whole_province else request.user.committee,
        "max_mb": round(max_bytes() / 2**20, 1),
        "years": range(timezone.localdate().year, MIN_YEAR - 1, -1),
    }


@login_required
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    user = _editor(request)
    meta, path = _waiting_upload(request, token)
    if request.method == "POST" and "cancel" in request.POST:
        _forget(request, token, path)
        messages.info(request, _("The import was cancelled; nothing was written."))
        return redirect("imports:upload")
    try:
        prev = services.preview(
            path.read_bytes(), meta["name"], user=user, kind=meta["kind"], default_year=meta["year"]
        )
    except services.FileRefused as refused:  # e.g. a limit lowered meanwhile
        _forget(request, token, path)
        messages.error(request, str(refused))
        return redirect("imports:upload")
    if request.method == "POST":
        valid_only = request.POST.get("valid_only") == "1"
        if request.POST.get("digest") != _digest(prev):
            messages.warning(
                request,
                _(
                    "The stored data changed since this preview was shown; check the new preview and "
                    "confirm again."
                ),
            )
            return _render_preview(request, token, meta, prev, status=409)
        try:
            with on_lost_connection(request, f"the import of {meta['name']}"):
                result = services.commit(prev, user=user, valid_only=valid_only)
        except services.ImportRefused as refused:
            messages.error(request, str(refused))
            return _render_preview(request, token, meta, prev, status=400, refused=refused.messages)
        except ConnectionLost:
            # The upload is kept: confirming again retries.
            return _render_preview(request, token, meta, prev, status=LOST_STATUS)
        _forget(request, token, path)
        messages.success(
            request,
            _(
                "Imported from %(name)s: %(created)s new, %(updated)s changed, %(unchanged)s unchanged, "
                "%(errors)s row(s) with errors left out."
            )
            % {
                "name": meta["name"],
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "errors": result.errors,
            }
            + "".join(
                f" {m}" for m in (granted_message(result.granted), withdrawn_message(result.withdrawn)) if m
            ),
        )
        grids = _grid_links(prev, meta["kind"])
        return redirect(grids[0][1] if len(grids) == 1 else "imports:upload")
    return _render_preview(request, token, meta, prev)


def _render_preview(request, token, meta, prev, status=200, refused=None):
    counts = prev.counts
    filters = [
        (name, label, sum(counts[st] for st in statuses), statuses) for name, label, statuses in FILTERS
    ]
    chosen = request.GET.get("show")
    if chosen not in {name for name, *_ in FILTERS}:
        chosen = ATTENTION if any(counts[st] for st in (ERROR, NEW, CHANGED)) else ALL
    statuses = next(st for name, _label, _n, st in filters if name == chosen)
    rows = sorted((r for r in prev.rows if r.status in statuses), key=lambda r: r.status != ERROR)
    shown_total = len(rows)
    rows = rows[:SHOWN_ROWS]
    return render(
        request,
        "imports/preview.html",
        {
            "token": token,
            "meta": meta,
            "preview": prev,
            "counts": counts,
            "filters": [(name, label, n) for name, label, n, _st in filters],
            "chosen": chosen,
            "rows": rows,
            "shown": len(rows),
            "total": shown_total,
            "digest": _digest(prev),
            "refused": refused or [],
            "writes": counts[NEW] + counts[CHANGED],
            "confirm_label": _confirm_label(counts),
            "grids": _grid_links(prev, meta["kind"]),
        },
        status=status,
    )


def _confirm_label(counts) -> str:
    """What the confirm button writes, exactly ("Write 6 rows: 4 new, 2 changed"); "" for nothing."""
    writes = counts[NEW] + counts[CHANGED]
    if not writes:
        return ""
    numbers = {"count": writes, "new": counts[NEW], "changed": counts[CHANGED], "errors": counts[ERROR]}
    if counts[ERROR]:
        return (
            ngettext(
                "Write %(count)s valid row: %(new)s new, %(changed)s changed; "
                "leave out %(errors)s with errors",
                "Write %(count)s valid rows: %(new)s new, %(changed)s changed; "
                "leave out %(errors)s with errors",
                writes,
            )
            % numbers
        )
    return (
        ngettext(
            "Write %(count)s row: %(new)s new, %(changed)s changed",
            "Write %(count)s rows: %(new)s new, %(changed)s changed",
            writes,
        )
        % numbers
    )


def _grid_links(prev, kind: str) -> list[tuple[str, str]]:
    """(label, url) of the grid of each committee-year the file is about, to go back to."""
    name = "assessments:rating-grid" if kind == RATINGS else "assessments:member-grid"
    pairs = sorted({(r.committee_id, r.year) for r in prev.rows if r.unit and r.year and r.committee_id})
    links = []
    for committee_pk, year in pairs[:20]:
        committee = prev.units.get(committee_pk)
        if committee is None:
            continue
        url = reverse(name, kwargs={"year": year}) + "?" + urlencode({"committee": committee.code})
        links.append((f"{committee.name} — {year}", url))
    return links


class TemplateForm(forms.Form):
    """What the template download asks for; anything else is a 404."""

    year = forms.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR)
    kind = forms.ChoiceField(choices=KIND_CHOICES, required=False)
    format = forms.ChoiceField(choices=[("xlsx", "xlsx"), ("csv", "csv")], required=False)


@login_required
@require_GET
def template(request):
    """A pre-filled spreadsheet of a committee's units for a year: download, fill, upload."""
    form = TemplateForm(request.GET)
    if not form.is_valid():
        raise Http404
    year = form.cleaned_data["year"]
    kind = form.cleaned_data["kind"] or RATINGS
    fmt = form.cleaned_data["format"] or "xlsx"
    scope = scope_for_request(request, committee_required=True)  # 404 outside the user's scope
    table = export.template_table(kind=kind, year=year, committee=scope.committee, units=scope.units())
    data = export.write(table, fmt, export.sheet_title(kind, year))
    prefix = "xep-loai" if kind == RATINGS else "dang-vien"
    response = HttpResponse(data, content_type=export.XLSX_TYPE if fmt == "xlsx" else export.CSV_TYPE)
    filename = f"{prefix}-{scope.committee.code}-{year}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
