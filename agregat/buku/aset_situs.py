"""The site's stylesheets and scripts once every page is written (issue 12, point 6: a phone on a slow network
paints the page before it downloads what the page never uses).

Material links, in every page's head, its main stylesheet (±138 KB, of which a page of the book uses about a
quarter), its palette stylesheet (every colour of the theme, ±12 KB) and the book's own `extra_css`, and the
`extra.polyfills` (the file:// Web Worker shim) as a blocking script. `rapikan(site_dir, polyfills, root)`:

- joins those stylesheets, in the cascade order of the head, into one file named by its own bytes,
  `assets/stylesheets/situs.<sha256:12>.min.css`, keeping only the rules that can match: a rule is left out
  when each of its selectors needs a class, or an attribute value, that no page of the site and none of the
  scripts its pages load ever names;
- links that one file in place of the others, and moves each polyfill to just before Material's bundle, the
  first script that needs it.

Only what joins without changing meaning is joined: a site whose first page links an external stylesheet,
or whose sheets hold an address relative to their folder (`url(…)` other than `data:`) or an `@import`, is left
as it is, and so is a page linking other stylesheets than the first page. The trimming keeps a rule whenever
in doubt: a class a script adds at run time is named in the script (search results, tooltips, tabel.js's
hints); a script that makes class names from a template (`md-tag--${…}`) or from a string ending in `-` or
`_` keeps every class with that prefix; a case-insensitive attribute selector (`[type=a i]`) is kept;
selectors inside `:not()`, `:is()`, `:where()`, `:has()` are not looked at. The same site gives the same
bytes.
"""

from __future__ import annotations

import hashlib
import re
from html import unescape
from pathlib import Path, PurePosixPath

import tinycss2

#: The theme's own stylesheets in the head (their names carry Material's build hash).
_MATERIAL_CSS = re.compile(r"assets/stylesheets/(?:main|palette)\.[0-9a-f]+\.min\.css")
_BUNDLE = re.compile(r'<script src="([^"]*)assets/javascripts/bundle\.[0-9a-f]+\.min\.js"></script>')
_STYLESHEET = re.compile(r'\s*<link rel="stylesheet" href="([^"]*)">')
_SCRIPT_SRC = re.compile(r'<script src="([^"]*)"')
_SCRIPT_TAG = re.compile(r'\s*<script src="([^"]*)"></script>')
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_ATTRIBUTE_VALUE = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
_WORD = re.compile(r"[\w-]+")
_TEMPLATE_PREFIX = re.compile(r"([\w-]+)\$\{")
#: What keeps the sheets from being joined: an address relative to a sheet's folder, or an @import (their
#: meaning would change in the joined file).
_MOVES_BADLY = re.compile(r"""url\(\s*(?!['"]?data:)|@import""", re.I)
#: At-rules holding rules, trimmed as the sheet itself.
_NESTED_AT_RULES = ("media", "supports", "layer", "container")


class Semesta:
    """What the site can name: every class and attribute value of its pages, every word of the scripts its
    pages load, and the prefixes from which a script makes names (`md-tag--${…}`)."""

    def __init__(self, words: set[str], prefixes: set[str]) -> None:
        self.words, self.prefixes = frozenset(words), tuple(sorted(prefixes))

    def names(self, name: str) -> bool:
        return name in self.words or name.startswith(self.prefixes)


def semesta(pages: dict[str, str], scripts: list[str]) -> Semesta:
    """The names of `pages` ({site path: HTML}) and of `scripts` (JavaScript texts, inline ones included)."""
    words: set[str] = set()
    prefixes: set[str] = set()
    values = set()                    # each distinct attribute value once (class="angka" is on most cells)
    for html in pages.values():
        values.update(_ATTRIBUTE_VALUE.findall(html))
    for found in values:
        value = unescape("".join(found))
        words.add(value)
        words.update(value.split())
    for script in scripts:
        found = _WORD.findall(script)
        words.update(found)
        prefixes.update(_TEMPLATE_PREFIX.findall(script))
        prefixes.update(word for word in found if word.endswith(("-", "_")))     # "md-status--" + x
    return Semesta(words, prefixes)


def _selectors(prelude: list) -> list[list]:
    selectors, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append(current)
            current = []
        else:
            current.append(token)
    return selectors + [current]


def _attribute_value(block) -> str | None:
    """The value an attribute selector `[name=value]` or `[name~=value]` requires; None for any other (and for
    a case-insensitive one, `[name=value i]`)."""
    tokens = [t for t in block.content if t.type != "whitespace"]
    for i, token in enumerate(tokens[:-1]):
        if token.type == "literal" and token.value in ("=", "~="):
            value = tokens[i + 1]
            if len(tokens) > i + 2 or value.type not in ("ident", "string"):
                return None
            return value.value
    return None


def _cannot_match(selector: list, names: Semesta) -> bool:
    """True when the selector needs a class or an exact attribute value the site never names."""
    dot = False
    for token in selector:
        if dot and token.type == "ident" and not names.names(token.value):
            return True
        if token.type == "[] block":
            value = _attribute_value(token)
            if value is not None and not names.names(value):
                return True
        dot = token.type == "literal" and token.value == "."
    return False


