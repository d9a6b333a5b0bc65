"""Question analysis: what a question asks, under which constraints, in how many parts.

    analyse("A 29-year-old woman from a village in Nalbari district, Assam, wants a Rs 12
             lakh weaving unit under PMEGP. Which subsidy rate applies, and what share must
             she contribute?")
    -> asks "rate"; constraints scheme PMEGP, category woman, area rural, state Assam,
       amount Rs 12 lakh, age 29; two parts; the profile (the first sentence) apart from
       the ask (the second).

The reader and the answerability check read it:
* the **ask** (the question without its profile) is what word coverage is measured on, so
  the words of a profile ("29-year-old", "Nalbari district") never count against a passage
  that answers;
* the **kind** asked says what a passage must carry to answer: a percentage for a rate, a
  sum for an amount, a number for a count, a period for a duration, a date for a date;
* the **parts** of a multi-part question are answered one by one.

No model and no list of questions: patterns over the words of the question, tested on
the 240 labelled questions of `eval/questions/analysis_labels.jsonl`
(`tests/test_analysis.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from retrieval.search.glossary import ASKS_FOR_FIGURE_HI, gloss
from retrieval.search.multilingual import is_indic

# -- what is asked -------------------------------------------------------------------------
KINDS = (
    "amount",
    "rate",
    "count",
    "date",
    "duration",
    "name",
    "list",
    "yes_no",
    "procedure",
    "documents",
    "definition",
    "comparison",
    "other",
    "figure",  # some figure, its kind left open (an Indic question, read through its gloss)
)
FIGURE_KINDS = frozenset({"amount", "rate", "count", "date", "duration", "figure"})

_AUX = r"(?:is|are|was|were|does|do|did|can|could|will|would|should|shall|may|must|has|have|had)"
_WH = r"(?:what|which|how|who|whom|whose|when|where|whether|why)"
# (kind, pattern), tried in order: the first that matches the ask names its kind
_KIND_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.I))
    for kind, pattern in (
        ("comparison", r"\b(?:compare[ds]?|comparison|differ(?:s|ence|ent)?|versus|vs\.?)\b"),
        (
            "documents",
            r"\b(?:which|what)\b[^?]*\bdocuments?\b|\bdocuments?\b[^?]*\b(?:need|requir|submit)|"
            # "what papers should he carry?" (not "which papers study clusters?")
            r"\b(?:papers|proofs?)\b[^?]*\b(?:carry|bring|submit|need|requir|attach|produce)",
        ),
        # "what figures were presented?", "what numbers does it give?": figures of any kind
        ("figure", r"\b(?:what|which) (?:[\w&'-]+ ){0,2}(?:figures|numbers|statistics)\b"),
        # "which sector has the most units?" asks for the sector
        ("name", r"\bwhich\b[^?]*\b(?:most|largest|smallest|highest|lowest|biggest|least)\b"),
        # "how much employment?" is counted in persons, not in rupees
        (
            "count",
            r"\bhow much (?:(?:direct|indirect|total|additional|new|more|and) ){0,4}"
            r"(?:employment|jobs?|manpower)\b",
        ),
        ("amount", r"\bhow (?:much|large|big)\b"),
        # "how is the guarantee split?": shares
        ("rate", r"\bhow (?:is|are|was|were)\b[^?]*\b(?:split|shared|divided|apportioned)\b"),
        # "what is the most that testing support can be?" asks for a ceiling
        ("amount", r"\b(?:the most|the least|at most|at least)\b[^?]*\bcan\b"),
        # "which schemes support ...", "what awards are available": several of them
        (
            "list",
            # (not "what shares were ...", "which rates apply": figures)
            r"\b(?:which|what) (?!(?:shares?|rates?|percentages?|amounts?|limits?|numbers?|"
            r"figures?|targets?|costs?|fees?|charges?|values?|totals?|proportion)\b)"
            r"(?:[\w&-]+ ){0,3}[a-z]+[^s\W]s (?:are|were|have|do|does|qualify|"
            r"count|support|help|account|get|receive|apply|benefit|can|cover|exist)\b",
        ),
        # "from what date is the lock-in period counted?" asks a date, though of a period
        ("date", r"\b(?:what|which) date\b"),
        (
            "duration",
            r"\bhow (?:long|soon)\b|\bhow many (?:years?|months?|days?|weeks?|hours?)\b|\bage\b|"
            r"\b(?:period|duration|tenure|tenor|moratorium)\b|\bwithin (?:what|how much) time\b",
        ),
        (
            "rate",
            r"\b(?:rates?|percentages?|per ?cent|shares?|shared|sharing|proportion|interest|ratio|"
            r"cover|coverage|extent|return)\b|%",
        ),
        ("count", r"\bhow many\b|\bnumber of\b|\bcount\b|\bscore\b"),
        (
            "amount",
            r"\b(?:amount|sum|limit|ceiling|cap|maximum|minimum|outlay|budget|cost|fee|fees|"
            r"stipend|grant|loan size|value|turnover|investment|assistance|subsidy|allocation|"
            r"corpus|premium|pension|price|wage|income|salary|expenditure|charges?|rent|"
            r"tariff|remuneration)\b",
        ),
        (
            "date",
            # "when was it launched?", not "how should a lender group them when claiming?"
            r"^\W*when\b|\b(?:from|since|by|till|until) when\b|"
            r"\bwhen (?:is|was|were|did|does|do|will|would|can|could|should|shall|must)\b|"
            r"\b(?:which|what) (?:year|date|month)\b|\bin (?:which|what) year\b|"
            r"\bdate\b|\bsince when\b",
        ),
        (
            "procedure",
            r"\bhow (?:to|do|does|can|should|will|is|are)\b[^?]*\b(?:apply|register|"
            r"registered|avail|obtain|claim|submit|released?|disbursed?|sanctioned|"
            r"selected|processed|implemented|done)\b|\b(?:procedure|process|steps?)\b|"
            r"\bwhere (?:can|do|does|should|to)\b|\bwhom (?:to|should)\b",
        ),
        (
            "definition",
            r"\bwhat (?:is|are) meant by\b|\bwhat does\b[^?]*\bmean\b|\bdefin(?:e|ed|ition)\b|"
            r"\bstand for\b|\bexpan(?:d|sion)\b|\bfull form\b|\bmeaning of\b",
        ),
        (
            "list",
            r"\b(?:which|what) (?:are the |all )?(?:schemes|programmes|programs|activities|"
            r"components|items|sectors|industries|products|states|crafts|trades|"
            r"categories|types|kinds|conditions|criteria|benefits|features|objectives|"
            r"interventions|challenges|problems|factors|measures|steps)\b|"
            r"\bwhat (?:are|were)\b|\blist\b|\bwho (?:is|are) eligible\b|\bwho can\b|"
            r"\bname (?:the|two|three|some)\b",
        ),
        (
            "name",
            r"\bwhich\b|\bwho\b|\bwhose\b|\bname of\b|\bwhat is the name\b|\bwhere\b",
        ),
        ("yes_no", rf"^\s*(?:{_AUX})\b|\bwhether\b"),
    )
)
# a yes/no question opens with its auxiliary, perhaps after a lead-in ("Under the 2020
# criteria, is export turnover counted?")
_YES_NO = re.compile(rf"^(?:[^,?]{{0,120}},\s*)?(?:{_AUX}|is there|are there)\b", re.I)


def kind_of(text: str) -> str:
    """The kind one ask wants (see KINDS): the first matching pattern, read over the
    ask's own words; 'other' when none matches ("What is PMEGP?" is a definition)."""
    ask = text.strip()
    if _YES_NO.match(ask):  # "Is there an income limit?" asks yes or no
        return "yes_no"
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(ask):
            return kind
    if re.match(r"^\s*what (?:is|are)\b", ask, re.I):
        return "definition"
    return "other"


