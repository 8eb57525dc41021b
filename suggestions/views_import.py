"""Pages of the spreadsheet import: upload, per-row preview and confirmation, result, template download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from congress.models import Body, CongressSession
from suggestions import importing
from suggestions.forms_import import ImportConfirmForm, ImportUploadForm

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_importer(request: HttpRequest) -> Body:
    body = importing.import_body(request.user)
    if not importing.can_import(request.user, body):
        raise PermissionDenied
    return body


def _detail_url(pk: int) -> str:
    # The staff detail page lives in the suggestions area; until its route exists the address is the same.
    try:
        return reverse("suggestions:detail", args=[pk])
    except NoReverseMatch:
        return f"/suggestions/{pk}/"


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Take the spreadsheet and the choices for it, check every row, and show the preview."""
    body = _require_importer(request)
    sessions = importing.import_sessions(body)
    form = ImportUploadForm(request.POST or None, request.FILES or None, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        try:
            preview = importing.import_preview_create(
                upload=form.cleaned_data["file"],
                actor=request.user,
                session=form.cleaned_data["session"],
                register=form.cleaned_data["register"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("suggestion_import:preview", preview_id=preview.id)
    return render(request, "suggestions/import_upload.html", {"form": form, "body": body})


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, preview_id: str) -> HttpResponse:
    """Show every row with its status; on confirmation import the valid rows in one go."""
    _require_importer(request)
    form = ImportConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = importing.suggestions_import(
                preview_id=preview_id, actor=request.user, all_or_nothing=form.cleaned_data["all_or_nothing"]
            )
        except importing.PreviewMissing:
            messages.error(request, _("This preview has expired or was never made. Upload the file again."))
            return redirect("suggestion_import:upload")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if result.already_done:
                messages.info(request, _("This file was already imported; nothing was imported again."))
            return redirect("suggestion_import:done", preview_id=result.preview_id)
    if importing.import_done(preview_id=preview_id, actor=request.user):
        # A confirmed preview leads to what its import did, whoever clicks back to it.
        return redirect("suggestion_import:done", preview_id=preview_id)
    try:
        preview = importing.import_preview_get(preview_id=preview_id, actor=request.user)
    except importing.PreviewMissing:
        raise Http404 from None
    show_errors_only = request.GET.get("show") == "errors"
    context = {
        "preview": preview,
        "rows": preview.error_rows if show_errors_only else preview.rows,
        "show_errors_only": show_errors_only,
        "ok_count": len(preview.ok_rows),
        "error_count": len(preview.error_rows),
        "session": CongressSession.objects.select_related("term").filter(pk=preview.session_id).first(),
        "form": form,
    }
    return render(request, "suggestions/import_preview.html", context)


@login_required
@require_GET
def import_done(request: HttpRequest, preview_id: str) -> HttpResponse:
    """Show the suggestions an import created and the rows it left out."""
    _require_importer(request)
    try:
        result = importing.import_result_get(preview_id=preview_id, actor=request.user)
    except importing.PreviewMissing:
        raise Http404 from None
    suggestions = importing.imported_suggestions(result)
    for suggestion in suggestions:
        suggestion.detail_url = _detail_url(suggestion.pk)
    return render(request, "suggestions/import_done.html", {"result": result, "suggestions": suggestions})


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    """Send the template spreadsheet with the Chinese headings and an example row."""
    _require_importer(request)
    response = HttpResponse(importing.template_workbook(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, _("suggestion-import-template") + ".xlsx")
    return response
