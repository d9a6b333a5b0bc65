"""The question sets, read into one shape.

* `retrieval_gold.jsonl` (r01-r24) and `eval_set.jsonl` (e01-e86): questions written over the
  reference corpus, each with its gold answer, key facts, and gold document and page;
  unanswerable ones in `eval_set.jsonl` have no gold;
* `hindi.jsonl`: Hindi versions of gold questions (`of` names the English one, whose gold
  they share); `unanswerable.jsonl` and `hindi_unanswerable.jsonl`: questions the corpus
  cannot answer;
* the real FAQ pairs of the national scheme portal (`../shared/eval-data/
  myscheme_faq_dev.jsonl`): gold document the scheme record named in `scheme_file`, gold
  answer the FAQ answer. The FAQ text is not in the records, so these test retrieval and
  answering honestly; they have no key facts, so their correctness is token F1 and the judge.

* `shapes.jsonl` (s001-s142): questions in the shapes the answers work is measured on (long
  profile questions, multi-part, table cells and aggregates, in-domain unanswerable, short
  articles, Hindi/Assamese/Bengali), written from page text by someone who had not read
  the ranking code; a test holds every key fact to its gold page. s143-s272 (batch
  "2026-12"): 70 officials' and facilitators' questions over the guidelines, circulars,
  booklets and 12 scheme records, and 60 researchers' over the papers, articles, the
  Anakapalli page, the AP survey, the Udyam bulletin, the Srikakulam DPR and NIC 2008,
  written the same way by two other sessions (plain "single" questions among them).
  s273-s382 (batch "2026-12b"): 50 table questions over 13 documents (a cell by row and
  column, a row by its label or year, totals, largest and smallest rows) and 60 more (20
  profile, 15 multi-part, 15 plain, 10 in-domain unanswerable, checked absent from the page
  texts and the scheme records), written the same way by two more sessions.

The honest split. Every question belongs to one fixed half, `tune` or `test` (`split_of`):
within each stratum (a shape question's shape, else its set and category) the ids are
ordered by a hash of the id and alternate tune, test, tune... Every weight and threshold
is fit on the tuning half; `karigar eval` reports both halves and the gap, and the
baseline holds the test half. The FAQ pairs are all `test`: never tuned on.

Pages follow the ingest: PDF pages from 1, page 0 for files without pages.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from retrieval.core.errors import ConfigError
from retrieval.core.settings import PROJECT_ROOT

QUESTIONS = PROJECT_ROOT / "eval" / "questions"
FAQ_PATH = PROJECT_ROOT.parent / "shared" / "eval-data" / "myscheme_faq_dev.jsonl"

# The questions CI runs (`make test`): the written gold set and the off-topic set, plus
# a fixed slice of the new set; small enough to answer in well under a minute.
CI_SUBSET = (
    "r",
    "u",
    "e01",
    "e02",
    "e09",
    "e10",
    "e17",
    "e18",
    "e25",
    "e26",
    "e33",
    "e41",
    "e49",
    "e55",
    "e77",
    "e78",
)


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    category: str  # eligibility, benefit, table_figure, ..., faq, hindi, unanswerable, gold
    answer: str = ""
    key_facts: tuple[str, ...] = ()
    gold: tuple[tuple[str, int], ...] = ()  # (path, page)
    persona: str = ""
    language: str = "en"
    # profile, multi_part, table, unanswerable_in_domain, short_article, indic (shapes.jsonl,
    # Hindi and the unanswerable sets), off_topic; "" for a plain single question
    shape: str = ""
    parts: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (part question, its key facts)
    split: str = "test"  # tune or test: see `split_of`
    batch: str = ""  # questions written later keep strata of their own (`split_of`)

    @property
    def answerable(self) -> bool:
        return bool(self.gold)

    @property
    def gold_docs(self) -> set[str]:
        return {path for path, _ in self.gold}


def _jsonl(path: Path) -> list[dict]:
    if not path.exists():
        raise ConfigError(f"question file {path} is missing")
    rows = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path}:{n} is not valid JSON ({exc}); fix that line") from exc
    return rows


def _gold(row: dict) -> tuple[tuple[str, int], ...]:
    return tuple((g["path"], int(g["page"])) for g in row.get("gold") or [])


def _stratum(q: Question) -> str:
    if q.shape:
        # a later batch is split on its own, so adding it moves no question already split
        return f"shape:{q.shape}:{q.language != 'en'}" + (f":{q.batch}" if q.batch else "")
    return f"{q.id.rstrip('0123456789')}:{q.category}"


def split_of(questions: list[Question]) -> dict[str, str]:
    """id -> 'tune' or 'test': in each stratum, ids ordered by the SHA-1 of the id take
    turns, tune first; FAQ pairs are all 'test'. Fixed: adding a question to one stratum
    never moves a question of another, and the hash does not follow the file order."""
    strata: dict[str, list[str]] = defaultdict(list)
    out: dict[str, str] = {}
    for q in questions:
        if q.category == "faq":
            out[q.id] = "test"
        else:
            strata[_stratum(q)].append(q.id)
    for ids in strata.values():
        ids.sort(key=lambda i: hashlib.sha1(i.encode()).hexdigest())
        for n, qid in enumerate(ids):
            out[qid] = "tune" if n % 2 == 0 else "test"
    return out


def _language(text: str) -> str:
    if re.search(r"[\u0980-\u09ff]", text):  # Bengali-Assamese script
        return "as" if re.search(r"[ৰৱ]", text) else "bn"
    return "hi" if re.search(r"[\u0900-\u097f]", text) else "en"


def load_questions(
    folder: Path = QUESTIONS,
    faq_path: Path | None = FAQ_PATH,
    faq_limit: int | None = None,
    seed: int = 7,
) -> list[Question]:
    """Every set; `faq_limit` samples that many FAQ pairs (fixed seed), None takes all."""
    out: list[Question] = []
    written = {}
    for row in _jsonl(folder / "retrieval_gold.jsonl"):
        facts = tuple(row.get("key_facts", []))
        q = Question(
            row["id"],
            row["question"],
            "gold",
            row.get("answer", ""),
            facts,
            _gold(row),
            row.get("persona", ""),
        )
        written[q.id] = q
        out.append(q)
    for row in _jsonl(folder / "eval_set.jsonl"):
        out.append(
            Question(
                row["id"],
                row["question"],
                row["category"],
                row.get("answer", ""),
                tuple(row.get("key_facts", [])),
                _gold(row),
                row.get("persona", ""),
                # its unanswerable questions are in the field: a fact the corpus lacks
                shape="unanswerable_in_domain" if not row.get("gold") else "",
            )
        )
    for row in _jsonl(folder / "hindi.jsonl"):
        of = written[row["of"]]
        out.append(
            Question(
                row["id"],
                row["question"],
                "hindi",
                of.answer,
                of.key_facts,
                of.gold,
                of.persona,
                "hi",
                "indic",
            )
        )
    for name, language in (("unanswerable.jsonl", "en"), ("hindi_unanswerable.jsonl", "hi")):
        for row in _jsonl(folder / name):
            out.append(
                Question(
                    row["id"], row["question"], "unanswerable", language=language, shape="off_topic"
                )
            )
    for row in _jsonl(folder / "shapes.jsonl"):
        unanswerable = row["shape"] == "unanswerable_in_domain"
        parts = tuple(
            (p["question"], tuple(p.get("key_facts", []))) for p in row.get("parts") or []
        )
        out.append(
            Question(
                row["id"],
                row["question"],
                "unanswerable" if unanswerable else row["category"],
                row.get("answer", "") if not unanswerable else "",
                tuple(row.get("key_facts", [])) if not unanswerable else (),
                () if unanswerable else _gold(row),
                row.get("persona", ""),
                _language(row["question"]),
                row["shape"],
                parts,
                batch=row.get("batch", ""),
            )
        )
    if faq_path is not None and faq_path.exists():
        faq = _jsonl(faq_path)
        if faq_limit is not None and faq_limit < len(faq):
            faq = random.Random(seed).sample(faq, faq_limit)
        for row in faq:
            # the portal shows the FAQ under its scheme ("Who is eligible under this
            # scheme?"), so the question names the scheme as a user would
            out.append(
                Question(
                    f"faq-{row['id']}",
                    f"{row['question']} ({row['scheme']})",
                    "faq",
                    row["answer"],
                    (),
                    ((f"schemes/{row['scheme_file']}", 0),),
                )
            )
    ids = [q.id for q in out]
    if len(ids) != len(set(ids)):
        raise ConfigError("question ids repeat across the files in eval/questions")
    halves = split_of(out)
    return [replace(q, split=halves[q.id]) for q in out]


CI_PER_SHAPE = 2  # of each answer shape's test half (Indic aside: CI builds no e5 index)


def ci_subset(questions: list[Question]) -> list[Question]:
    """The fixed slice CI evaluates: ids starting 'r' or 'u' (r01-r24, u01-u12), the
    listed e-questions, and the first CI_PER_SHAPE ids of each shape of shapes.jsonl in
    the test half."""
    singles = {s for s in CI_SUBSET if len(s) > 1}
    shaped: dict[str, list[str]] = defaultdict(list)
    for q in sorted(questions, key=lambda q: q.id):
        if q.id.startswith("s") and q.split == "test" and q.language == "en":
            shaped[q.shape].append(q.id)
    singles |= {i for ids in shaped.values() for i in ids[:CI_PER_SHAPE]}
    return [
        q for q in questions if q.id in singles or (q.id[0] in ("r", "u") and q.id[1:].isdigit())
    ]
