"""Tables read as tables: the largest or smallest row of the table a chosen row sits in, the
total row that closes it, and the first row of figures under a chosen caption or header.

A PDF's table often reaches the reader as runs of text, several rows to a line ("Hotels,
Restaurants, and Catering 1,18,724 32.00% Salons, repair shops ... 1,08,658 29.30%"),
serial numbers between them ("... PMEGP 7500.00 2 Local Advertisement 7500.00"). So a
table-like unit (a row, or a fragment that holds figures) is read as *records*: a label
and the figures after it, each an exact span of the page text, so a record is quoted as
the documents print it. A row rendered with its header cell by cell ("Sector: Food; No.
of units: 21,535") is one record whose figures carry their column names.

The table a unit belongs to is the unbroken run of table-like units around it on its page
(over the passages read, which may cut one table in two); a sentence ends it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from retrieval.answer.units import Unit, passage_units
from retrieval.core.types import Hit
from retrieval.search.lexical import STOPWORDS, tokenize
from retrieval.search.ranking import longest_run

MOST = re.compile(r"\b(?:most|largest|highest|biggest|maximum number|greatest)\b", re.I)
LEAST = re.compile(r"\b(?:least|smallest|lowest|fewest|minimum number)\b", re.I)
TOP = re.compile(r"\btop\b", re.I)  # "the top service activities" names a list, weakly
ASKS_TOTAL = re.compile(r"\b(?:total|overall|grand total|all[- ]india)\b", re.I)
_TOTAL_LABEL = re.compile(r"^\W*(?:grand\s+|sub-?\s*)?total\b|^\W*all[- ]india\b", re.I)

_CELL = re.compile(r"([^;:]+):\s*([^;]+)")
# a figure as a table prints it: "1,18,724", "32.00%", "(7.50)", "₹5.00", "-12"
_FIGURE = re.compile(
    r"^(?:\((?:rs\.?|₹|inr)?-?\d[\d,]*(?:\.\d+)?%?\)|(?:rs\.?|₹|inr)?-?\d[\d,]*(?:\.\d+)?%?)"
    r"[.,;]?$",
    re.I,
)
# a label that runs into its figure as prose does ("10 days and 75 units"): no row
_PROSE_BEFORE = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "to",
        "for",
        "by",
        "with",
        "than",
        "from",
        "upto",
        "up",
        "about",
        "at",
        "in",
        "on",
        "or",
        "per",
        "each",
        "nearly",
        "over",
        "under",
        "around",
        "only",
    ]
)
# words that belong to the figure beside them: "218 Cr.", "7.97 L", "Rs. 12", "25 %"
_UNIT_WORD = re.compile(r"^(?:cr|crores?|lakhs?|l|lac|%|nos|mt|rs|inr|₹)\.?$", re.I)
_YEAR_SPAN = re.compile(r"^(?:19|20)\d{2}-\d{2}(?:\d{2})?$")  # "2008-09": a row's label
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
_WORD = re.compile(r"\S+")
_SERIAL_DIGITS = 3


@dataclass(frozen=True)
class Record:
    """A table row as read: its label and its figures, at `start:end` of `unit.quote`."""

    unit: Unit
    start: int
    end: int
    label: str
    values: tuple[str, ...]
    names: tuple[str, ...] = ()  # the figures' column names, when the row was read so

    @property
    def is_total(self) -> bool:
        return bool(_TOTAL_LABEL.search(self.label))

    def signature(self) -> tuple[object, ...]:
        """Rows of one table have as many figures and the same columns: named alike when
        read with their header, else printed alike (as many decimals, a percentage or not;
        "(In Rupees) 1" before "Printing ... 7500.00" is a serial number, not a row)."""
        if self.names:
            return (len(self.values), self.names)
        return (len(self.values), tuple(_style(v) for v in self.values))

    def as_unit(self) -> Unit:
        """The record as a quotable unit: the unit itself when it is the whole of it."""
        u = self.unit
        if self.start == 0 and self.end >= len(u.quote.rstrip()):
            return u
        quote = u.quote[self.start : self.end]
        return Unit(
            u.hit_index,
            u.start + self.start,
            u.start + self.end,
            quote,
            " ".join(quote.split()),
            is_row=True,
        )


def _style(figure: str) -> tuple[int, bool]:
    m = _NUMBER.search(figure)
    decimals = m.group().partition(".")[2] if m else ""
    return len(decimals), "%" in figure


def value_of(figure: str) -> float | None:
    m = _NUMBER.search(figure)
    return float(m.group().replace(",", "")) if m else None


def records(unit: Unit) -> list[Record]:
    """The rows a unit holds: one for a row read with its named cells, else every label
    with the figures after it."""
    return list(_records(unit))


@lru_cache(maxsize=4096)
def _records(unit: Unit) -> tuple[Record, ...]:
    """`records`, parsed once per unit: finding a table reads every unit of its page, and
    each question asks of several tables."""
    named = _named_record(unit)
    if named is not None:
        return (named,)
    tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(unit.quote)]
    kinds = [_kind(tokens, i) for i in range(len(tokens))]
    # a small whole number between one row's figures and the next row's label, counting
    # up ("... 7500.00 2 Local Advertisement 7500.00 3 Conveyance"), is a serial number
    candidates = {
        i: int(t[2])
        for i, t in enumerate(tokens)
        if kinds[i] == "figure"
        and t[2].isdigit()
        and len(t[2]) <= _SERIAL_DIGITS
        and i + 1 < len(tokens)
        and kinds[i + 1] == "word"
    }
    numbers = set(candidates.values())
    for i, n in candidates.items():
        if n + 1 in numbers or n - 1 in numbers:
            kinds[i] = "serial"
    out: list[Record] = []
    label: list[int] = []
    values: list[int] = []

    def close() -> None:
        if label and values:
            first, last = tokens[label[0]], tokens[values[-1]]
            out.append(
                Record(
                    unit,
                    first[0],
                    last[1],
                    " ".join(tokens[i][2] for i in label),
                    tuple(tokens[i][2] for i in values),
                )
            )

    for i, kind in enumerate(kinds):
        if kind == "serial":
            close()
            label, values = [], []
        elif kind == "figure":
            if label:
                values.append(i)
        elif kind == "unit" and values:
            values.append(i)  # "218 Cr.": part of the figure
        else:
            if values:
                close()
                label, values = [], []
            label.append(i)
    close()
    # a unit word joined to its figure ("218", "Cr.") reads as one figure
    return tuple(_merge_units(r) for r in out)


def _kind(tokens: list[tuple[int, int, str]], i: int) -> str:
    word = tokens[i][2]
    if _YEAR_SPAN.match(word.rstrip(".,;:")):
        return "word"
    if _FIGURE.match(word):
        return "figure"
    if _UNIT_WORD.match(word):
        return "unit"
    return "word"


def _merge_units(record: Record) -> Record:
    merged: list[str] = []
    for v in record.values:
        if merged and _UNIT_WORD.match(v):
            merged[-1] = f"{merged[-1]} {v}"
        elif not _UNIT_WORD.match(v):
            merged.append(v)
    return Record(record.unit, record.start, record.end, record.label, tuple(merged))


def _named_record(unit: Unit) -> Record | None:
    """A row rendered with its header ("Sector: Food; No. of units: 21,535; % Share: 16.4%")."""
    if not unit.is_row:
        return None
    cells = [(n.strip(), v.strip().rstrip(".")) for n, v in _CELL.findall(unit.rendered)]
    if len(cells) < 2:
        return None
    figures = [(n, v) for n, v in cells if _is_figure_cell(v)]
    labels = [v for _, v in cells if not _is_figure_cell(v)]
    if not figures or not labels:
        return None
    return Record(
        unit,
        0,
        len(unit.quote),
        " ".join(labels),
        tuple(v for _, v in figures),
        tuple(n for n, _ in figures),
    )


# a cell's figure may carry its unit: "Rs. 1,35,964 Cr", "55000 Nos", "Rs.1750Crs"
_CELL_UNIT = re.compile(r"\s*(?:crs?|crores?|lakhs?|lacs?|nos|mt)\.?$", re.I)


def _is_figure_cell(value: str) -> bool:
    return bool(_FIGURE.match(_CELL_UNIT.sub("", value).replace(" ", "")))


def is_tabular(unit: Unit) -> bool:
    """A row, or a fragment that holds a figure after a label."""
    return unit.is_row or (unit.fragment and bool(records(unit)))


def table_of(anchor: Unit, units: list[Unit], hits: list[Hit]) -> list[Unit]:
    """The table-like units of the run `anchor` stands in: on its page, in page order,
    unbroken by a sentence (a unit read from two passages is read once)."""
    ordered = _page_units(anchor, units, hits)
    # units inside a longer one (two chunks overlapping) add nothing
    ordered = [
        u
        for u in ordered
        if not any(o is not u and o.start <= u.start and u.end <= o.end for o in ordered)
        or u is anchor
    ]
    at = next(
        (i for i, u in enumerate(ordered) if u.start <= anchor.start < max(u.end, u.start + 1)),
        None,
    )
    if at is None or not is_tabular(ordered[at]):
        return []
    first = last = at
    while first > 0 and is_tabular(ordered[first - 1]):
        first -= 1
    while last + 1 < len(ordered) and is_tabular(ordered[last + 1]):
        last += 1
    return ordered[first : last + 1]


def _page_units(unit: Unit, units: list[Unit], hits: list[Hit]) -> list[Unit]:
    """The units on `unit`'s page, in page order, each span once (two passages of one
    page may both hold it; the first read stands)."""
    page = _page(hits[unit.hit_index])
    same: dict[tuple[int, int], Unit] = {}
    for u in units:
        if _page(hits[u.hit_index]) == page:
            same.setdefault((u.start, u.end), u)
    return sorted(same.values(), key=lambda u: (u.start, u.end))


def _segment(anchor: Unit, units: list[Unit], hits: list[Hit]) -> tuple[list[Record], int]:
    """The rows of the table `anchor` stands in, in page order, and where the anchor's own
    first row stands among them: a total row closes a table, so the rows run from the
    total before the anchor's first row to the total after it (which is included)."""
    flat = [r for u in table_of(anchor, units, hits) for r in records(u)]  # one page's
    inside = [
        i
        for i, r in enumerate(flat)
        if r.unit.start + r.start >= anchor.start
        and r.unit.start + r.end <= max(anchor.end, anchor.start + 1)
    ]
    # the anchor's first row; a total row alone is read with the rows it closes
    own = [i for i in inside if not flat[i].is_total] or inside
    if not own:
        return [], 0
    at = own[0]
    first = at
    while first > 0 and not flat[first - 1].is_total:
        first -= 1
    last = at
    while last + 1 < len(flat) and not flat[last].is_total:
        last += 1
    return flat[first : last + 1], at - first


