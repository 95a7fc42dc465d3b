"""Markdown pages render with tables and links, and nothing a writer types can run script."""

from __future__ import annotations

from html.parser import HTMLParser

from library.rendering import render_markdown


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_markdown_renders_headings_emphasis_and_tables() -> None:
    html = render_markdown("# Beállítás\n\n**Fontos** lépés\n\n| Modul | Verzió |\n|---|---|\n| Számla | 2 |\n")
    names = [tag for tag, _attrs in _tags(html)]
    assert "h1" in names and "strong" in names and "table" in names and "td" in names
    assert "Beállítás" in html


def test_links_keep_their_address_and_get_noopener_noreferrer() -> None:
    html = render_markdown("[Kézikönyv](https://pult.example/kezikonyv)")
    links = [attrs for tag, attrs in _tags(html) if tag == "a"]
    assert links == [{"href": "https://pult.example/kezikonyv", "rel": "noopener noreferrer"}]


def test_script_tags_event_handlers_and_javascript_links_never_survive() -> None:
    hostile = "\n\n".join(
        [
            "<script>alert(1)</script>",
            '<img src="x" onerror="alert(1)">',
            '<a href="javascript:alert(1)">kattints</a>',
            "[kattints](javascript:alert(1))",
            "[kattints](JaVaScRiPt:alert(1))",
            "<javascript:alert(1)>",
            '![kép](x" onerror="alert(1))',
            '<iframe src="https://evil.example"></iframe>',
            '<div style="background:url(javascript:alert(1))">x</div>',
        ]
    )
    html = render_markdown(hostile)

    tags = _tags(html)
    assert not any(tag in {"script", "iframe", "div", "style"} for tag, _attrs in tags)
    for _tag, attrs in tags:
        assert not any(name.startswith("on") or name == "style" for name in attrs)
        for value in attrs.values():
            assert "javascript" not in (value or "").lower()
    # The text typed is still shown, as text.
    assert "&lt;script&gt;" in html
