"""The web console over a real server on loopback, on SQLite and PostgreSQL: signing in and out,
sessions and CSRF, what each role may do, the board's filters, a site, a visit's seal, statistics
and the downloads, each checked against what the server's database holds."""

from __future__ import annotations

import io
import json
import re
import ssl
from datetime import timedelta
from pathlib import Path

import docx
import httpx
import openpyxl
import pytest
from sqlalchemy import select, update

from inspector.core.clock import local_date
from inspector.core.visits import Visit, rectifications
from inspector.server.board import open_rectifications
from inspector.server.db import board_rows, visits
from tests.conftest import DEMO_TODAY
from tests.server.certificates import make_county_ca
from tests.server.harness import ThreadServer
from tests.web.conftest import PASSWORD, County, csrf_of, sign_in

TODAY = local_date(DEMO_TODAY)


def _all_rows(county: County) -> list[dict]:
    open_rectifications(county.bureau.database, TODAY)  # brings the board up to date
    with county.bureau.database.reading() as conn:
        rows = conn.execute(select(board_rows)).all()
    return [{**row._mapping, "record": json.loads(row.record)} for row in rows]


def _ids_on(page: str) -> list[str]:
    """The rows a board page lists (one ``<tr class="row-LIGHT">`` each)."""
    return [line for line in page.splitlines() if 'class="row-' in line]


def test_staff_sign_in_see_the_whole_board_and_sign_out(county: County) -> None:
    client, answer = sign_in(county.url, county.names["admin"])
    assert answer.status_code == 303 and answer.headers["location"] == "/web/board"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/web" in cookie and "Max-Age=" in cookie
    assert "Secure" not in cookie  # plain http on loopback; under TLS see the test below

    board = client.get("/web/board")
    assert board.status_code == 200
    rows = _all_rows(county)
    assert rows, "the demo leaves rectifications on the board"
    assert len(_ids_on(board.text)) == len(rows)
    assert board.headers["content-security-policy"].startswith("default-src 'none'")
    assert board.headers["x-frame-options"] == "DENY"

    session_id = client.cookies["inspector_session"]
    signout = client.post("/web/signout", data={"csrf": csrf_of(board.text)})
    assert signout.status_code == 303 and signout.headers["location"] == "/web/signin"
    # the old cookie, kept by someone, opens nothing: the session is gone on the server
    again = httpx.get(f"{county.url}/web/board", cookies={"inspector_session": session_id})
    assert again.status_code == 303 and again.headers["location"].startswith("/web/signin")
    client.close()


def test_the_board_filters_one_townships_overdue_items(county: County) -> None:
    rows = _all_rows(county)
    overdue = [row for row in rows if row["open"] and row["due"] < TODAY.isoformat()]
    assert overdue, "the demo has overdue items"
    township = overdue[0]["township"]
    expected = {row["id"] for row in overdue if row["township"] == township}
    client, _ = sign_in(county.url, county.names["viewer"])
    page = client.get("/web/board", params={"township": township, "window": "overdue"})
    assert page.status_code == 200
    listed = _ids_on(page.text)
    assert len(listed) == len(expected)
    assert all("row-overdue" in line for line in listed)
    assert "红灯：逾期" in page.text  # the light in words, not colour alone

    # the same filter, downloaded: exactly those rows
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get("/web/exports/county.xlsx", params={"township": township, "window": "overdue"}).content)
    )
    sheet = workbook.active
    assert sheet["A1"].value == "乡镇（街道）"
    assert {row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)} == expected

    # every other filter answers, each with a subset of the whole board
    area = rows[0]["record"]["area"]
    by_area = client.get("/web/board", params={"area": area})
    assert len(_ids_on(by_area.text)) == sum(1 for row in rows if row["record"]["area"] == area)
    with county.bureau.database.reading() as conn:
        kinds = {
            Visit.from_dict(json.loads(body)).site.id: Visit.from_dict(json.loads(body)).site.kind.value
            for body in conn.execute(select(visits.c.body)).scalars()
        }
    kind = kinds[rows[0]["site_id"]]
    by_kind = client.get("/web/board", params={"kind": kind})
    assert len(_ids_on(by_kind.text)) == sum(1 for row in rows if kinds[row["site_id"]] == kind)
    closed = client.get("/web/board", params={"window": "closed", "sort": "severity", "order": "desc"})
    assert len(_ids_on(closed.text)) == sum(1 for row in rows if not row["open"])
    soon = client.get("/web/board", params={"window": "soon", "due_from": TODAY.isoformat()})
    window = {(TODAY + timedelta(days=days)).isoformat() for days in range(4)}
    assert len(_ids_on(soon.text)) == sum(1 for row in rows if row["open"] and row["due"] in window)
    team = client.get("/web/board", params={"team": "nobody"})
    assert _ids_on(team.text) == []
    client.close()