def _is_label(record: Record) -> bool:
    last = record.label.split()[-1].lower().strip(".,;:(") if record.label.split() else ""
    return last not in _PROSE_BEFORE and not record.label[:1].islower()


def extreme(ask: str, best: list[Unit], units: list[Unit], hits: list[Hit]) -> Unit | None:
    """For "which sector has the most units?": the row with the largest (or smallest)
    figure in the column the question names (by its name, when the rows were read with
    their header; else the first column of figures), among the rows like most of those of
    the table asked of; total rows and figures in running text aside. None when the
    question asks no such thing or no two rows line up.

    The table asked of is the one the best table-like unit sits in, unless another table
    (of the passages read, or found in the documents read) answers to more of the
    question's words in its title, section, caption or lead-in lines, header and labels,
    or to as many in a longer run of them ("the top service
    activities" is the table captioned so, not the top trade activities' that ranks above
    it; "the large projects under implementation" is the table under that heading)."""
    least = bool(LEAST.search(ask))
    most = bool(MOST.search(ask)) or (bool(TOP.search(ask)) and not least)
    anchor = next((u for u in best if is_tabular(u)), None)
    if anchor is None or most == least:
        return None
    units = with_found(units, hits)  # the rest of the table may sit in a passage not read
    table = _table_rows(anchor, units, hits)
    terms = _terms(ask)
    if terms:
        # the tables in the order read, the anchor's first: it keeps a tie
        starts = [anchor, *(u for u in units if u is not anchor and is_tabular(u))]
        seen: set[tuple[tuple[str, int], int]] = set()
        best_match = (-1.0, -1)
        for start in starts:
            run = table_of(start, units, hits)
            key = (_page(hits[start.hit_index]), run[0].start) if run else None
            if key is None or key in seen:
                continue
            seen.add(key)
            rows = table if start is anchor else _table_rows(start, units, hits)
            if len(rows) < 2:
                continue
            match = _match(terms, _about(run, units, hits))
            if match > best_match:
                best_match, table = match, rows
    if len(table) < 2:
        return None
    names = table[0].names
    wanted = set(tokenize(ask))
    column = (
        max(range(len(names)), key=lambda i: (len(wanted & set(tokenize(names[i]))), -i))
        if names
        else 0
    )
    scored = [(value_of(r.values[column]), r) for r in table]
    values = [(v, r) for v, r in scored if v is not None]
    if len(values) < 2:
        return None
    return (max if most else min)(values, key=lambda pair: pair[0])[1].as_unit()


