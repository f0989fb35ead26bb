"""What a file is, judged from its bytes (never from its name), against the evidence allow-list.

Accepted: PDF; Office files (OOXML: docx/xlsx/pptx, and the legacy OLE compound format);
OpenDocument; PNG, JPEG, GIF and WebP images; CSV and plain text (valid UTF-8, no NUL bytes,
not markup). Refused with a reason: programs and scripts (whatever their name), HTML, XML and
SVG (a browser may run their scripts), PDFs with HTML or a script in their first kilobytes, other
archives, and anything unrecognised. The name a file is kept and offered under always ends in the
extension of the kind found (`honest_file_name`).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

HEAD_BYTES = 8192

# How much of a PDF's start is searched for `<script` / `<html`. A browser that guesses a file's
# type from its bytes (a file opened from disk, a download served without our headers) reads at
# most the first 1445 bytes (WHATWG MIME Sniffing, "resource header"); 4 KiB covers that with a
# margin, while a genuine PDF's header and first objects do not hold markup, and text further in
# (inside compressed streams, or quoted in the document) is left alone.
PDF_MARKUP_SCAN_BYTES = 4096


class RefusedFile(Exception):
    """The file is not accepted; the message says why, in words for the uploader."""


@dataclass(frozen=True)
class FileKind:
    kind: str  # short code kept with the revision: pdf, docx, ods, png, text, …
    content_type: str
    label: str


PDF = FileKind("pdf", "application/pdf", "PDF")
PNG = FileKind("png", "image/png", "PNG image")
JPEG = FileKind("jpeg", "image/jpeg", "JPEG image")
GIF = FileKind("gif", "image/gif", "GIF image")
WEBP = FileKind("webp", "image/webp", "WebP image")
OLE = FileKind("office-legacy", "application/x-ole-storage", "Office document (legacy format)")
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document")
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel workbook")
PPTX = FileKind(
    "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint presentation"
)
CSV = FileKind("csv", "text/csv", "CSV table")
TEXT = FileKind("text", "text/plain", "Plain text")

_OOXML_PARTS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
_ODF_PREFIX = "application/vnd.oasis.opendocument."
_ODF_KINDS = {"text": "odt", "spreadsheet": "ods", "presentation": "odp", "graphics": "odg"}

# Programs: Windows (MZ), Linux (ELF), macOS (Mach-O, both byte orders and fat binaries), Java
# class files share the fat-binary magic; WebAssembly.
_EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"\x00asm",
)
_MARKUP = re.compile(rb"^\s*<(?:!doctype\s+html|html|head|body|script|svg|\?xml|!--|iframe|object|embed)\b", re.I)
_MARKUP_ANYWHERE = re.compile(rb"<(?:script|svg|html|iframe)\b", re.I)
_PDF_MARKUP = re.compile(rb"<(?:script|html)", re.I)


def _refuse_program(head: bytes) -> None:
    if head.startswith(_EXECUTABLE_MAGIC):
        raise RefusedFile(_("This file is a program, not a document; programs are never accepted."))
    if head.startswith(b"#!"):
        raise RefusedFile(_("This file is a script, not a document; scripts are never accepted."))


def _sniff_zip(stream: IO[bytes]) -> FileKind:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(100).decode("ascii", "replace").strip()
                if mimetype.startswith(_ODF_PREFIX):
                    family = mimetype[len(_ODF_PREFIX) :].split("-")[0]
                    short = _ODF_KINDS.get(family)
                    if short:
                        return FileKind(short, mimetype, "OpenDocument file")
            if "[Content_Types].xml" in names:
                for prefix, kind in _OOXML_PARTS:
                    if any(name.startswith(prefix) for name in names):
                        return kind
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise RefusedFile(_("This file looks like a damaged ZIP archive.")) from exc
    finally:
        stream.seek(0)
    raise RefusedFile(
        _("ZIP archives are not accepted; upload the documents themselves (Office and OpenDocument files are fine).")
    )


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    body = head[3:] if head.startswith(codecs.BOM_UTF8) else head
    try:
        # The head may end in the middle of a character: a final incomplete sequence is fine.
        codecs.getincrementaldecoder("utf-8")().decode(body, final=False)
    except UnicodeDecodeError:
        return False
    return True


def sniff(stream: IO[bytes], name: str) -> FileKind:
    """The kind of the file in `stream` (rewound afterwards), or RefusedFile with the reason.

    `name` only picks CSV over plain text for a file whose content is text; it never admits
    a file the content would not.
    """
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    if not head:
        raise RefusedFile(_("This file is empty."))
    _refuse_program(head)
    if head.startswith(b"%PDF-"):
        if _PDF_MARKUP.search(head[:PDF_MARKUP_SCAN_BYTES]):
            raise RefusedFile(
                _(
                    "This PDF has HTML or a script in its first %(kib)s KiB, which a browser could run; "
                    "it is refused. Save or print the document as PDF again and upload that file."
                )
                % {"kib": PDF_MARKUP_SCAN_BYTES // 1024}
            )
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(stream)
    if _looks_like_text(head):
        text_head = head[3:] if head.startswith(codecs.BOM_UTF8) else head
        if _MARKUP.match(text_head) or _MARKUP_ANYWHERE.search(text_head):
            raise RefusedFile(
                _("HTML, XML and SVG files are not accepted (a browser may run scripts inside them); save it as PDF.")
            )
        return CSV if name.lower().endswith(".csv") else TEXT
    raise RefusedFile(
        _(
            "This type of file is not accepted. Accepted: PDF, Office and OpenDocument files, "
            "PNG, JPEG, GIF and WebP images, CSV and plain text."
        )
    )


class TextChecker:
    """Checks, chunk by chunk, that a file sniffed as text is UTF-8 without NUL bytes throughout."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self.ok = True

    def feed(self, chunk: bytes) -> None:
        if not self.ok:
            return
        if b"\x00" in chunk:
            self.ok = False
            return
        try:
            self._decoder.decode(chunk, final=False)
        except UnicodeDecodeError:
            self.ok = False

    def finish(self) -> bool:
        if self.ok:
            try:
                self._decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self.ok = False
        return self.ok


