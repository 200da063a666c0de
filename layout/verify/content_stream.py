"""A content stream's decoded bytes -> the tokens pdfminer's interpreter takes, in order: each operand as
pdfminer's parser makes it, each operator as its name (a str, which no operand is); ``None`` when qpdf
finds the stream malformed.

qpdf (through pikepdf) tokenizes in C++ what pdfminer's pure-Python parser takes most of reading a PDF
to do. Each object it reads is turned, as it comes, into what pdfminer's parser yields (names
``PSLiteral``, strings bytes, reals float, arrays lists, dictionaries with str keys; an inline image a
``PDFStream`` of its dictionary as written and its data, then ``EI``), so that pdfminer's interpreter
reads the same page, and qpdf's own objects (24 MB for a broadsheet page's) are let go at once; a glyph
run written as WeasyPrint writes it is read from its bytes, without an object made for each item. Where
the two tokenizers part is malformed input, which qpdf repairs in its own way (a stray ``]`` becomes
null, an unterminated string is dropped) and warns about: then ``None``, and the caller reads the stream
with pdfminer's parser as before.
"""

from __future__ import annotations

import binascii
import re
import warnings
from decimal import Decimal

import pikepdf
from pdfminer.pdfinterp import PDFStackT
from pdfminer.pdftypes import PDFStream
from pdfminer.psparser import KWD, LIT, literal_name

Token = PDFStackT | str  # an operand, or an operator's name

# the kinds of qpdf's objects, looked up once: a broadsheet page's streams hold 100,000 objects
_OPERATOR, _INLINE_IMAGE, _ARRAY = pikepdf.ObjectType.operator, pikepdf.ObjectType.inlineimage, pikepdf.ObjectType.array
_NAME, _STRING, _DICTIONARY = pikepdf.ObjectType.name_, pikepdf.ObjectType.string, pikepdf.ObjectType.dictionary
_NULL = KWD(b"null")  # pdfminer reads null as a keyword: in an array or dictionary it is kept as one


def tokens(data: bytes) -> list[Token] | None:
    """The tokens of a content stream's decoded bytes, read by qpdf; ``None`` if qpdf warns about them
    (malformed: pdfminer's parser reads them its own way)."""
    scratch = pikepdf.new()  # a stream needs a PDF to belong to; a fresh one keeps none of the streams
    page = pikepdf.Page(pikepdf.Dictionary(Type=pikepdf.Name.Page, Contents=pikepdf.Stream(scratch, data)))
    reader = _Reader(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pikepdf also warns of a truncated stream, which get_warnings holds
        try:
            page.parse_contents(reader)
        except (pikepdf.PdfError, UnicodeDecodeError):  # names and operators that are not UTF-8
            return None
    return None if reader.malformed or scratch.get_warnings() else reader.tokens


class _Reader(pikepdf.StreamParser):
    """Turns each object qpdf reads into what pdfminer's parser yields."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.data = data
        self.tokens: list[Token] = []
        self.image: list[object] | None = None  # an inline image's dictionary as written, until its data
        self.malformed = False  # an inline image qpdf reads without a warning, and pdfminer would not read

    def handle_object(self, obj: object, offset: int, length: int) -> None:
        kind = obj._type_code if isinstance(obj, pikepdf.Object) else None
        if kind == _OPERATOR:
            self._operator(str(obj))
        elif kind == _INLINE_IMAGE:
            assert isinstance(obj, pikepdf.Object)
            self._image(obj._inline_image_raw_bytes())  # pikepdf's own inline images read it so
        elif self.image is not None:
            self.image.append(_item(obj))
        elif kind == _ARRAY and (run := _glyph_run(self.data[offset : offset + length])):
            self.tokens.append(run)
        elif obj is not None:  # a null operand is a keyword to pdfminer, an operator it has no method for
            self.tokens.append(_operand(obj))

    def handle_eof(self) -> None:
        self.malformed |= self.image is not None

    def _operator(self, name: str) -> None:
        if self.image is None:  # pdfminer's parser takes BI and ID itself: the interpreter sees the image, then EI
            if name == "BI":
                self.image = []
            else:
                self.tokens.append(name)
        elif name != "ID":  # an image's dictionary holds no operator but the ID that ends it
            self.malformed = True

    def _image(self, data: bytes) -> None:
        written, self.image = self.image, None
        if written is None or len(written) % 2:
            self.malformed = True
            return
        attributes = {literal_name(key): value for key, value in zip(written[::2], written[1::2])}
        self.tokens.append(PDFStream(attributes, data))


# A TJ operator's array as WeasyPrint writes it: glyph codes as hex strings, each followed by at most one
# number (the kerning after it), in nothing but digits, with no white space: [<0027>0<0044>-30.71<>12]
_GLYPH_RUN = re.compile(rb"\[(?:<(?:[0-9a-fA-F]{2})*>(?:-?[0-9]+(?:\.[0-9]+)?(?=[<\]]))?)*\]")
_CODE_AND_KERNING = re.compile(rb"<([0-9a-fA-F]*)>([-.0-9]*)")


def _glyph_run(written: bytes) -> list[PDFStackT] | None:
    """The items of an array written as WeasyPrint writes a TJ operator's, read from its bytes; ``None``
    for any other array. Each item is what ``_operand`` makes of qpdf's, without a qpdf object made for
    it (a broadsheet page's arrays hold 80,000 items): a hex string's bytes, an integer, and a real as
    the float nearest its digits (qpdf keeps a real's digits as written, and a Decimal converts to the
    float nearest it)."""
    if not _GLYPH_RUN.fullmatch(written):
        return None
    items: list[PDFStackT] = []
    for code, kerning in _CODE_AND_KERNING.findall(written):
        items.append(binascii.unhexlify(code))
        if kerning:
            items.append(float(kerning) if b"." in kerning else int(kerning))
    return items


def _operand(operand: object) -> PDFStackT:
    """What pdfminer's parser yields for the token qpdf read."""
    if isinstance(operand, int):  # bool too
        return operand
    if isinstance(operand, Decimal):
        return float(operand)
    assert isinstance(operand, pikepdf.Object), f"pikepdf yields numbers, null or its objects: {operand!r}"
    kind = operand._type_code
    if kind == _NAME:
        return LIT(str(operand)[1:])
    if kind == _STRING:
        return bytes(operand)
    if kind == _ARRAY:
        return [_item(item) for item in operand]
    if kind == _DICTIONARY:
        return {key[1:]: _item(value) for key, value in operand.items()}
    raise pikepdf.PdfError(f"a {kind.name} in a content stream")  # a stream: not an operand


def _item(item: object) -> object:
    """What pdfminer's parser yields for a token inside an array or a dictionary."""
    return _NULL if item is None else _operand(item)