def with_found(units: list[Unit], hits: list[Hit]) -> list[Unit]:
    """`units` (those read) and those of the passages found but not read, of the documents
    read: the rest of a table, or the table a question names, may sit there. Applied to its
    own result it adds nothing, so a caller that reads several tables widens once and
    passes the result on."""
    read = {u.hit_index for u in units}
    docs = {hits[i].doc.doc_id for i in read}
    return units + [
        u
        for i, h in enumerate(hits)
        if i not in read and h.doc.doc_id in docs
        for u in passage_units(i, h)
    ]


_LABEL_WORDS = 3  # a row's label a question can name whole: "Boarding", "IRR", "Medium"
_NUMBERED = re.compile(r"^\d{1,2}$")  # a lone small whole number: a heading's number


def named_rows(part: str, ask: str, units: list[Unit], hits: list[Hit]) -> list[Unit]:
    """For "how much of that is for boarding?" or "what IRR and RoCE are projected?": the
    rows whose whole label the part names, in the table that answers best to the question
    (`extreme`'s measure) among the tables of the documents read; [] when the part names
    no row."""
    wanted = set(_terms(part))
    if not wanted:
        return []
    units = with_found(units, hits)
    named: dict[tuple[tuple[str, int], int], list[Record]] = {}
    runs: dict[tuple[tuple[str, int], int], list[Unit]] = {}
    titles: dict[str, set[str]] = {}  # each document's title words, read once
    for u in units:
        if not is_tabular(u):
            continue
        doc = hits[u.hit_index].doc
        if doc.doc_id not in titles:
            titles[doc.doc_id] = set(_words(doc.title))
        title = titles[doc.doc_id]
        for r in records(u):
            label = [t for t in _words(r.label) if t not in STOPWORDS and not t[:1].isdigit()]
            first = r.label.split()[0]
            if (
                r.is_total
                or not label
                or not first[:1].isalnum()  # "| Small: 5,364": a cell of a line, no row
                or _UNIT_WORD.match(first)  # "L units 16.5 %": the tail of "7.97 L"
                or len(label) > _LABEL_WORDS
                or not set(label) <= wanted
                or set(label) <= title  # a running head ("MSME SCHEMES 26"): no row
                or _NUMBERED.match(" ".join(r.values))  # "Case 4", "THE PROPOSAL 24"
            ):
                continue
            # a row of a table: another row lines up with it
            if r not in _table_rows(u, units, hits):
                continue
            run = table_of(u, units, hits) or [u]
            key = (_page(hits[u.hit_index]), run[0].start)
            runs[key] = run
            if all(o.unit.start + o.start != u.start + r.start for o in named.get(key, [])):
                named.setdefault(key, []).append(r)
    if not named:
        return []
    terms = _terms(ask)
    key = max(named, key=lambda k: _match(terms, _about(runs[k], units, hits)))
    return [r.as_unit() for r in named[key]]


