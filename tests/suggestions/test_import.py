"""Spreadsheet import: upload → per-row preview with errors → import, through the pages and the service."""

from __future__ import annotations

import io
import time

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from congress.models import Event, Role
from suggestions import importing
from suggestions.models import Signer, Suggestion
from tests.congress.factories import make_user
from tests.deputies.factories import DeputyFactory
from tests.suggestions.factories import loop_cast

HEADINGS = ["领衔代表", "附议代表", "标题", "内容", "分类"]
UPLOAD_URL = reverse("suggestion_import:upload")


def xlsx(rows: list[list], headings: list[str] = HEADINGS, name: str = "建议汇总.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile(name, output.getvalue())


def csv_file(text: str, encoding: str, name: str = "建议.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding))


@pytest.fixture
def cast(db):
    cast = loop_cast()
    # Two deputies share a name, so a row naming only 刘洋 must ask for the number.
    DeputyFactory(body=cast.body, name="刘洋", code="D-LY1")
    DeputyFactory(body=cast.body, name="刘洋", code="D-LY2")
    return cast


def five_rows(cast) -> list[list]:
    """Two valid rows and three with errors: unknown deputy and empty title, ambiguous name, duplicate row."""
    return [
        ["王芳", "李强、赵敏", "关于改善县城公交线路的建议", "公交线路覆盖不足，建议增开环线。", "交通"],
        [cast.other_deputy_record.code, "", "关于加强农村饮水安全的建议", "部分村组水质不稳定。", ""],
        ["张无忌", "", "", "没有标题的内容", ""],
        ["刘洋", "", "关于校园周边交通安全的建议", "上下学时段拥堵。", ""],
        ["王芳", "", "关于改善县城公交线路的建议", "重复录入的一行", "交通"],
    ]


def upload(client, user, file, *, session=None, register=False):
    client.force_login(user)
    data = {"file": file, "session": session.pk if session else "", "register": "on" if register else ""}
    return client.post(UPLOAD_URL, data)


def preview_id_of(response) -> str:
    assert response.status_code == 302, getattr(response, "context", None) and response.context["form"].errors
    return response.url.rstrip("/").split("/")[-1]


def confirm(client, preview_id: str, *, all_or_nothing: bool = False):
    url = reverse("suggestion_import:preview", args=[preview_id])
    return client.post(url, {"all_or_nothing": "on" if all_or_nothing else ""})


def test_preview_shows_every_row_with_its_errors_and_writes_nothing(client, cast):
    # Given a workbook with five rows, three of them wrong
    response = upload(client, cast.staff, xlsx(five_rows(cast)), session=cast.session)

    # When the preview page is opened
    page = client.get(response.url)

    # Then every row is shown with its status and reasons, and nothing is in the database yet
    assert page.status_code == 200
    html = page.content.decode()
    assert page.context["ok_count"] == 2 and page.context["error_count"] == 3
    errors = {row.line: row.errors for row in page.context["preview"].rows}
    assert errors[2] == [] and errors[3] == []
    assert len(errors[4]) == 2 and any("张无忌" in error for error in errors[4])  # unknown deputy, empty title
    assert any("D-LY1" in error and "D-LY2" in error for error in errors[5])
    assert any("2" in error for error in errors[6])
    assert "张无忌" in html and "D-LY2" in html
    assert Suggestion.objects.count() == 0


def test_confirm_creates_exactly_the_valid_rows_as_imports_with_signers_and_session(client, cast):
    # Given a checked preview of five rows, two valid
    preview_id = preview_id_of(upload(client, cast.staff, xlsx(five_rows(cast)), session=cast.session))

    # When staff confirm it
    response = confirm(client, preview_id)

    # Then the two valid rows exist, submitted, imported, in the session, with confirmed signers
    assert response.status_code == 302 and response.url.endswith("/done/")
    created = list(Suggestion.objects.order_by("pk"))
    assert [s.title for s in created] == ["关于改善县城公交线路的建议", "关于加强农村饮水安全的建议"]
    assert {s.source for s in created} == {Suggestion.Source.IMPORT}
    assert {s.status for s in created} == {Suggestion.Status.SUBMITTED}
    assert {s.session_id for s in created} == {cast.session.pk}
    assert created[0].category == cast.category
    signers = {(signer.deputy.name, signer.role) for signer in created[0].signers.select_related("deputy")}
    assert signers == {("王芳", Signer.Role.LEAD), ("李强", Signer.Role.CO), ("赵敏", Signer.Role.CO)}
    assert not created[0].signers.filter(confirmed_at__isnull=True).exists()
    assert created[1].lead_deputy == cast.other_deputy_record
    # And the batch is one event carrying the preview id and what was left out
    event = Event.objects.get(kind=importing.EVENT_KIND)
    assert event.actor == cast.staff and event.data["preview_id"] == preview_id
    assert event.data["created"] == [s.pk for s in created]
    assert [item["line"] for item in event.data["skipped"]] == [4, 5, 6]
    # And the result page links each suggestion to its staff page
    page = client.get(response.url)
    assert f'href="/suggestions/{created[0].pk}/"' in page.content.decode()


def test_confirming_the_same_preview_twice_creates_nothing_more(client, cast):
    # Given a preview that was confirmed once
    preview_id = preview_id_of(upload(client, cast.staff, xlsx(five_rows(cast))))
    confirm(client, preview_id)

    # When it is confirmed again (a double click, a second tab, the back button)
    response = confirm(client, preview_id)

    # Then nothing new is created and the first result is shown
    assert response.status_code == 302 and response.url.endswith(f"{preview_id}/done/")
    assert Suggestion.objects.count() == 2
    assert Event.objects.filter(kind=importing.EVENT_KIND).count() == 1
    assert client.get(reverse("suggestion_import:preview", args=[preview_id])).status_code == 302


def test_a_file_imported_again_through_a_new_preview_is_flagged_as_already_in_the_portal(client, cast):
    # Given the file was imported once
    confirm(client, preview_id_of(upload(client, cast.staff, xlsx(five_rows(cast)))))

    # When the same file is uploaded again
    page = client.get(upload(client, cast.staff, xlsx(five_rows(cast))).url)

    # Then its formerly valid rows are now errors
    assert page.context["ok_count"] == 0


def test_all_or_nothing_imports_nothing_when_a_row_has_errors(client, cast):
    # Given a preview with errors
    preview_id = preview_id_of(upload(client, cast.staff, xlsx(five_rows(cast))))

    # When staff confirm it all-or-nothing
    response = confirm(client, preview_id, all_or_nothing=True)

    # Then nothing is created and the page says why
    assert response.status_code == 200
    assert "3" in str(response.context["form"].non_field_errors())
    assert Suggestion.objects.count() == 0
    assert not Event.objects.filter(kind=importing.EVENT_KIND).exists()


def test_register_at_once_numbers_the_rows_in_file_order(client, cast):
    # Given three valid rows and the choice to register at once
    rows = [["王芳", "", f"关于第{n}件事的建议", "内容", ""] for n in range(1, 4)]
    preview_id = preview_id_of(upload(client, cast.staff, xlsx(rows), session=cast.session, register=True))

    # When staff confirm
    confirm(client, preview_id)

    # Then they are registered with numbers 1, 2, 3 in the file's order
    numbers = list(Suggestion.objects.order_by("pk").values_list("status", "number"))
    assert numbers == [(Suggestion.Status.REGISTERED, n) for n in (1, 2, 3)]


def test_headings_are_found_in_any_order_with_surrounding_spaces(client, cast):
    # Given headings in another order, padded, with an extra numbering column
    headings = ["序号", " 标题 ", "内容", "　领衔代表＊", "分类"]
    file = xlsx([[1, "关于路灯的建议", "路灯不亮", "王芳", ""]], headings=headings)

    # When it is checked
    page = client.get(upload(client, cast.staff, file).url)

    # Then the row is understood
    (row,) = page.context["preview"].rows
    assert row.ok and row.lead_id == cast.lead_deputy.pk and row.title == "关于路灯的建议"


def test_cosigners_split_on_every_separator_and_deputy_numbers_work(client, cast):
    # Given co-signers written with mixed separators and a number
    text = f"李强，赵敏;{cast.other_deputy_record.code} 王 芳"
    file = xlsx([["王芳", text, "标题", "内容", ""]])

    # When it is checked
    page = client.get(upload(client, cast.staff, file).url)

    # Then each co-signer is found once, the lead is not its own co-signer, and a spaced name still matches
    (row,) = page.context["preview"].rows
    assert row.ok, row.errors
    assert sorted(row.cosigner_names) == ["李强", "赵敏"]


def test_control_characters_and_too_long_titles_are_errors(client, cast):
    # Given a title with a control character, a title over 200 characters and an unknown category
    text = "领衔代表,标题,内容,分类\n王芳,标题\x07,内容,\n王芳," + "长" * 201 + ",内容,\n王芳,好,内容,无此类\n"
    file = csv_file(text, "utf-8")

    # When they are checked
    rows = client.get(upload(client, cast.staff, file).url).context["preview"].rows

    # Then each has its reason
    assert any("控制字符" in error or "control" in error for error in rows[0].errors)
    assert any("201" in error for error in rows[1].errors)
    assert any("无此类" in error and "交通" in error for error in rows[2].errors)


def test_a_nul_byte_in_a_csv_cell_is_refused(client, cast):
    # Given a CSV with a NUL byte in the content
    file = csv_file("领衔代表,标题,内容\n王芳,标题,内\x00容\n", "utf-8")

    # When it is uploaded
    response = upload(client, cast.staff, file)

    # Then it is refused as not a spreadsheet, and nothing is written
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert Suggestion.objects.count() == 0


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_a_csv_saved_by_wps_or_excel_is_read(client, cast, encoding):
    # Given a CSV in the encoding a county's Windows machine writes
    file = csv_file("领衔代表,附议代表,标题,内容,分类\r\n王芳,李强,关于修缮敬老院的建议,屋顶漏雨,交通\r\n", encoding)

    # When it is uploaded and confirmed
    preview_id = preview_id_of(upload(client, cast.staff, file))
    confirm(client, preview_id)

    # Then the suggestion arrives intact
    suggestion = Suggestion.objects.get()
    assert suggestion.title == "关于修缮敬老院的建议" and suggestion.content == "屋顶漏雨"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64, "建议.xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "建议.xls"),
        (b"PK\x03\x04" + b"\x00" * 64, "建议.xlsx"),
        (b"", "建议.xlsx"),
    ],
    ids=["renamed-exe", "old-xls", "broken-zip", "empty"],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(client, cast, content, name):
    # When a program renamed .xlsx, an old .xls, a broken archive or an empty file is uploaded
    response = upload(client, cast.staff, SimpleUploadedFile(name, content))

    # Then the form says so in Chinese and nothing is kept
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert any("\u4e00" <= char <= "\u9fff" for char in errors)
    assert Suggestion.objects.count() == 0


@pytest.mark.parametrize("name", ["建议汇总.xlsx", "建议汇总.XLS"])
def test_text_named_as_an_excel_file_is_refused_as_not_a_workbook(client, cast, name):
    # Given a CSV, with the right headings, saved under an Excel name
    text = "领衔代表,标题,内容\n王芳,关于路灯的建议,路灯不亮\n"

    # When it is uploaded
    response = upload(client, cast.staff, SimpleUploadedFile(name, text.encode("utf-8")))

    # Then the form says it is not an Excel workbook, rather than that its heading row is wrong
    errors = " ".join(response.context["form"].errors["file"])
    assert "不是有效的 Excel 工作簿" in errors and name.rsplit(".", 1)[1].lower() in errors
    assert "表头" not in errors
    assert Suggestion.objects.count() == 0


def test_a_workbook_named_csv_is_still_read_as_a_workbook(client, cast):
    response = upload(client, cast.staff, xlsx(five_rows(cast), name="建议.csv"))

    assert response.status_code == 302


def test_a_word_document_renamed_xlsx_is_refused(client, cast):
    # Given a .docx (a ZIP without the workbook part)
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")

    # When it is uploaded as .xlsx
    response = upload(client, cast.staff, SimpleUploadedFile("建议.xlsx", buffer.getvalue()))

    # Then it is refused
    assert "xlsx" in " ".join(response.context["form"].errors["file"])


def test_a_too_large_file_is_refused(client, cast, settings):
    # Given an import limit smaller than the file
    settings.SUGGESTION_IMPORT_MAX_BYTES = 4096
    file = xlsx([["王芳", "", f"标题{n}", "内容" * 50, ""] for n in range(60)])

    # When it is uploaded
    response = upload(client, cast.staff, file)

    # Then the limit is named
    assert "4.0" in " ".join(response.context["form"].errors["file"])


def test_too_many_rows_are_refused(client, cast, settings):
    # Given a row limit of 3
    settings.SUGGESTION_IMPORT_MAX_ROWS = 3

    # When a file of 4 rows is uploaded
    response = upload(client, cast.staff, xlsx([["王芳", "", f"标题{n}", "内容", ""] for n in range(4)]))

    # Then it is refused with the limit
    assert "3" in " ".join(response.context["form"].errors["file"])


def test_a_missing_column_is_named(client, cast):
    # When a file without 内容 is uploaded
    response = upload(client, cast.staff, xlsx([["王芳", "标题"]], headings=["领衔代表", "标题"]))

    # Then the error names the missing column
    assert "内容" in " ".join(response.context["form"].errors["file"])


@pytest.mark.parametrize("who", ["lead_handler", "deputy", "leader", "foreign_staff"])
def test_only_the_bodys_office_staff_can_import(client, cast, who):
    # Given a preview made by the body's staff
    preview_id = preview_id_of(upload(client, cast.staff, xlsx(five_rows(cast))))
    user = getattr(cast, who)
    client.force_login(user)

    # When anyone else tries the pages
    responses = [
        client.get(UPLOAD_URL),
        client.post(UPLOAD_URL, {"file": xlsx(five_rows(cast))}),
        client.get(reverse("suggestion_import:template")),
        confirm(client, preview_id),
    ]

    # Then the import pages are closed to them (foreign staff see their own county, never this preview)
    if who == "foreign_staff":
        assert responses[-1].status_code == 302 and responses[-1].url == UPLOAD_URL
    else:
        assert [r.status_code for r in responses] == [403, 403, 403, 403]
    assert Suggestion.objects.count() == 0


def test_a_colleague_cannot_confirm_or_read_someone_elses_preview(client, cast):
    # Given a preview made by one staff member
    preview_id = preview_id_of(upload(client, cast.staff, xlsx(five_rows(cast))))
    colleague = make_user(body=cast.county.committee, roles=[Role.OFFICE_STAFF])
    client.force_login(colleague)

    # When a colleague opens or confirms it
    page = client.get(reverse("suggestion_import:preview", args=[preview_id]))
    response = confirm(client, preview_id)

    # Then it is as if it did not exist
    assert page.status_code == 404 and response.status_code == 302
    assert Suggestion.objects.count() == 0


def test_the_template_spreadsheet_has_the_chinese_headings_and_an_example_row(client, cast):
    # When staff download the template
    client.force_login(cast.staff)
    response = client.get(reverse("suggestion_import:template"))

    # Then it is an .xlsx whose first sheet starts with the headings and the example
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADINGS and rows[1][0] == "张三"
    # And the template itself passes the heading check
    table = importing.read_table(SimpleUploadedFile("t.xlsx", response.content))
    assert table[0][1] == HEADINGS


def test_the_upload_page_renders_in_chinese(client, cast):
    client.force_login(cast.staff)

    response = client.get(UPLOAD_URL)

    assert response.status_code == 200
    assert "导入" in response.content.decode()


def test_the_result_page_queries_stay_bounded_as_the_import_grows(client, cast, django_assert_max_num_queries):
    # Given two imports, of 3 and of 30 rows
    ids = []
    for count in (3, 30):
        rows = [["王芳", "李强", f"关于第{count}-{n}件事的建议", "内容", "交通"] for n in range(count)]
        preview_id = preview_id_of(upload(client, cast.staff, xlsx(rows), session=cast.session))
        confirm(client, preview_id)
        ids.append(preview_id)

    # Then each result page needs the same small number of queries
    for preview_id in ids:
        with django_assert_max_num_queries(12):
            assert client.get(reverse("suggestion_import:done", args=[preview_id])).status_code == 200


def test_a_session_full_of_paper_suggestions_imports_quickly(client, cast):
    # Given 235 rows, as at Zhong county's session
    deputies = [DeputyFactory(body=cast.body, name=f"代表甲{n}") for n in range(40)]
    rows = [
        [deputies[n % 40].name, deputies[(n + 1) % 40].code, f"关于第{n}项民生事项的建议", "具体内容" * 40, "交通"]
        for n in range(235)
    ]
    file = xlsx(rows)

    # When it is uploaded, checked and imported with registration
    started = time.perf_counter()
    preview_id = preview_id_of(upload(client, cast.staff, file, session=cast.session, register=True))
    checked = time.perf_counter()
    confirm(client, preview_id)
    done = time.perf_counter()

    # Then all 235 are registered
    print(f"\n235 rows: preview {checked - started:.2f}s, import {done - checked:.2f}s")
    assert Suggestion.objects.filter(status=Suggestion.Status.REGISTERED).count() == 235