def test_bad_input_is_a_page_that_says_what_not_a_traceback(county: County) -> None:
    client, _ = sign_in(county.url, county.names["viewer"])
    bad_date = client.get("/web/board", params={"due_from": "2026-13-45"})
    assert bad_date.status_code == 400 and "due_from = 2026-13-45" in bad_date.text
    assert client.get("/web/board", params={"page": "-3", "sort": "'; drop", "kind": "x"}).status_code == 200
    assert client.get("/web/sites/NO-SUCH").status_code == 404
    assert client.get("/web/visits/not-a-uuid/1").status_code == 404
    assert client.get("/web/photos/" + "0" * 64).status_code == 404
    assert client.get("/web/nowhere").status_code == 404
    reflected = client.get("/web/board", params={"due_from": "<script>x"})
    assert reflected.status_code == 400 and "<script>" not in reflected.text and "&lt;script&gt;x" in reflected.text
    with county.bureau.database.writing() as conn:
        row = conn.execute(select(visits.c.seq, visits.c.uuid, visits.c.version).limit(1)).one()
        conn.execute(update(visits).where(visits.c.seq == row.seq).values(body=b'{"seal": 1}'))
    damaged = client.get(f"/web/visits/{row.uuid}/{row.version}")
    assert damaged.status_code == 422 and "已损坏" in damaged.text
    client.close()


def test_a_site_shows_every_visit_and_its_findings_with_photos(county: County) -> None:
    rows = _all_rows(county)
    with_photo = next(row for row in rows if row["record"]["evidence"])
    client, _ = sign_in(county.url, county.names["viewer"])
    page = client.get(f"/web/sites/{with_photo['site_id']}")
    assert page.status_code == 200
    assert with_photo["record"]["item_text"] in page.text
    sha256 = with_photo["record"]["evidence"][0]["sha256"]
    assert f"/web/photos/{sha256}/thumbnail" in page.text
    thumbnail = client.get(f"/web/photos/{sha256}/thumbnail")
    assert thumbnail.status_code == 200 and thumbnail.headers["content-type"] == "image/jpeg"
    assert thumbnail.content.startswith(b"\xff\xd8")
    original = client.get(f"/web/photos/{sha256}")
    assert original.headers["content-type"] == "image/png" and original.content.startswith(b"\x89PNG")
    assert original.headers["x-content-type-options"] == "nosniff"
    with county.bureau.database.reading() as conn:
        site_visits = conn.execute(select(visits.c.uuid).where(visits.c.site_id == with_photo["site_id"])).all()
    assert all(f"/web/visits/{row.uuid}/" in page.text for row in site_visits)
    client.close()


