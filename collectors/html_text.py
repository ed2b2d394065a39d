"""HTML from a source to plain text: paragraphs kept as blank-line separated, entities decoded, no markup left."""
from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose content is never text a reader sees (fallback text of iframe/object/video is kept).
DROPPED = frozenset({"script", "style", "template", "svg", "math", "head", "title", "select", "textarea"})
# Elements that start a new paragraph.
BLOCKS = frozenset({
    "p", "div", "section", "article", "header", "footer", "aside", "nav", "main", "blockquote", "pre",
    "ul", "ol", "dl", "li", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "figure", "figcaption", "address", "details", "summary", "fieldset", "center", "body", "html",
})
# Elements that end a line without starting a paragraph.
LINE_BREAKS = frozenset({"br"})
CELLS = frozenset({"td", "th"})

# What an HTML tokenizer would take as the start of a tag, comment or declaration.
_TAG_LIKE = re.compile(r"<[A-Za-z!?/]")
# "<!" that opens neither a comment, CDATA nor a doctype is text; html.parser would swallow what follows.
_STRAY_DECLARATION = re.compile(r"<!(?!--|\[CDATA\[|doctype)", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
# What _SPACES would change: a run of two spaces or any space other than " ". Most texts have neither.
_SPACES_TO_CHANGE = re.compile(r"[\t\r\f\v\u00a0\u200b]|  ")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_MAX_PASSES = 3


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropped_depth = 0
        self.pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED:
            self.dropped_depth += 1
            return
        self._boundary(tag)
        if tag == "pre":
            self.pre_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in DROPPED:
            self._boundary(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED:
            self.dropped_depth = max(0, self.dropped_depth - 1)
            return
        if tag == "pre":
            self.pre_depth = max(0, self.pre_depth - 1)
        if tag in BLOCKS:
            self.parts.append("\n\n")
        elif tag in CELLS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self.dropped_depth:
            return
        if self.pre_depth:
            self.parts.append(data.replace("\n", "\x00"))  # protected from white-space collapsing
        else:
            self.parts.append(data)

    def _boundary(self, tag: str) -> None:
        if tag in BLOCKS:
            self.parts.append("\n\n")
        elif tag in LINE_BREAKS:
            self.parts.append("\x00")
        elif tag in CELLS:
            self.parts.append(" ")

    def text(self) -> str:
        return tidy("".join(self.parts))


def tidy(raw: str) -> str:
    """Collapse white space inside paragraphs, keep one blank line between them and kept line breaks."""
    if "\n" not in raw and "\x00" not in raw:  # one paragraph of one line: what the loop below gives, quicker
        return (_SPACES.sub(" ", raw) if _SPACES_TO_CHANGE.search(raw) else raw).strip()
    paragraphs = []
    for block in _PARAGRAPH_BREAK.split(raw):
        lines = [_SPACES.sub(" ", line.replace("\n", " ")).strip() for line in block.split("\x00")]
        text = "\n".join(line for line in lines if line)
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


def _one_pass(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(_STRAY_DECLARATION.sub("&lt;!", html))
    parser.close()
    return parser.text()


def html_to_text(html: str | None) -> str:
    """Plain text of an HTML fragment; text still shaped like markup after a pass (double-escaped) is parsed again."""
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return tidy(html)  # no markup and no entity: the parser would hand the whole string over as data
    text = _one_pass(html)
    for _ in range(_MAX_PASSES - 1):
        if not _TAG_LIKE.search(text):
            break
        text = _one_pass(text)
    return neutralise_markup(text)


def neutralise_markup(text: str) -> str:
    """Last line of defence: text that still reads as a tag opener gets a space, so nothing downstream sees a tag."""
    return _TAG_LIKE.sub(lambda m: "< " + m.group(0)[1:], text)


def plain_to_text(text: str | None) -> str:
    """A source's plain text tidied the same way: blank-line paragraphs, single spaces, nothing tag-shaped."""
    if not text:
        return ""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    tidied = tidy(normalised.replace("\n", "\x00").replace("\x00\x00", "\n\n"))
    return neutralise_markup(tidied) if "<" in tidied else tidied