def _trim(rules: list, names: Semesta) -> list:
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            if not all(_cannot_match(s, names) for s in _selectors(rule.prelude)):
                kept.append(rule)
        elif rule.type == "at-rule" and rule.lower_at_keyword == "charset":
            continue                    # one @charset, at the head of the joined file
        elif rule.type == "at-rule" and rule.lower_at_keyword in _NESTED_AT_RULES and rule.content is not None:
            inner = _trim(tinycss2.parse_rule_list(rule.content, skip_whitespace=True, skip_comments=True), names)
            if inner:
                rule.content = inner
                kept.append(rule)
        elif rule.type != "error":
            kept.append(rule)
    return kept


def pangkas(css: str, names: Semesta) -> str:
    """The stylesheet `css` without the rules none of `names` can match."""
    rules = tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True)
    return "".join(rule.serialize() for rule in _trim(rules, names))


def _site_path(page: str, href: str, root: str) -> str:
    """The site path of `href` as linked from `page`: relative to the page, or absolute under `root`
    (the path of site_url, for 404.html); without its query or fragment."""
    href = href.split("#")[0].split("?")[0]
    if href.startswith("/"):
        return href[len(root):] if href.startswith(root) else href.lstrip("/")
    parts: list[str] = []
    for part in (PurePosixPath(page).parent / href).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def _head(html: str) -> str:
    return html[:html.find("</head>")]


def _page_sheets(page: str, html: str, root: str) -> list[str]:
    """The stylesheets the page links in its head, in order: site paths, an external address as it is."""
    return [href if "://" in href or href.startswith("//") else _site_path(page, href, root)
            for href in _STYLESHEET.findall(_head(html))]


def _joined_sources(pages: dict[str, str], root: str) -> list[str]:
    """The site paths of the stylesheets to join: all those of the first page linking Material's main
    stylesheet, in its order; none when one of them is an external address (the cascade order would change)."""
    for page, html in pages.items():
        paths = _page_sheets(page, html, root)
        if any(_MATERIAL_CSS.fullmatch(path) for path in paths):
            return [] if any("://" in path or path.startswith("//") for path in paths) else paths
    return []


def _relink(page: str, html: str, sources: list[str], target: str, polyfills: list[str], root: str) -> str:
    """The page with `target` linked in place of the joined `sources` and each polyfill moved from the head
    to just before Material's bundle; a page linking other stylesheets than `sources` is left as it is."""
    if _page_sheets(page, html, root) != sources:
        return html
    head = _head(html)
    body = html[len(head):]
    first = True

    def link(match: re.Match) -> str:
        nonlocal first
        href = match.group(1)
        if not first:
            return ""
        first = False
        path = _site_path(page, href, root)
        prefix = href[:len(href) - len(path)] if href.endswith(path) else href[:href.rfind(path)]
        return match.group(0).replace(href, prefix + target)

    head = _STYLESHEET.sub(link, head)
    moved: list[str] = []

    def pull(match: re.Match) -> str:
        if _site_path(page, match.group(1), root) in polyfills:
            moved.append(match.group(0).strip())
            return ""
        return match.group(0)

    if _BUNDLE.search(body):
        head = _SCRIPT_TAG.sub(pull, head)
    if moved:
        body = _BUNDLE.sub(lambda m: "".join(moved) + m.group(0), body, count=1)
    return head + body


def rapikan(site_dir: Path, polyfills: list[str], root: str = "/") -> str | None:
    """Join and trim the stylesheets of the built site in `site_dir` and relink every page (see the module);
    `polyfills` are the site paths of `extra.polyfills`, `root` the path of site_url. Returns the joined
    stylesheet's site path (None for a site without Material's stylesheet)."""
    files = sorted(site_dir.rglob("*.html"))
    pages = {path.relative_to(site_dir).as_posix(): path.read_text(encoding="utf-8") for path in files}
    sources = _joined_sources(pages, root)
    texts = [(site_dir / path).read_text(encoding="utf-8") for path in sources]
    if not sources or any(_MOVES_BADLY.search(text) for text in texts):
        return None
    scripts = []
    for page, html in pages.items():
        scripts.extend(_INLINE_SCRIPT.findall(html))
    loaded = sorted({_site_path(page, src, root) for page, html in pages.items() for src in _SCRIPT_SRC.findall(html)
                     if "://" not in src})
    scripts.extend((site_dir / path).read_text(encoding="utf-8") for path in loaded if (site_dir / path).is_file())
    names = semesta(pages, scripts)
    css = '@charset "UTF-8";' + "".join(pangkas(text, names) for text in texts)
    data = css.encode("utf-8")
    target = f"assets/stylesheets/situs.{hashlib.sha256(data).hexdigest()[:12]}.min.css"
    (site_dir / target).write_bytes(data)
    for path in files:
        page = path.relative_to(site_dir).as_posix()
        html = _relink(page, pages[page], sources, target, polyfills, root)
        if html != pages[page]:
            path.write_text(html, encoding="utf-8")
    return target