def test_a_visit_page_says_whether_its_seal_verifies(county: County) -> None:
    with county.bureau.database.reading() as conn:
        row = conn.execute(select(visits.c.seq, visits.c.uuid, visits.c.version, visits.c.body).limit(1)).one()
    visit = Visit.from_dict(json.loads(row.body))
    client, _ = sign_in(county.url, county.names["viewer"])
    page = client.get(f"/web/visits/{row.uuid}/{row.version}")
    assert page.status_code == 200
    assert "封存校验通过" in page.text and visit.seal in page.text
    assert visit.site.name in page.text
    for record in rectifications(visit):
        assert record.note in page.text

    tampered = json.loads(row.body)
    tampered["lead"] = "某某"
    with county.bureau.database.writing() as conn:
        conn.execute(
            update(visits).where(visits.c.seq == row.seq).values(body=json.dumps(tampered, ensure_ascii=False).encode())
        )
    page = client.get(f"/web/visits/{row.uuid}/{row.version}")
    assert "封存校验未通过" in page.text
    client.close()


def test_statistics_count_what_the_server_holds(county: County) -> None:
    with county.bureau.database.reading() as conn:
        bodies = [Visit.from_dict(json.loads(body)) for body in conn.execute(select(visits.c.body)).scalars()]
    inspected = [visit for visit in bodies if not visit.reinspects]
    rows = _all_rows(county)
    client, _ = sign_in(county.url, county.names["viewer"])
    page = client.get("/web/stats")
    assert page.status_code == 200
    assert page.text.count("<svg") == 2 and 'role="img"' in page.text
    assert f"<dt>整改事项</dt><dd>{len(rows)}</dd>" in page.text
    assert f"<dt>已销号</dt><dd>{sum(1 for row in rows if not row['open'])}</dd>" in page.text
    month = inspected[0].arrived_at[:7]
    per_month = [visit for visit in inspected if visit.arrived_at[:7] == month]
    expected_cells = f'<th scope="row">{month}</th><td>{len(per_month)}</td>'
    assert expected_cells in page.text
    findings = sum(len(rectifications(visit)) for visit in per_month)
    assert f"{expected_cells}<td>{findings}</td>" in page.text
    assert "https://" not in page.text  # nothing loaded from elsewhere
    client.close()


def test_bulletin_and_chase_list_are_word_documents_of_the_county(county: County) -> None:
    client, _ = sign_in(county.url, county.names["admin"])
    exports = client.get("/web/exports")
    form = {"csrf": csrf_of(exports.text), "start": TODAY.replace(day=1).isoformat(), "end": TODAY.isoformat()}
    bulletin = client.post("/web/exports/bulletin.docx", data=form)
    assert bulletin.status_code == 200, bulletin.text
    assert "attachment" in bulletin.headers["content-disposition"]
    text = "\n".join(paragraph.text for paragraph in docx.Document(io.BytesIO(bulletin.content)).paragraphs)
    assert "督导检查情况的通报" in text.replace("\n", "")
    number = re.search(r"鲁民督通〔2026〕\d+号", text)
    assert number, text[:200]
    again = client.post("/web/exports/bulletin.docx", data=form)
    assert number[0] in "\n".join(p.text for p in docx.Document(io.BytesIO(again.content)).paragraphs)

    chase = client.get("/web/exports/chase.docx")
    document = docx.Document(io.BytesIO(chase.content))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    overdue = [row for row in _all_rows(county) if row["open"] and row["due"] < TODAY.isoformat()]
    assert {row["site_name"] for row in overdue} <= cells

    empty = client.post("/web/exports/bulletin.docx", data={**form, "start": "2020-01-01", "end": "2020-01-31"})
    assert empty.status_code == 404 and "2020-01-01" in empty.text
    backwards = client.post("/web/exports/bulletin.docx", data={**form, "start": "2026-11-30", "end": "2026-11-01"})
    assert backwards.status_code == 400
    client.close()