def _table_rows(anchor: Unit, units: list[Unit], hits: list[Hit]) -> list[Record]:
    """The rows of the table `anchor` stands in that line up (as many figures, alike),
    total rows and prose aside: of the shapes of two rows or more, the anchor's, then the
    one with the most figures (a table's columns, not the summary line above it: "Total
    MSME Units 7.97 L Manufacturing 1.31 L ..."), then the commonest; [] when no two do."""
    segment, _ = _segment(anchor, units, hits)
    rows = [r for r in segment if not r.is_total and _is_label(r)]
    if len(rows) < 2:
        return []
    own = {r.signature() for r in records(anchor) if not r.is_total and _is_label(r)}
    counts = Counter(r.signature() for r in rows)
    shape = max(counts, key=lambda s: (counts[s] >= 2 and s in own, s[0], counts[s]))
    table = [r for r in rows if r.signature() == shape]
    return table if len(table) >= 2 and shape[0] else []


# words that say which row is asked, not which table
_RANKING_WORDS = frozenset(
    tokenize(
        "most largest highest biggest maximum greatest least smallest lowest fewest minimum "
        "top total overall grand number many much"
    )
)
_LEAD_REACH = 2  # the lines before a table that may caption it or lead into it


def _terms(ask: str) -> list[str]:
    return [_singular(t) for t in tokenize(ask) if t not in STOPWORDS and t not in _RANKING_WORDS]


