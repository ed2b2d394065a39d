"""The element walk behind feed_fast.parse_fast: one document's RSS 2.0 / Atom 1.0 elements, read as feedparser 6's
StrictFeedParser reads them (its state names kept where they mean the same thing), or NotSure when unsure."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from feedparser.api import StrictFeedParser

from collectors.feed_fast_rules import (
    ATOM_NS,
    AUTHORS,
    BASE_SENSITIVE,
    CONTENT_LIKE,
    DATES,
    ENTRY_BODIES,
    FEED_BODIES,
    FEED_PEOPLE,
    HANDLED,
    HANDLER_PREFIXES,
    HTML_TYPES,
    NAMESPACE_PREFIXES,
    NEUTRAL,
    PERSON_PARTS,
    READ_ATTRIBUTES,
    STANDARD_PREFIXES,
    TEXT_TYPES,
    TITLES,
    VERSION_NAMESPACES,
    XML_NS,
    NotSure,
    finish_text,
    join_uri,
    link_text,
    map_content_type,
    next_base,
    parse_date,
    save_author,
    sync_author_detail,
)


class Walker:
    """One document's walk; state names follow feedparser's mixin where they mean the same thing."""

    def __init__(self, declared: list[tuple[str, str]], base: str) -> None:
        self.base = base
        self.names: dict[str, str] = {}
        self.unknown_prefix: dict[str, str] = {}
        self._check_declarations(declared)
        self.title_depth = -1
        self.version = ""
        self.has_content = False  # feedparser's hasContent: set by content, cleared only at the end of an entry

    def _check_declarations(self, declared: list[tuple[str, str]]) -> None:
        by_prefix: dict[str, str] = {}
        for prefix, uri in declared:
            lower = uri.lower()
            earlier = by_prefix.setdefault(prefix, uri)
            if earlier != uri and not (lower in NAMESPACE_PREFIXES and earlier.lower() in NAMESPACE_PREFIXES):
                # feedparser keeps one URI per prefix for the whole document, not per scope
                raise NotSure("prefix rebound to an unknown namespace")
            if lower in VERSION_NAMESPACES or "backend.userland.com/rss" in lower:
                raise NotSure("RSS 1.0/0.9x namespace")
            if lower in NAMESPACE_PREFIXES:
                standard = NAMESPACE_PREFIXES[lower]
                # feedparser maps a document's prefix to the standard one everywhere, not just for this URI
                if prefix and prefix != standard and prefix.lower() in STANDARD_PREFIXES | HANDLER_PREFIXES:
                    raise NotSure("a standard prefix bound to another known namespace")
                continue
            if not prefix or prefix.lower() in HANDLER_PREFIXES:
                raise NotSure("unknown namespace feedparser would read as a known one")
            self.unknown_prefix.setdefault(uri, prefix)

    # ---- names and attributes as feedparser sees them
    def name(self, tag: str) -> str:
        """'prefix_local' (lower case) as in feedparser's handler names; '' prefix for RSS/Atom core."""
        known = self.names.get(tag)
        if known is not None:
            return known
        if tag[0] == "{":
            uri, local = tag[1:].split("}", 1)
            prefix = NAMESPACE_PREFIXES.get(uri.lower())
            if prefix is None:
                prefix = self.unknown_prefix.get(uri)
                if prefix is None:
                    raise NotSure("namespace without prefix")
            name = f"{prefix}_{local}".lower() if prefix else local.lower()
        else:
            name = tag.lower()
        self.names[tag] = name
        return name

    def attrs(self, element: ET.Element) -> dict[str, str]:
        """The element's attributes as feedparser's handlers get them (keys lower case, rel/type values too)."""
        attrs: dict[str, str] = {}
        if not len(element.attrib):
            return attrs
        for key, value in element.attrib.items():
            if key[0] == "{":
                uri, local = key[1:].split("}", 1)
                local = local.lower()
                if uri == XML_NS:
                    attrs["xml:" + local] = value
                elif local in READ_ATTRIBUTES:
                    raise NotSure("namespaced attribute feedparser would confuse")
                continue
            key = key.lower()
            if key in attrs:
                raise NotSure("attribute name collision")
            attrs[key] = value.lower() if key in ("rel", "type") else value
        return attrs

    def rebase(self, attrs: dict[str, str]) -> None:
        """xml:base on <feed>, <rss> or <channel>: the one base everything inside is resolved against."""
        if attrs and ("xml:base" in attrs or "base" in attrs):
            self.base = next_base(self.base, attrs.get("xml:base", attrs.get("base")) or self.base)

    @staticmethod
    def check_base(attrs: dict[str, str], name: str) -> None:
        """xml:base changes how feedparser resolves links and ids (its own and its descendants'); elsewhere it
        only lands in content params this module does not return."""
        if attrs and ("xml:base" in attrs or "base" in attrs) and name in BASE_SENSITIVE:
            raise NotSure("xml:base on an element whose links feedparser resolves")

    def child(self, element: ET.Element, lang: str | None) -> tuple[str, dict[str, str], str | None]:
        """A child element's name, attributes (xml:base checked) and language (its own or inherited)."""
        name = self.name(element.tag)
        attrs = self.attrs(element)
        self.check_base(attrs, name)
        return name, attrs, self.own_lang(attrs, lang)

    @staticmethod
    def own_lang(attrs: dict[str, str], inherited: str | None) -> str | None:
        if not attrs:
            return inherited
        lang = attrs.get("xml:lang", attrs.get("lang"))
        if lang == "":
            return None
        return inherited if lang is None else lang

    # ---- document structure
    def document(self, root: ET.Element) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
        attrs = self.attrs(root)
        self.rebase(attrs)
        lang = self.own_lang(attrs, None)
        feed: dict[str, Any] = {}
        if lang:
            feed["language"] = lang.replace("_", "-")
        if root.tag == "rss":
            version = attrs.get("version", "")
            if not version.startswith("2.") or len(root) != 1 or root[0].tag != "channel":
                raise NotSure("not RSS 2.0 with one channel")
            self.version = "rss20"
            channel = root[0]
            channel_attrs = self.attrs(channel)
            self.rebase(channel_attrs)
            if "lastmod" in channel_attrs or "href" in channel_attrs:
                raise NotSure("CDF attributes")
            entries = self.container(channel, feed, self.own_lang(channel_attrs, lang), depth=2)
        elif root.tag == f"{{{ATOM_NS}}}feed":
            self.version = "atom10"
            entries = self.container(root, feed, lang, depth=1)
        else:
            raise NotSure("neither RSS 2.0 nor Atom 1.0")
        return feed, entries, self.version

    def container(self, parent: ET.Element, feed: dict[str, Any], lang: str | None, depth: int) -> list[dict]:
        """Children of <channel> or <feed>: feed fields and entries."""
        entries: list[dict[str, Any]] = []
        for child in parent:
            name, attrs, child_lang = self.child(child, lang)
            if name in ("item", "entry"):
                entries.append(self.entry(child, attrs, child_lang, depth + 1))
            elif name in TITLES:
                self.title(child, attrs, child_lang, depth + 1, feed, name)
            elif name == "link":
                self.link(child, attrs, feed, in_entry=False)
            elif name in ("guid", "id"):
                self.guid(child, attrs, feed)
            elif name in ("language", "dc_language"):
                self.leaf(child)
                feed["language"] = finish_text(self.text(child).strip())
            elif name == "image":
                self.title_depth = -1
                self.side_block(child, {"title", "link", "url", "width", "height", "description"}, depth + 1)
            elif name in ("textinput",):
                self.title_depth = -1
                self.side_block(child, {"title", "link", "description", "name"}, depth + 1)
            elif name in DATES:
                self.leaf(child)
            elif name in FEED_PEOPLE or name == "itunes_owner":
                self.person(child)
            elif name in FEED_BODIES:
                self.feed_body(feed, name)
            else:
                self.neutral(child, name, depth + 1)
        return entries

    def feed_body(self, feed: dict[str, Any], name: str) -> None:
        """A feed-level description/summary/content: only its effect on the first entry (hasContent) matters."""
        if name in ("content", "content_encoded", "fullitem"):
            self.has_content = True
            feed.setdefault("summary", "")
        elif "summary" in feed and not self.has_content:
            self.has_content = True  # feedparser reads this second summary as content
        elif name in ("summary", "itunes_summary"):
            feed["summary"] = ""
        # an RSS channel's first <description> is its subtitle; the subtree of all of these is inert text

    def side_block(self, element: ET.Element, allowed: set[str], depth: int) -> None:
        """<image>/<textinput>: any unprefixed child outside `allowed` would make feedparser leave the block."""
        for child in element:
            name = self.name(child.tag)
            unprefixed = child.tag[0] != "{" or NAMESPACE_PREFIXES.get(child.tag[1:].split("}")[0].lower()) == ""
            if len(child) or (name not in allowed and (name in HANDLED or unprefixed)):
                raise NotSure("unexpected child in image/textinput")
            if name == "title" and self.text(child).strip():
                self.title_depth = depth + 1

    def person(self, element: ET.Element) -> list[tuple[str | None, ET.Element]]:
        """A person's children as (key in PERSON_PARTS, element), None for extension elements (Blogger's
        gd:image) that feedparser stores apart; anything else: NotSure."""
        parts = []
        for child in element:
            name = self.name(child.tag)
            if len(child) or (name in PERSON_PARTS and child.attrib) or (name not in PERSON_PARTS and name in HANDLED):
                raise NotSure("unexpected child in a person element")
            parts.append((PERSON_PARTS.get(name), child))
        return parts

    def neutral(self, element: ET.Element, name: str, depth: int) -> None:
        """An element (and subtree) whose handling cannot reach the fields returned; anything else: NotSure."""
        if name in CONTENT_LIKE:
            return
        if name in HANDLED and name not in NEUTRAL:
            raise NotSure(f"element {name} not reproduced")
        for child in element:
            self.attrs(child)
            self.neutral(child, self.name(child.tag), depth + 1)

    # ---- entries
    def entry(self, element: ET.Element, attrs: dict[str, str], lang: str | None, depth: int) -> dict[str, Any]:
        if "lastmod" in attrs or "href" in attrs:
            raise NotSure("CDF attributes")
        entry: dict[str, Any] = {}
        self.title_depth = -1
        for child in element:
            name, child_attrs, child_lang = self.child(child, lang)
            if name in TITLES:
                self.title(child, child_attrs, child_lang, depth + 1, entry, name)
            elif name == "link":
                self.link(child, child_attrs, entry, in_entry=True)
            elif name in ("guid", "id"):
                self.guid(child, child_attrs, entry)
            elif name in ENTRY_BODIES:
                self.body(child, child_attrs, child_lang, entry, name)
            elif name in DATES:
                self.leaf(child)
                text = finish_text(self.text(child).strip())
                entry[DATES[name]] = parse_date(text)
            elif name in AUTHORS:
                self.author(child, entry)
            elif name == "slash_comments":
                if len(child) or child.attrib:
                    raise NotSure("slash:comments with attributes or children")
                entry["slash_comments"] = finish_text(self.text(child).strip())
            elif name == "source":
                self.source(child, depth + 1)
            elif name in ("language", "dc_language"):
                self.leaf(child)  # stored on the entry, where nothing here reads it; the inherited language stays
            elif name in ("contributor", "dc_contributor", "webmaster", "dc_publisher"):
                self.person(child)
            else:
                self.neutral(child, name, depth + 1)
        self.has_content = False
        return entry

    def leaf(self, element: ET.Element) -> None:
        if len(element):
            raise NotSure("child elements inside a text element")

    @staticmethod
    def text(element: ET.Element) -> str:
        return element.text or ""

    def content_params(self, attrs: dict[str, str], default_type: str, lang: str | None) -> dict[str, Any]:
        content_type = map_content_type(attrs.get("type", default_type))
        if attrs.get("mode") == "base64" or content_type not in TEXT_TYPES:
            raise NotSure(f"content type {content_type}")
        return {"type": content_type, "language": lang.replace("_", "-") if lang else lang}

    def pushed_text(self, element: ET.Element, params: dict[str, Any]) -> str:
        """A text element's value as feedparser's pop() leaves it, HTML sniffing for RSS included."""
        self.leaf(element)
        output = self.text(element).strip()
        if not self.version.startswith("atom") and params["type"] == "text/plain":
            # looks_like_html wants a closing tag or an entity, so text with neither "<" nor "&" is never HTML
            if ("<" in output or "&" in output) and StrictFeedParser.looks_like_html(output):
                params["type"] = "text/html"
        return finish_text(output)

    def title(self, element: ET.Element, attrs: dict[str, str], lang: str | None, depth: int,
              context: dict[str, Any], name: str) -> None:
        params = self.content_params(attrs, "text/plain", lang)
        output = self.pushed_text(element, params)
        if not (-1 < self.title_depth <= depth):
            context["title"] = output
            context["title_detail"] = {**params, "value": output}
        if output and name != "media_title":  # media:title puts title_depth back as it was
            self.title_depth = depth

    def link(self, element: ET.Element, attrs: dict[str, str], context: dict[str, Any], in_entry: bool) -> None:
        attrs.setdefault("rel", "alternate")
        attrs.setdefault("type", "application/atom+xml" if attrs["rel"] == "self" else "text/html")
        if len(element):
            raise NotSure("link with child elements")
        href = attrs.get("url", attrs.get("uri", attrs.get("href", None)))
        if href:
            attrs["href"] = href
        if "href" in attrs:
            href = join_uri(self.base, attrs["href"])
            if attrs["rel"] == "alternate" and map_content_type(attrs["type"]) in HTML_TYPES:
                context["link"] = href
            return
        self.leaf(element)
        output = self.text(element).strip()
        output = finish_text(join_uri(self.base, output) if output else output)
        context["link"] = link_text(output, in_entry)

    def guid(self, element: ET.Element, attrs: dict[str, str], context: dict[str, Any]) -> None:
        self.leaf(element)
        is_link = attrs.get("ispermalink", "true") == "true"
        output = self.text(element).strip()
        if output and is_link:
            output = join_uri(self.base, output)
        output = finish_text(output)
        context["id"] = output
        if is_link:
            context.setdefault("link", output)

    def body(self, element: ET.Element, attrs: dict[str, str], lang: str | None, entry: dict[str, Any],
             name: str) -> None:
        """description / summary / content: feedparser's choice between summary and content, step by step."""
        if name in ("content", "content_encoded", "fullitem"):
            self.has_content = True
            default = "text/html" if name != "content" else "text/plain"
            if name == "content" and attrs.get("src"):
                raise NotSure("content with src")
            self.content(element, attrs, lang, entry, default)
            return
        if "summary" in entry and not self.has_content:
            self.has_content = True
            if attrs.get("src"):
                raise NotSure("content with src")
            self.content(element, attrs, lang, entry, "text/plain")
            return
        default = "text/html" if name in ("description", "dc_description", "media_description") else "text/plain"
        params = self.content_params(attrs, default, lang)
        output = self.pushed_text(element, params)
        entry["summary"] = output
        entry["summary_detail"] = {**params, "value": output}

    def content(self, element: ET.Element, attrs: dict[str, str], lang: str | None, entry: dict[str, Any],
                default: str) -> None:
        params = self.content_params(attrs, default, lang)
        output = self.pushed_text(element, params)
        entry.setdefault("content", []).append({**params, "value": output})
        entry.setdefault("summary", output)

    def author(self, element: ET.Element, entry: dict[str, Any]) -> None:
        """<author>/<dc:creator>: feedparser's author, author_detail and authors, in its order of updates."""
        entry.setdefault("authors", []).append({})
        pieces = [element.text or ""]
        for part, child in self.person(element):
            if part is None:
                if child.attrib:  # not pushed by feedparser: its text lands in the author's own text
                    pieces.append(child.text or "")
            else:
                value = self.text(child).strip()
                if part == "href":
                    value = finish_text(join_uri(self.base, value) if value else value)
                save_author(entry, part, value)
            pieces.append(child.tail or "")
        entry["author"] = finish_text("".join(pieces).strip())
        sync_author_detail(entry)

    def source(self, element: ET.Element, depth: int) -> None:
        """An entry's <source>: stored apart by feedparser, except that its titles move title_depth."""
        self.title_depth = -1
        for child in element:
            name = self.name(child.tag)
            if name in ("title", "dc_title"):
                self.leaf(child)
                if self.text(child).strip():
                    self.title_depth = depth + 1
            elif name in ("link", "id", "guid", "subtitle", "rights", "category", "generator") or name in DATES:
                continue
            elif name in AUTHORS or name == "contributor":
                self.person(child)
            elif name in HANDLED or len(child):
                raise NotSure(f"{name} inside source")