# -- constraints -----------------------------------------------------------------------------
STATES = tuple(  # the states and union territories, as the documents spell them
    [
        "Andhra Pradesh",
        "Arunachal Pradesh",
        "Assam",
        "Bihar",
        "Chhattisgarh",
        "Goa",
        "Gujarat",
        "Haryana",
        "Himachal Pradesh",
        "Jharkhand",
        "Karnataka",
        "Kerala",
        "Madhya Pradesh",
        "Maharashtra",
        "Manipur",
        "Meghalaya",
        "Mizoram",
        "Nagaland",
        "Odisha",
        "Orissa",
        "Punjab",
        "Rajasthan",
        "Sikkim",
        "Tamil Nadu",
        "Telangana",
        "Tripura",
        "Uttar Pradesh",
        "Uttarakhand",
        "West Bengal",
        "Andaman and Nicobar",
        "Chandigarh",
        "Dadra and Nagar Haveli",
        "Daman and Diu",
        "Delhi",
        "Jammu and Kashmir",
        "Jammu",
        "Kashmir",
        "Ladakh",
        "Lakshadweep",
        "Puducherry",
    ]
)
STATE_PATTERN = re.compile(r"\b(" + "|".join(sorted(STATES, key=len, reverse=True)) + r")\b")
_CATEGORIES = (
    ("woman", r"\b(?:wom[ae]n|female|widow|girl|mahila|she|her)\b"),
    ("SC", r"\bSCs?\b|\bscheduled castes?\b"),
    ("ST", r"\bSTs?\b|\bscheduled tribes?\b|\btribal\b"),
    ("OBC", r"\bOBCs?\b|\bother backward class"),
    ("minority", r"\bminorit(?:y|ies)\b"),
    ("ex-serviceman", r"\bex-? ?servicem[ae]n\b"),
    ("physically handicapped", r"\b(?:physically handicapped|disabled|divyang|disabilit)"),
    ("transgender", r"\btransgender\b"),
    ("NER", r"\bNER\b|\bnorth[- ]?east(?:ern)?\b"),
    ("hill", r"\bhill\b"),
    ("border area", r"\bborder (?:area|district)s?\b"),
    ("general", r"\bgeneral[- ]category\b|\bgeneral\b(?= (?:beneficiar|man|applicant))"),
)
_CATEGORY_PATTERNS = tuple((name, re.compile(p, re.I)) for name, p in _CATEGORIES)
_RURAL = re.compile(r"\b(?:rural|village|gram|panchayat)\b", re.I)
_URBAN = re.compile(r"\b(?:urban|city|town|municipal|municipality|metro)\b", re.I)
_ACTIVITY = re.compile(r"\b(manufactur\w*|service|trading|business)\b", re.I)
_AMOUNT = re.compile(
    r"(?:Rs\.?|INR|₹)\s*[\d,.]+(?:\s*(?:lakh|lakhs|crore|crores|thousand))?"
    r"|\b[\d,.]+\s*(?:lakh|lakhs|crore|crores)\b",
    re.I,
)
_AGE = re.compile(r"\b(\d{2})[- ]years?[- ]old\b|\baged? (?:of )?(\d{2})\b", re.I)
_SCHEME = re.compile(
    r"\b([A-Z][A-Za-z-]*[A-Z][A-Za-z-]*(?:\s+\d\.0)?)\b"  # an acronym: PMEGP, SFURTI, PM-FME
    r"|\b((?:[A-Z][\w'-]+\s+){1,6}(?:Scheme|Yojana|Programme|Program|Prakalpa|Mission|Abhiyan))\b"
)
_NOT_SCHEMES = frozenset({"MSME", "MSMEs", "NER", "SC", "ST", "OBC", "DIC", "GST", "NIC", "UT"})