def test_each_role_gets_only_what_it_may(county: County) -> None:
    viewer, _ = sign_in(county.url, county.names["viewer"])
    exports = viewer.get("/web/exports")
    assert "bulletin.docx" not in exports.text  # no form for what the role may not do
    refused = viewer.post(
        "/web/exports/bulletin.docx", data={"csrf": csrf_of(exports.text), "start": "2026-11-01", "end": "2026-11-28"}
    )
    assert refused.status_code == 403
    assert viewer.get("/web/exports/county.xlsx").status_code == 200
    viewer.close()

    lead, answer = sign_in(county.url, county.names["lead"])  # right password, a team's role
    assert answer.status_code == 403 and "inspector_session" not in lead.cookies
    assert lead.get("/web/board").status_code == 303
    lead.close()

    # a laptop's token opens no page, and a session opens nothing of the API
    token = county.bureau.tokens["admin"]
    assert httpx.get(f"{county.url}/web/board", headers={"Authorization": f"Bearer {token}"}).status_code == 303
    admin, _ = sign_in(county.url, county.names["admin"])
    assert admin.get("/api/v1/feed").status_code == 401
    assert (
        admin.get("/api/v1/hello", params={"nonce": "n" * 20}, headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )
    admin.close()


def test_posts_without_their_csrf_token_are_refused(county: County) -> None:
    client, _ = sign_in(county.url, county.names["admin"])
    assert client.post("/web/signout", data={}).status_code == 403
    assert client.post("/web/signout", data={"csrf": "forged"}).status_code == 403
    assert (
        client.post("/web/exports/bulletin.docx", data={"start": "2026-11-01", "end": "2026-11-28"}).status_code == 403
    )
    assert client.get("/web/board").status_code == 200  # still signed in: nothing was done

    # the sign-in form too: its token must match its own cookie (no signing a victim in as someone else)
    stranger = httpx.Client(base_url=county.url)
    form = stranger.get("/web/signin")
    stranger.cookies.clear()
    answer = stranger.post(
        "/web/signin", data={"csrf": csrf_of(form.text), "name": county.names["admin"], "password": PASSWORD}
    )
    assert answer.status_code == 403
    stranger.close()
    client.close()


def test_failed_sign_ins_are_slowed_down(county: County) -> None:
    client = httpx.Client(base_url=county.url)
    for _ in range(5):
        form = client.get("/web/signin")
        answer = client.post(
            "/web/signin", data={"csrf": csrf_of(form.text), "name": county.names["admin"], "password": "guess-guess"}
        )
        assert answer.status_code == 401 and "账号名或密码不正确" in answer.text
    form = client.get("/web/signin")
    answer = client.post(
        "/web/signin", data={"csrf": csrf_of(form.text), "name": county.names["admin"], "password": PASSWORD}
    )
    assert answer.status_code == 429 and "inspector_session" not in client.cookies
    client.close()


def test_english_on_request(county: County) -> None:
    client, _ = sign_in(county.url, county.names["viewer"])
    switched = client.get("/web/language", params={"to": "en", "next": "/web/stats"})
    assert switched.status_code == 303 and switched.headers["location"] == "/web/stats"
    page = client.get("/web/stats")
    assert "County statistics" in page.text and '<html lang="en">' in page.text
    elsewhere = client.get("/web/language", params={"to": "en", "next": "https://evil.example/"})
    assert elsewhere.headers["location"] == "/web/board"
    client.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_under_tls_the_session_cookie_is_secure(county: County, tmp_path: Path) -> None:
    ca, certificate, key = make_county_ca(tmp_path / "tls")
    server = ThreadServer(county.bureau.app, ssl_certfile=certificate, ssl_keyfile=key).start()
    try:
        with httpx.Client(base_url=server.url, verify=ssl.create_default_context(cafile=str(ca))) as client:
            form = client.get("/web/signin")
            answer = client.post(
                "/web/signin", data={"csrf": csrf_of(form.text), "name": county.names["admin"], "password": PASSWORD}
            )
    finally:
        server.stop()
    assert answer.status_code == 303 and "Secure" in answer.headers["set-cookie"]
    assert "Secure" in form.headers["set-cookie"]  # the sign-in form's own token cookie too
