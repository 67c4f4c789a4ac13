"""The list of documents issued: each notice, record and bulletin once, with its number and file."""

from __future__ import annotations

from datetime import date

from inspector.services.documents import issue_bulletin, issue_notice, issued_documents, write_record
from inspector.store.store import Store
from tests.documents.conftest import signed_with_failures


def test_every_document_written_is_listed_once_newest_first_with_its_file(demo: Store) -> None:
    visit = signed_with_failures(demo)
    notice = issue_notice(demo, visit.uuid)
    record = write_record(demo, visit.uuid)
    again = issue_notice(demo, visit.uuid)  # made again: same number, same file, one row
    bulletin = issue_bulletin(demo, start=date(2026, 11, 1), end=date(2026, 11, 28))
    listed = issued_documents(demo)
    assert [(doc.kind, doc.number, doc.path) for doc in listed] == [
        ("bulletin", bulletin.number, bulletin.path.resolve()),
        ("record", "", record.path.resolve()),
        ("notice", notice.number, notice.path.resolve()),
    ]
    assert again.number == notice.number
    assert listed[2].site == visit.site.name and all(doc.path and doc.path.exists() for doc in listed)


def test_numbers_given_before_documents_were_noted_are_listed_without_a_file(demo: Store) -> None:
    visit = signed_with_failures(demo)
    notice = issue_notice(demo, visit.uuid)
    demo.db("documents.json").table("issued").truncate()
    (listed,) = issued_documents(demo)
    assert (listed.kind, listed.number, listed.site, listed.path) == ("notice", notice.number, visit.site.name, None)
