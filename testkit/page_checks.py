"""What a person would object to on a page, measured in the browser: the page wider than the window, text
lying on other text (list bullets included), the staff navigation wrapping on a laptop screen, and fixed
text in the other language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from testkit.documents import foreign_strings

# Runs in the page. Text rectangles come from Range.getClientRects over every visible text node; a list
# bullet's box is where the browser draws an outside marker (1.1 em left of the item).
MEASURE = """
() => {
  // Text nobody sees: inside a closed <details> (its summary aside), or clipped to nothing for screen readers.
  const unseen = (element) => {
    const closed = element.closest("details:not([open])");
    if (closed && !element.closest("summary")) return true;
    for (let up = element, depth = 0; up && depth < 4; up = up.parentElement, depth++) {
      const box = up.getBoundingClientRect();
      const style = getComputedStyle(up);
      if ((box.width <= 1 && box.height <= 1) || (style.clip !== "auto" && style.position === "absolute")) return true;
      if (style.clipPath && style.clipPath !== "none" && style.clipPath.startsWith("inset(50%")) return true;
    }
    return false;
  };
  // What of a box its scrolling ancestors let show (a wide table scrolls inside its column).
  const visiblePart = (r, element) => {
    let box = {l: r.left, r: r.right, t: r.top, b: r.bottom};
    for (let up = element; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflowX === "visible" && style.overflowY === "visible") continue;
      const clip = up.getBoundingClientRect();
      box = {
        l: Math.max(box.l, clip.left), r: Math.min(box.r, clip.right),
        t: Math.max(box.t, clip.top), b: Math.min(box.b, clip.bottom),
      };
      if (box.r - box.l < 1 || box.b - box.t < 1) return null;
    }
    return box;
  };
  const overflow = document.documentElement.scrollWidth - window.innerWidth;
  // The innermost elements that stick out on the right, to say where the page is too wide.
  const sticksOut = (element) => element.getBoundingClientRect().right > window.innerWidth + 1;
  const describe = (element) => {
    const classes = element.className ? "." + String(element.className).split(" ").join(".") : "";
    return element.tagName.toLowerCase() + classes + " " + (element.innerText || "").trim().slice(0, 30);
  };
  const wide = overflow <= 1 ? [] : Array.from(document.body.querySelectorAll("*"))
    .filter((element) => sticksOut(element) && !Array.from(element.children).some(sticksOut))
    .slice(0, 3).map(describe);
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node, index = 0;
  while ((node = walker.nextNode())) {
    const text = node.textContent.trim();
    const parent = node.parentElement;
    if (!text || !parent) continue;
    const style = getComputedStyle(parent);
    if (style.visibility === "hidden" || style.opacity === "0" || unseen(parent)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      const shown = r.width >= 1 && r.height >= 1 ? visiblePart(r, parent) : null;
      if (shown) boxes.push({id: index, ...shown, text: text.slice(0, 40)});
    }
    index++;
  }
  for (const item of document.querySelectorAll("li")) {
    const style = getComputedStyle(item);
    const bulleted = style.display === "list-item" && style.listStyleType !== "none";
    if (!bulleted || style.listStylePosition !== "outside" || unseen(item)) continue;
    const r = item.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    const em = parseFloat(style.fontSize);
    const bullet = "• bullet of " + item.innerText.trim().slice(0, 30);
    const left = r.left - 1.1 * em, right = r.left - 0.3 * em;
    boxes.push({id: index++, l: left, r: right, t: r.top + 0.2 * em, b: r.top + em, text: bullet});
  }
  boxes.sort((a, b) => a.t - b.t);
  const overlaps = [];
  for (let a = 0; a < boxes.length && overlaps.length < 10; a++) {
    const A = boxes[a];
    for (let b = a + 1; b < boxes.length && boxes[b].t < A.b - 2; b++) {
      const B = boxes[b];
      if (A.id === B.id) continue;
      const width = Math.min(A.r, B.r) - Math.max(A.l, B.l);
      const height = Math.min(A.b, B.b) - Math.max(A.t, B.t);
      if (width > 2 && height > 2) overlaps.push(`"${A.text}" on "${B.text}"`);
    }
  }
  // The page's own words; a library document's rendered text is the author's, in whatever language.
  const chrome = Array.from(document.querySelectorAll("label, th, button, legend, summary, .mainnav a, h2, .flash"))
    .filter((element) => !element.closest(".markdown, .document-body, .who"))
    .map((element) => element.innerText).join("\\n");
  // The words of the interface: the page without the desk's data (table cells, names, documents, typed text).
  const copy = document.body.cloneNode(true);
  const data = "td, .markdown, .document-body, textarea, pre, script, style, .who, option, .data";
  copy.querySelectorAll(data).forEach((element) => element.remove());
  const bar = document.querySelector(".topbar");
  const topbar = bar ? bar.getBoundingClientRect().height : 0;
  return {overflow, wide, overlaps, text: copy.textContent, chrome, topbar};
}
"""


@dataclass
class Findings:
    url: str
    problems: list[str] = field(default_factory=list)


def check_page(page: Any, *, language: str) -> list[str]:
    """The problems of the page as it is shown now (empty: none)."""
    measured = page.evaluate(MEASURE)
    problems = []
    if measured["overflow"] > 1:
        problems.append(f"wider than the window by {measured['overflow']} px: {measured['wide']}")
    # On a laptop screen the staff navigation is one line (a single row of links is about 47 px high).
    if page.viewport_size["width"] >= 1366 and measured["topbar"] > 60:
        problems.append(f"the navigation wraps: the top bar is {measured['topbar']:.0f} px high")
    if measured["overlaps"]:
        problems.append(f"text on text: {measured['overlaps'][:5]}")
    # Hungarian pages: nothing of the English catalogue anywhere; English pages: the page's own labels,
    # headings and buttons (the desk's data is Hungarian whatever the interface).
    foreign = foreign_strings(measured["text"] if language == "hu" else measured["chrome"], language)
    if foreign:
        problems.append(f"untranslated: {foreign[:8]}")
    return problems