@dataclass(frozen=True)
class Constraints:
    """What the question states about who, where and what: each as written."""

    scheme: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    area: str = ""  # rural or urban
    activity: str = ""  # manufacturing, service, trading or business
    state: tuple[str, ...] = ()
    amount: tuple[str, ...] = ()
    age: int | None = None


def constraints_of(text: str) -> Constraints:
    rural, urban = bool(_RURAL.search(text)), bool(_URBAN.search(text))
    activity = ""
    match = _ACTIVITY.search(text)
    if match:
        word = match.group(1).lower()
        activity = "manufacturing" if word.startswith("manufactur") else word
    age = _AGE.search(text)
    schemes = []
    for m in _SCHEME.finditer(text):
        name = (m.group(1) or m.group(2) or "").strip()
        if name and name not in _NOT_SCHEMES and not STATE_PATTERN.fullmatch(name):
            schemes.append(name)
    return Constraints(
        scheme=tuple(dict.fromkeys(schemes)),
        category=tuple(name for name, p in _CATEGORY_PATTERNS if p.search(text)),
        area="rural" if rural and not urban else "urban" if urban and not rural else "",
        activity=activity,
        state=tuple(dict.fromkeys(m.group(1) for m in STATE_PATTERN.finditer(text))),
        amount=tuple(m.group(0).strip() for m in _AMOUNT.finditer(text)),
        age=int(age.group(1) or age.group(2)) if age else None,
    )


