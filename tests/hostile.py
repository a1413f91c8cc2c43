"""Generators of hostile documents (issue 8): made at test time, never checked in as blobs."""

from __future__ import annotations

import io
import zipfile

from .makedocs import W_NS, docx_from_xml


def nested_html(depth: int = 100_000) -> bytes:
    return (b"<html><body>" + b"<div>" * depth + b"<p>Le chauffeur doit suivre l'itin\xc3\xa9raire.</p>"
            + b"</div>" * depth + b"</body></html>")


def html_with_remote_resources() -> bytes:
    return (
        "<!DOCTYPE html><html><head><link rel='stylesheet' href='http://evil.example/x.css'>"
        "<script src='https://evil.example/x.js'></script></head><body>"
        "<h1>CGU</h1><img src='file:///etc/passwd'><iframe src='file:///etc/shadow'>SECRET-IFRAME</iframe>"
        "<object data='http://evil.example/o'>SECRET-OBJECT</object>"
        "<p style=\"background:url('http://evil.example/bg.png')\">Le prix est fixé par la plateforme.</p>"
        "</body></html>"
    ).encode()


def docx_zip_bomb(inflated_mb: int = 80) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("word/document.xml", b" " * (inflated_mb * 1024 * 1024))
    return buf.getvalue()


def docx_billion_laughs() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)
    )
    return docx_from_xml(
        f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]>'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
    )


def docx_external_entity() -> bytes:
    return docx_from_xml(
        '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>a &xxe; b</w:t></w:r></w:p></w:body></w:document>'
    )


def docx_deeply_nested(depth: int = 50_000) -> bytes:
    return docx_from_xml(
        f'<w:document xmlns:w="{W_NS}"><w:body>' + "<w:sdt>" * depth
        + "<w:p><w:r><w:t>Le chauffeur doit suivre l’itinéraire imposé.</w:t></w:r></w:p>" + "</w:sdt>" * depth + "</w:body></w:document>"
    )


def text_with_huge_line(chars: int = 10_000_000) -> bytes:
    return b"Article 1\n\n" + b"Le chauffeur doit rouler. " * (chars // 26) + b"\n"


ONLINE_OFFLINE_HEADER = ("earner_state;city_id;begin_lat;begin_lng;end_lat;end_lng;begin_timestamp_utc;"
                         "end_timestamp_utc;duration_ms;begin_timestamp_local;end_timestamp_local")


def csv_wrong_delimiter() -> bytes:
    """The EU 2021 Online Offline layout, but tab-separated."""
    row = "open\t3\t48.85\t2.35\t48.86\t2.36\t2021-03-01T08:00:00.000Z\t2021-03-01T08:10:00.000Z\t600000\t2021-03-01T09:00:00.000Z\t2021-03-01T09:10:00.000Z"
    return (ONLINE_OFFLINE_HEADER.replace(";", "\t") + "\r\n" + row + "\r\n").encode()


def csv_mixed_encodings() -> bytes:
    """UTF-8 and cp1252 bytes in one file, as happens when exports are concatenated by hand."""
    rows = ["open;3;48.85;2.35;48.86;2.36;2021-03-01T08:00:00.000Z;2021-03-01T08:10:00.000Z;600000;"
            "2021-03-01T09:00:00.000Z;2021-03-01T09:10:00.000Z"]
    return (ONLINE_OFFLINE_HEADER + "\r\n").encode() + rows[0].encode() + "\r\n".encode() + \
        "open;3;é".encode("utf-8") + "è;".encode("cp1252") + b"\r\n"


def csv_huge_line(chars: int = 10_000_000) -> bytes:
    return (ONLINE_OFFLINE_HEADER + "\r\n").encode() + b"open;" + b"x" * chars + b"\r\n"
