"""Sphinx additions for the book (loaded from _config.yml: sphinx.local_extensions).

- Bibliography labels in author-year form ("Vaswani et al., 2017"), so that the entries of the
  bibliography page read like the author-year citations in the text that link to them (the plain
  style numbers them [1], [2], ... while the text says "Vaswani et al. [2017]").
- Chinese text marked `lang="zh-Hans"`, so that browsers pick a CJK font for it in pages that
  are otherwise English (`<html lang="en">`): every run of CJK characters outside tags, scripts,
  styles and math is wrapped in a span when the HTML page is written.
"""
import re
from pathlib import Path

from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle


def _last_names(person) -> str:
    return " ".join(" ".join(person.prelast_names + person.last_names).split()) or "Anon."


class AuthorYearLabels(BaseLabelStyle):
    """'Vaswani et al., 2017', 'Kingma and Ba, 2015', 'Rosenblatt, 1958'; 'a', 'b' on clashes."""

    def format_labels(self, sorted_entries):
        labels = []
        for entry in sorted_entries:
            people = entry.persons.get("author") or entry.persons.get("editor") or []
            names = [str(_last_names(p)).replace("{", "").replace("}", "") for p in people]
            if not names:
                who = entry.fields.get("organization") or entry.fields.get("title", entry.key).split(":")[0]
                who = who.replace("{", "").replace("}", "")
            elif len(names) == 1:
                who = names[0]
            elif len(names) == 2:
                who = f"{names[0]} and {names[1]}"
            else:
                who = f"{names[0]} et al."
            labels.append(f"{who}, {entry.fields.get('year', 'n.d.')}")
        seen = {}
        for lab in labels:
            seen[lab] = seen.get(lab, 0) + 1
        count = {}
        for lab in labels:
            if seen[lab] > 1:
                count[lab] = count.get(lab, 0) + 1
                yield lab + "abcdefghijklmnopqrstuvwxyz"[count[lab] - 1]
            else:
                yield lab


class AuthorYearStyle(PlainStyle):
    default_label_style = "book_authoryear"


register_plugin("pybtex.style.labels", "book_authoryear", AuthorYearLabels)
register_plugin("pybtex.style.formatting", "book_authoryear", AuthorYearStyle)

# Runs of CJK ideographs, CJK punctuation and full-width forms.
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
_SKIP = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>|<[^>]*>)", re.S | re.I)
_MATH = re.compile(r"(\\\(.*?\\\)|\\\[.*?\\\]|\$\$.*?\$\$)", re.S)


def mark_cjk(html: str) -> str:
    """Wrap CJK runs of the page's text (not inside tags, scripts, styles or TeX) in lang spans."""
    out = []
    for part in _SKIP.split(html):
        if not part or part.startswith("<"):
            out.append(part)
            continue
        for piece in _MATH.split(part):
            if piece.startswith(("\\(", "\\[", "$$")):
                out.append(piece)
            else:
                out.append(_CJK.sub(lambda m: f'<span lang="zh-Hans">{m.group(0)}</span>', piece))
    return "".join(out)


def _mark_pages(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if _CJK.search(text):
            page.write_text(mark_cjk(text), encoding="utf-8")


def setup(app):
    app.connect("build-finished", _mark_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
