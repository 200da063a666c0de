"""A word broken by a hyphen at a line's end -> the word made whole, or the hyphen kept where it belongs.

In: the issue's language (BCP 47) and the two parts of a word a line end broke after a hyphen (``Har-`` and
``bor``), or a line of OCR text that kept such a break inside it (``the Har- bor was``). Out: the word whole
(``Harbor``) when the hyphen was the compositor's, else nothing: the hyphen is the word's own (``New-York``,
``well-known``) and stays. Any reader of line-broken text can use it (extracted text; ALTO and hOCR where the
file does not say which hyphens are the compositor's).

Why these tests, in this order:

- A capitalised second part keeps the hyphen. A compositor breaks a word and carries on in lower case, so
  ``New-`` + ``York`` is a name written with a hyphen, as 19th-century papers wrote it, or a compound of names
  (Anglo-Saxon).
- Where the language has a word list (Debian's ``wamerican`` and ``wbritish`` for English: both spellings, as
  an archive holds papers of both sides of the Atlantic, with inflected forms), the joined word must be one
  of its words: ``harbor`` is, ``wellknown`` is not, so ``well-known`` keeps its hyphen. When both parts are
  words as well (``some`` + ``thing``, ``fire`` + ``man``) the hyphen may be a compound's: it is the
  compositor's only if the break falls on a hyphenation point of the joined word (``some-thing``), else it
  stays as the paper printed it.
- Without a word list, a break on a hyphenation point of the joined word is the evidence: compositors broke
  words where the language's hyphenation rules allow, and pyphen (installed with WeasyPrint) holds those
  rules for most Latin-script languages. A point of any of the language's national patterns counts (en_US
  and en_GB): an archive holds papers of both. Without patterns or list, nothing is joined.

The same word inside a line (``Har- bor``: a hyphen, a space and a lower-case letter) is a line end that an
earlier extraction ran on; it is joined only on the word list's evidence (the joined word is a word and the
break falls on a hyphenation point), because a hyphen before a space is also the suspended hyphen of
``pre- and post-war``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pyphen

WORD_LISTS = Path("/usr/share/dict")
# the word lists Debian installs, by language: (language, the files of its words)
LANGUAGE_WORD_LISTS = {
    "en": ("american-english", "british-english"),
    "de": ("ngerman",),
    "fr": ("french",),
    "es": ("spanish",),
    "it": ("italian",),
    "nl": ("dutch",),
}

# a word's first part at a line's end: letters (after any opening quote or bracket), then one hyphen
BROKEN_START = re.compile(r"^(?P<lead>.*?)(?P<part>[^\W\d_]+)-$")
# the second part opening the next line: letters, then whatever closes the word (punctuation, a quote)
BROKEN_END = re.compile(r"^(?P<part>[^\W\d_]+)(?P<tail>.*)$")
# inside a line: a word, a hyphen, a space and a lower-case letter
BROKEN_INSIDE = re.compile(r"(?<![\w-])(?P<start>[^\W\d_]+)- (?P<end>[^\W\d_A-Z]+)\b")


NEXT_WORD = re.compile(r"\s+\S+")


@dataclass(frozen=True)
class Hyphenation:
    """The hyphenation rules and the word list of one language, to decide which hyphens a line end made."""

    language: str

    def rejoined(self, start: str, end: str) -> str | None:
        """``start`` (the last word of a line, ending in its hyphen) and ``end`` (the first word of the next
        line) as one word, when the hyphen was the compositor's; None when it belongs to the word."""
        first, second = BROKEN_START.match(start), BROKEN_END.match(end)
        if first is None or second is None or not self._line_end_break(first["part"], second["part"]):
            return None
        return f"{start[:-1]}{end}"

    def rejoined_inside(self, line: str) -> tuple[str, list[tuple[str, str]]]:
        """``line`` with each word broken inside it (``Har- bor``) made whole where the word list says so; and
        each join as (before, after), with the word that follows it in the line (``har- bor and``): quoted
        so, the source's words run on through the hyphen, as a reader searching the source's text for them
        (or a check of it) looks for them."""
        joins: list[tuple[str, str]] = []

        def join(match: re.Match[str]) -> str:
            start, end = match["start"], match["end"]
            if not (self._is_word(start + end) and self._breaks_at_hyphenation_point(start, end)):
                return match[0]
            following = NEXT_WORD.match(line, match.end())
            context = following[0] if following else ""
            joins.append((match[0] + context, start + end + context))
            return start + end

        return BROKEN_INSIDE.sub(join, line), joins

    def _line_end_break(self, start: str, end: str) -> bool:
        if end[0].isupper() and not end.isupper():
            return False
        if not self._words():
            return self._breaks_at_hyphenation_point(start, end)
        if not self._is_word(start + end):
            return False
        compound = self._is_word(start) and self._is_word(end)
        return not compound or self._breaks_at_hyphenation_point(start, end)

    def _is_word(self, word: str) -> bool:
        return word.lower() in self._words()

    def _breaks_at_hyphenation_point(self, start: str, end: str) -> bool:
        word = (start + end).lower()
        return any(len(start) in dictionary.positions(word) for dictionary in _dictionaries(self.language))

    def _words(self) -> frozenset[str]:
        return _words(self.language.split("-")[0].lower())


@functools.cache
def _dictionaries(language: str) -> tuple[pyphen.Pyphen, ...]:
    """pyphen's hyphenation patterns for each variety of ``language`` (en: en, en_GB, en_US), if it has any."""
    primary = language.split("-")[0].lower()
    files = {file for name, file in pyphen.LANGUAGES.items() if name.split("_")[0].lower() == primary}
    return tuple(pyphen.Pyphen(filename=file, left=1, right=1) for file in sorted(files))


@functools.cache
def _words(language: str) -> frozenset[str]:
    """The words of the installed word lists of ``language`` (a primary language subtag), lower-cased."""
    words: set[str] = set()
    for name in LANGUAGE_WORD_LISTS.get(language, ()):
        path = WORD_LISTS / name
        if path.is_file():
            for word in path.read_text(encoding="utf-8", errors="replace").split():
                words.add(word.lower())
    return frozenset(words)