_UNSAFE_NAME_CHARS = re.compile(r"[^\w .()+,-]+", re.UNICODE)
MAX_NAME_LENGTH = 150


def sanitise_file_name(raw: str) -> str:
    """A display and download name: no folders, no control or shell characters, no leading dots."""
    name = unicodedata.normalize("NFKC", raw or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE_NAME_CHARS.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    name = name.lstrip("-")
    if not name or set(name) <= {"_", "."}:
        name = "file"
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(ext) - 1] + "." + ext
        else:
            name = name[:MAX_NAME_LENGTH]
    return name


# The extensions each kind may carry, the usual one first; a name ending otherwise gets the usual
# one. The legacy Office format does not tell Word, Excel and PowerPoint apart, so it has no usual
# extension: an upload must already carry one of its own (`needs_own_extension`).
KIND_EXTENSIONS: dict[str, tuple[str, ...]] = {
    PDF.kind: ("pdf",),
    PNG.kind: ("png",),
    JPEG.kind: ("jpg", "jpeg", "jpe", "jfif"),
    GIF.kind: ("gif",),
    WEBP.kind: ("webp",),
    OLE.kind: ("doc", "dot", "xls", "xlt", "ppt", "pot", "pps"),
    DOCX.kind: ("docx", "dotx"),
    XLSX.kind: ("xlsx", "xltx"),
    PPTX.kind: ("pptx", "ppsx", "potx"),
    CSV.kind: ("csv",),
    TEXT.kind: ("txt", "text", "md", "log", "tsv"),
    **{short: (short,) for short in _ODF_KINDS.values()},
}
_NO_USUAL_EXTENSION = frozenset({OLE.kind})
# Extensions that claim a type, stripped from the end of a name before the honest one is put on
# (`Policy.html.pdf` → `Policy.pdf`): every accepted one, and those a computer would open as a
# web page, an image with scripts, or a program.
_TYPE_EXTENSIONS = frozenset(ext for exts in KIND_EXTENSIONS.values() for ext in exts) | {
    "htm", "html", "xhtml", "shtml", "mht", "mhtml", "hta", "svg", "svgz", "xml", "xsl", "xslt",
    "js", "mjs", "jse", "vbs", "vbe", "wsf", "ps1", "sh", "bat", "cmd", "com", "exe", "scr", "msi",
    "dll", "jar", "app", "lnk", "pif", "cpl", "docm", "xlsm", "pptm", "swf", "php",
}  # fmt: skip


def _split_extension(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    if dot and stem and 0 < len(ext) <= 10 and ext.isalnum():
        return stem, ext
    return name, ""


def needs_own_extension(name: str, kind: str) -> bool:
    """A file whose kind has no usual extension and whose name does not carry one of the kind's."""
    return kind in _NO_USUAL_EXTENSION and _split_extension(name)[1].lower() not in KIND_EXTENSIONS[kind]


def honest_file_name(name: str, kind: str) -> str:
    """The sanitised name with the extension of the kind read from the bytes.

    An extension the kind may carry is kept as written (`Scan.JPEG`); any other type-claiming
    extensions are dropped from the end (`Policy.html.pdf`, `Policy.html` → `Policy.pdf`) and the
    kind's usual extension put on. A kind without one (legacy Office) or unknown gets `.bin`, a
    name nothing opens by itself.
    """
    name = sanitise_file_name(name)
    allowed = KIND_EXTENSIONS.get(kind, ())
    stem, ext = _split_extension(name)
    kept = ext if ext.lower() in allowed else ""
    if not ext or not (kept or ext.lower() in _TYPE_EXTENSIONS):
        stem = name
    while True:
        shorter, inner = _split_extension(stem)
        if not inner or inner.lower() not in _TYPE_EXTENSIONS:
            break
        stem = shorter
    if not kept:
        kept = "bin" if kind in _NO_USUAL_EXTENSION or not allowed else allowed[0]
    return f"{stem}.{kept}"