# -- the parts --------------------------------------------------------------------------------
_PREP = r"(?:at|for|in|of|on|by|to|from|under|with|within|up to)"
_SENTENCE = re.compile(r"(?<=[.?!])\s+(?=[A-Z\"'(])")
_ASKING = re.compile(
    rf"^\s*(?:(?:{_PREP}\s+)?{_WH}|{_AUX}|is there|are there|name|list|give|state|tell)\b", re.I
)
# a second ask inside one sentence: ", and what ...", "; how ...", " and does ..."
_PART_BREAK = re.compile(
    rf"(?:[,;]?\s+and\s+(?:also\s+)?(?=(?:{_PREP}\s+)?(?:{_WH}|{_AUX})\b)"
    # after a comma alone, "which", "who" and "where" usually open a relative clause
    rf"|[,;]\s*(?=(?:{_PREP}\s+)?(?:what|how|when|whether|{_AUX})\b))",
    re.I,
)


@dataclass(frozen=True)
class Part:
    text: str  # the part as asked
    asks: str  # its kind


@dataclass(frozen=True)
class Analysis:
    question: str
    asks: str  # the kind of the first part
    parts: tuple[Part, ...]
    ask: str  # the question without its profile: the asking sentences
    profile: str  # the sentences that describe a person or unit before asking
    constraints: Constraints = field(default_factory=Constraints)

    @property
    def is_profile(self) -> bool:
        return bool(self.profile) or _describes_person(self.question)

    def searches(self) -> list[str]:
        """The searches beyond the question's own: for a question with a profile or with
        several parts, each part made to stand alone with the profile's constraint words
        (its category and area), so each part finds its own passage and no profile words
        crowd the search. Empty for a plain question."""
        if len(self.parts) < 2 and not self.profile:
            return []
        c = self.constraints
        words = [*c.category, c.area] if self.is_profile else []
        return [" ".join([self.part_query(p), *filter(None, words)]) for p in self.parts]

    def part_query(self, part: Part) -> str:
        """A part made to stand alone for the reader: its words with the schemes the
        question names, when the part leaves them out ("and what must she contribute?" ->
        "... PMEGP"). A later part is not given the phrase that scopes the question ("In
        the break-up of the survey data, ...") nor the names of the part it points back at
        ("... and what share is that?"): on the tuning half the first cost 0.016 of facts
        said and the second lost one question (README, Evaluation)."""
        missing = [s for s in self.constraints.scheme if s.lower() not in part.text.lower()]
        return " ".join([part.text, *missing]).strip()


# a question told, not asked: "A beneficiary asks whether PMEGP loans carry ...", "She wants
# to know how ..."
_INDIRECT = re.compile(
    rf"\b(?:asks?|asked|wants to know|would like to know|wonders|enquires|inquires)\s+"
    rf"(?:{_WH}|if)\b",
    re.I,
)
# a phrase before the first ask that scopes the question: "In the break-up of the survey
# data, how many ...", "For the Srikakulam CFC: from when ...": it asks, so it is no lead-in
_SCOPE = re.compile(
    r"^\s*((?:in|under|according to|as per|for|on|from|regarding|about)\s+[^,:;?]{3,150}?)"
    rf"\s*[,:]\s*(?=(?:{_PREP}\s+)?(?:{_WH}|{_AUX})\b)",
    re.I,
)


def scope_of(text: str) -> str:
    """The phrase that opens `text` and scopes what it asks ("" when none)."""
    m = _SCOPE.match(text)
    return m.group(1).strip() if m else ""