def _singular(token: str) -> str:
    """A stemmed token without its final s (of four letters or more), on the question's side
    and the table's alike: the stemmer leaves a short form's plural ("msmes", "cfcs"), and
    "MSMEs" names what "MSME" does."""
    return token[:-1] if len(token) > 3 and token.endswith("s") else token


def _words(text: str) -> list[str]:
    return [_singular(t) for t in tokenize(text)]


def _about(run: list[Unit], units: list[Unit], hits: list[Hit]) -> tuple[list[str], list[str]]:
    """What a table is said to be: its document's title and its passage's section, the
    lines before it on its page (a caption, "Details are as follows:"), then its own rows
    (header and labels)."""
    before = [u for u in _page_units(run[0], units, hits) if u.end <= run[0].start]
    hit = hits[run[0].hit_index]
    words = _words(hit.chunk.section or "")
    for u in before[-_LEAD_REACH:]:
        words += _words(u.rendered)
    for u in run:
        words += _words(u.rendered)
    return _words(hit.doc.title), words


def _match(terms: list[str], about: tuple[list[str], list[str]]) -> tuple[float, int]:
    """How well a table answers to the question's words: the share of them its title and
    text have, then the longest run of them its own text has in the question's order (a
    title is the same for all its document's tables)."""
    title, text = about
    wanted = set(terms)
    return len(wanted & {*title, *text}) / len(wanted), longest_run(terms, text)


def totals(ask: str, chosen: list[Unit], units: list[Unit], hits: list[Hit]) -> list[Unit]:
    """For "what is the total budget ...?": the total row that closes the table each chosen
    table-like unit stands in, where no chosen unit already holds it."""
    if not ASKS_TOTAL.search(ask):
        return []
    units = with_found(units, hits)
    out: list[Unit] = []
    for unit in chosen:
        if not is_tabular(unit):
            continue
        segment, _ = _segment(unit, units, hits)
        if not segment or not segment[-1].is_total:
            continue
        found = segment[-1].as_unit()
        page = _page(hits[found.hit_index])
        held = any(
            _page(hits[c.hit_index]) == page and c.start <= found.start and found.end <= c.end
            for c in [*chosen, *out]
        )
        if not held:
            out.append(found)
    return out


def content_of(heading: Unit, units: list[Unit], hits: list[Hit]) -> Unit | None:
    """For a chosen caption ("Table 3: Paired t-test results for ...") or a heading or
    header row with at most one figure ("Paired Differences: Mean; T: Std. Deviation; ...
    95% Confidence Interval"): the first row of figures that follows it on the page
    (within a few units, over the passages read), what it is the heading of. None for a
    row of figures itself, or a heading no such row follows."""
    caption = bool(_CAPTION.match(heading.rendered))
    if not caption and (_figures(heading) >= 2 or not (heading.fragment or heading.is_row)):
        return None
    after = [u for u in _page_units(heading, units, hits) if u.start >= heading.end]
    for u in after[:_HEADING_REACH]:
        if not is_tabular(u) and not u.fragment:
            return None  # a sentence: the heading heads prose
        if _figures(u) >= 2:
            return u
    return None


def _figures(unit: Unit) -> int:
    return sum(len(r.values) for r in records(unit))


_CAPTION = re.compile(r"^\s*(?:table|figure|fig\.|chart|exhibit|annexure)\s*[\dIVX.-]+\b", re.I)
_HEADING_REACH = 3


def _page(hit: Hit) -> tuple[str, int]:
    return hit.doc.doc_id, hit.chunk.page
