"""A content stream's decoded bytes -> its instructions, each the operands as pdfminer's parser makes
them and the operator's name; ``None`` when qpdf finds the stream malformed.

qpdf (through pikepdf) tokenizes in C++ what pdfminer's pure-Python parser takes most of reading a PDF
to do. Its operands are turned into exactly what pdfminer's parser yields (names ``PSLiteral``, strings
bytes, reals float, arrays lists, dictionaries with str keys; an inline image a ``PDFStream`` of its
dictionary as written and its data, drawn by ``EI``), so that pdfminer's interpreter reads the same page.
Where the two tokenizers part is malformed input, which qpdf repairs in its own way (a stray ``]``
becomes null, an unterminated string is dropped) and warns about: then ``None``, and the caller reads
the stream with pdfminer's parser as before.
"""

from __future__ import annotations

import warnings
from decimal import Decimal

import pikepdf
from pdfminer.pdfinterp import PDFStackT
from pdfminer.pdftypes import PDFStream
from pdfminer.psparser import KWD, LIT

INLINE_IMAGE_END = "EI"  # pdfminer's parser hands an inline image to the interpreter's EI

Instruction = tuple[list[PDFStackT], str]  # operands, operator

_NULL = KWD(b"null")  # pdfminer reads null as a keyword: in an array or dictionary it is kept as one


def instructions(data: bytes) -> list[Instruction] | None:
    """The instructions of a content stream's decoded bytes, tokenized by qpdf; ``None`` if qpdf warns
    about them (malformed: pdfminer's parser reads them its own way)."""
    scratch = pikepdf.new()  # a stream needs a PDF to belong to; a fresh one keeps none of the streams
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pikepdf also warns of a truncated stream, which get_warnings holds
        try:
            parsed = pikepdf.parse_content_stream(pikepdf.Stream(scratch, data))
            read = [_instruction(instruction) for instruction in parsed]
        except (pikepdf.PdfError, UnicodeDecodeError):  # names and operators that are not UTF-8
            return None
    return None if scratch.get_warnings() else read


def _instruction(instruction: pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage) -> Instruction:
    if isinstance(instruction, pikepdf.ContentStreamInlineImage):
        image = instruction.iimage
        written = image._image_object  # the dictionary's keys and values as the stream has them (W, not Width)
        attributes = {str(key)[1:]: _item(value) for key, value in zip(written[::2], written[1::2])}
        return [PDFStream(attributes, image.read_raw_bytes())], INLINE_IMAGE_END
    # a null operand is a keyword to pdfminer, which it ignores as an operator it has no method for
    return [_operand(operand) for operand in instruction.operands if operand is not None], str(instruction.operator)


def _operand(operand: object) -> PDFStackT:
    """What pdfminer's parser yields for the token pikepdf read."""
    if isinstance(operand, int):  # bool too
        return operand
    if isinstance(operand, Decimal):
        return float(operand)
    assert isinstance(operand, pikepdf.Object), f"pikepdf yields numbers, null or its objects: {operand!r}"
    kind = operand._type_code
    if kind == pikepdf.ObjectType.name_:
        return LIT(str(operand)[1:])
    if kind == pikepdf.ObjectType.string:
        return bytes(operand)
    if kind == pikepdf.ObjectType.array:
        return [_item(item) for item in operand]
    if kind == pikepdf.ObjectType.dictionary:
        return {key[1:]: _item(value) for key, value in operand.items()}
    raise pikepdf.PdfError(f"a {kind.name} in a content stream")  # an operator, a stream: not an operand


def _item(item: object) -> object:
    """What pdfminer's parser yields for a token inside an array or a dictionary."""
    return _NULL if item is None else _operand(item)