_PERSON = re.compile(
    r"\b(?:\d{2}[- ]years?[- ]old|aged \d{2}|an? (?:\w+ ){0,3}(?:woman|man|widow|artisan|"
    r"weaver|entrepreneur|beneficiary|applicant|unit|enterprise|graduate|youth|potter|"
    r"carpenter|farmer|person|ex-serviceman|group|SHG|cooperative|society|company|firm))\b",
    re.I,
)


def _describes_person(text: str) -> bool:
    return bool(_PERSON.search(text))


# "what is the maximum assistance and repayment period?": two things of different kinds
# asked with one verb (an amount and a duration), so two parts; "what are the investment
# and turnover limits?" asks one kind twice, and stays one
_NOUNS_AND = re.compile(
    r"^(?P<head>(?:.*?\b)?(?:what|which)\s+(?:is|are|was|were|will be)\s+(?:the\s+)?)"
    r"(?P<a>[^,;?]+?)\s+and\s+(?:the\s+|its\s+|their\s+)?(?P<b>[^,;?]+?)"
    r"(?P<tail>\s+(?:for|under|of|in|to|from|by|at|on|with)\b[^?]*)?\??$",
    re.I,
)


def _split_nouns(part: str) -> list[str]:
    m = _NOUNS_AND.match(part)
    if not m or len(m.group("a").split()) < 2:  # "the maximum and the effective cover"
        return [part]  # shares its noun: one thing asked
    head, tail = m.group("head"), m.group("tail") or ""
    first, second = f"{head}{m.group('a')}{tail}", f"{head}{m.group('b')}{tail}"
    kinds = kind_of(first), kind_of(second)
    if kinds[0] == kinds[1] or not set(kinds) <= FIGURE_KINDS:
        return [part]
    return [first, second]


# "(1) what ..., and (2) for how long ...": parts numbered by the asker
_NUMBERED = re.compile(r"[,;:]?\s*(?:and\s+)?(?=\(\d\)\s)")


def _split_parts(ask: str) -> list[str]:
    pieces: list[str] = []
    for sentence in _SENTENCE.split(ask):
        sentence = sentence.strip()
        if not sentence:
            continue
        if len(re.findall(r"\(\d\)\s", sentence)) >= 2:
            bits = [b.strip(" ,;:") for b in _NUMBERED.split(sentence) if b.strip(" ,;:")]
            bits = [re.sub(r"^\(\d\)\s*", "", b) for b in bits]
        else:
            bits = [b.strip(" ,;") for b in _PART_BREAK.split(sentence) if b and b.strip(" ,;")]
        # a lead-in that asks nothing ("According to the booklet", "In the PMEGP table")
        # belongs to the ask after it
        if len(bits) > 1 and not _ASKING.match(bits[0]) and not scope_of(bits[0]):
            bits[:2] = [f"{bits[0]}, {bits[1]}"]
        pieces.extend(p for bit in bits for p in _split_nouns(bit))
    return pieces or [ask.strip()]


def analyse(question: str) -> Analysis:
    """What `question` asks (see the module's docstring). A question in an Indic script is
    read through its English gloss, as one part; a figure asked in it is of any kind."""
    text = " ".join(question.split())
    if is_indic(text):
        words = gloss(text)
        kind = "figure" if ASKS_FOR_FIGURE_HI.search(text) else kind_of(words)
        return Analysis(text, kind, (Part(words, kind),), words, "", constraints_of(words))
    sentences = [s.strip() for s in _SENTENCE.split(text) if s.strip()]
    asking = [s for s in sentences if s.endswith("?") or _ASKING.match(s) or _INDIRECT.search(s)]
    if not asking:
        asking = sentences[-1:] or [text]
    profile = " ".join(s for s in sentences if s not in asking)
    ask = " ".join(asking)
    pieces = _split_parts(ask)
    parts = tuple(Part(p, kind_of(p)) for p in pieces)
    return Analysis(
        question=text,
        asks=parts[0].asks if parts else "other",
        parts=parts,
        ask=ask,
        profile=profile,
        constraints=constraints_of(text),
    )
