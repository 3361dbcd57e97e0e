"""Rich text that people type: only a small, safe set of tags survives (nh3, a Rust HTML sanitiser)."""

import html
import re

import nh3
from django.utils.html import linebreaks

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
LOOKS_LIKE_MARKUP = re.compile(r"<[A-Za-z!/]")


def sanitise_html(text: str) -> str:
    """Clean HTML for storing and showing with `|safe`; plain text gets paragraphs from its blank lines."""
    text = (text or "").strip()
    if not text:
        return ""
    if not LOOKS_LIKE_MARKUP.search(text):
        text = linebreaks(text, autoescape=True)
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()


def html_to_text(value: str) -> str:
    """The words of a piece of HTML, for search indexes and meta descriptions."""
    spaced = re.sub(r"<(/p|br|/li|/h3|/h4)\b[^>]*>", " ", value or "")
    return " ".join(html.unescape(nh3.clean(spaced, tags=set())).split())
