"""An eligibility question in chat: recognised, and its profile read from the words.

"Can a 45-year-old weaver in rural Assam with a Rs 12 lakh project get PMEGP margin money,
and at what rate?" asks a verdict and a benefit of a scheme with coded rules, for a person
described by age, place and project: the checker answers it. A question that asks about a
scheme in general ("What is PMEGP?", "Which documents are needed?") describes no one and
goes to the passages as before.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from retrieval.answer.eligibility.ask_crafts import craft_facts, craft_schemes
from retrieval.answer.eligibility.profile import Profile, parse_amount, places
from retrieval.answer.eligibility.rules import activities
from retrieval.core.settings import Settings

ASK_BACK = "To decide this, tell me:"

_ELIGIBILITY = re.compile(
    r"\b(eligib\w*|qualif(?:y|ies|ied|ying)\b|entitled|"
    r"can (?:he|she|they|i|we|a|an|the|this|my|our)\b[^?.]*?"
    r"\b(?:get|avail|apply|claim|receive|be (?:given|sanctioned))|how much (?:margin money|"
    r"subsidy|guarantee|cover|support|assistance|grant|funding|of (?:the|his|her|their|it) |"
    r"must|should|will|would|can|is|does)|(?:what|which) (?:is the )?(?:subsidy|rate|margin "
    r"money|percentage|share|part|portion|cover|guarantee|grant)|contribut\w*|classif\w*|"
    r"categor\w* (?:is|would|will)|(?:is|be) (?:it|the unit|the enterprise|the firm|this unit)"
    r"\b[^?.]*\b(?:micro|small|medium)|"
    r"what (?:[\w-]+ ){0,4}(?:will|would|does|do|can) (?:he|she|they|it|the applicant) "
    r"(?:get|receive))",
    re.IGNORECASE,
)
_PMEGP = re.compile(r"\b(PMEGP|prime minister'?s employment generation|margin money)\b", re.I)
_PMEGP_NAMED = re.compile(r"\bPMEGP\b|\bprime minister'?s employment generation\b", re.I)
# another scheme named: "margin money" alone is then that scheme's ("Madhya Pradesh's Mukhya
# Mantri Yuva Udyami Yojana: what margin money assistance?"), not PMEGP's
_OTHER_SCHEME = re.compile(
    r"\b(?:[A-Z][\w'’-]*\s+){1,6}(?:Yojana|Scheme|Programme|Program|Mission|Abhiyan)\b|"
    r"\bunder (?:the )?(?!PMEGP\b)[A-Z]{3,}\b"
)
_SECOND_LOAN = re.compile(
    r"\b(second|2nd) (?:loan|financial assistance|dose)\b|\bupgrad\w*|\bexpan(?:d|sion)\b", re.I
)
_CLASSIFY = re.compile(
    r"\b(micro|small|medium)\b[^?]*\b(enterprise|unit|firm)s?\b|\bMSME\b|\bclassif\w*", re.I
)
_AGE = re.compile(
    r"\b(\d{1,3})[- ]?(?:years?|yrs?)[- ]?old\b|\baged? (?:of |is )?(\d{1,3})\b|"
    r"\b(\d{1,3})[- ]year[- ]old\b",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"(?:(?:rs\.?|₹|inr)\s*(?P<a>\d[\d,]*(?:\.\d+)?)(?:\s*(?P<au>lakhs?|lacs?|crores?|cr)\b)?)"
    r"|(?:\b(?P<b>\d[\d,]*(?:\.\d+)?)\s*(?P<bu>lakhs?|lacs?|crores?|cr)\b)",
    re.IGNORECASE,
)
_ROLES = (
    ("exports", re.compile(r"\bexport", re.I)),
    ("turnover", re.compile(r"\b(turnover|sales|revenue)\b", re.I)),
    ("investment", re.compile(r"\b(invest\w*|plant and machinery|machinery|equipment)\b", re.I)),
    ("earlier_loan_amount", re.compile(r"\b(first|1st|earlier|previous) loan\b", re.I)),
    # an income is never the project's cost ("a family income of Rs 4 lakh ... a Rs 12 lakh
    # unit"); the family's before the applicant's own
    (
        "family_income",
        re.compile(r"\b(family|household|parents)'?s? (?:annual |yearly )?income\b", re.I),
    ),
    ("annual_income", re.compile(r"\b(income|earns?|earning|earnings)\b", re.I)),
    ("loan", re.compile(r"\b(loan|credit|credit facility|borrow\w*)\b", re.I)),
    (
        "project_cost",
        re.compile(
            r"\b(project|unit|cost|costing|set up|setting up|"
            r"plans?|venture|business|enterprise)\b",
            re.I,
        ),
    ),
)
_ROMAN = {
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "v": 5,
    "vi": 6,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "x": 10,
    "xi": 11,
    "xii": 12,
}
_CLASS = re.compile(
    r"\b(?P<neg>not |never |n't |failed (?:to pass )?)?(?:passed |pass(?:ed)? |studied (?:up ?to|"
    r"till) )?(?:class|standard|std\.?|grade) ?(?P<n>\d{1,2}|[ivx]{1,4})\b(?: (?:pass|passed))?|"
    r"\b(?P<n2>\d{1,2})(?:th|st|nd|rd) (?:class |standard |std )?(?:pass|passed)\b",
    re.IGNORECASE,
)
_EDUCATION_WORDS = (
    (
        re.compile(r"\b(illiterate|no schooling|never (?:went|been) to school|unschooled)\b", re.I),
        0,
    ),
    (re.compile(r"\b(matric\w*|sslc|high school)\b", re.I), 10),
    (
        re.compile(
            r"\b(higher secondary|intermediate|graduate|graduation|degree|"
            r"post-?graduate)\b",
            re.I,
        ),
        12,
    ),
)
_FLAGS: tuple[tuple[str, Any, re.Pattern[str]], ...] = (
    (
        "gender",
        "female",
        re.compile(r"\b(woman|women|she|her|female|widow|girl|lady|mahila)\b", re.I),
    ),
    ("gender", "transgender", re.compile(r"\btransgender\b", re.I)),
    ("gender", "male", re.compile(r"\b(man|he|his|him|male)\b", re.I)),
    ("social_category", "sc", re.compile(r"\bSC\b|\bscheduled castes?\b|\bdalit\b")),
    ("social_category", "st", re.compile(r"\bST\b|\bscheduled tribes?\b|\btribal\b", re.I)),
    ("social_category", "obc", re.compile(r"\bOBC\b|\bother backward", re.I)),
    ("social_category", "minority", re.compile(r"\bminorit(?:y|ies)\b", re.I)),
    ("social_category", "general", re.compile(r"\bgeneral[- ]category\b", re.I)),
    ("ex_serviceman", True, re.compile(r"\bex-? ?service ?(?:man|men|woman)\b|\bveteran\b", re.I)),
    (
        "differently_abled",
        True,
        re.compile(
            r"\b(differently[- ]abled|disabled|disability|"
            r"handicapped|PwD|divyang)\b",
            re.I,
        ),
    ),
    ("area", "rural", re.compile(r"\b(rural|village|gram panchayat)\b", re.I)),
    ("area", "urban", re.compile(r"\b(urban|town|city|municipal\w*)\b", re.I)),
    (
        "hill_or_border_area",
        True,
        re.compile(r"\b(hill|hilly|border) (?:district|area|region)", re.I),
    ),
    ("aspirational_district", True, re.compile(r"\baspirational district", re.I)),
    ("sector", "manufacturing", re.compile(r"\bmanufactur\w*", re.I)),
    ("sector", "service", re.compile(r"\bservice (?:unit|sector|enterprise|business)\b", re.I)),
    (
        "existing_unit",
        True,
        re.compile(
            r"\bexisting (?:unit|enterprise|pmegp)|\bhis unit\b|"
            r"\bher unit\b|\btheir unit\b",
            re.I,
        ),
    ),
    (
        "existing_unit",
        False,
        re.compile(
            r"\bnew (?:unit|enterprise|project|venture)\b|\bplans? "
            r"(?:to )?(?:set ?up|start|open)|\bset(?:ting)? up a\b",
            re.I,
        ),
    ),
    (
        "earlier_subsidy",
        True,
        re.compile(
            r"\balready (?:got|received|availed|had|took) (?:a |"
            r"any )?(?:government )?subsidy",
            re.I,
        ),
    ),
    (
        "family_member_assisted",
        True,
        re.compile(
            r"\b(wife|husband|spouse) (?:has )?(?:already )?"
            r"(?:got|received|availed|took|has)\b[^?.]*PMEGP",
            re.I,
        ),
    ),
    (
        "first_loan_repaid",
        True,
        re.compile(
            r"\b(repaid|paid back|cleared) (?:the |his |her |its )"
            r"?(?:first )?loan|\bfirst loan (?:is |was |has been )?"
            r"(?:fully )?(?:repaid|cleared)",
            re.I,
        ),
    ),
    (
        "profit_making",
        True,
        re.compile(r"\b(profit-?making|makes? (?:a )?profit|profitable)\b", re.I),
    ),
    ("profit_making", False, re.compile(r"\b(loss-?making|makes? (?:a )?loss|in losses)\b", re.I)),
    (
        "margin_money_adjusted",
        True,
        re.compile(
            r"\block-?in\b[^?.]*(?:over|completed|done|ended)"
            r"|margin money (?:was |has been )?adjusted",
            re.I,
        ),
    ),
)


_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATES = (
    re.compile(
        r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)? " + _MONTH + r",? (?P<year>(?:19|20)\d\d)\b", re.I
    ),
    re.compile(r"\b" + _MONTH + r" (?P<day>\d{1,2}),? (?P<year>(?:19|20)\d\d)\b", re.I),
    re.compile(r"\b" + _MONTH + r",? (?P<year>(?:19|20)\d\d)\b", re.I),
    re.compile(
        r"\b(?:in|during|for) (?:the )?(?:FY|financial year) ?(?P<fy>(?:19|20)\d\d)-\d\d\b", re.I
    ),
    re.compile(r"^\s*(?:in|as of|during) (?P<year>(?:19|20)\d\d)\b", re.I),
)


def _date(text: str) -> str | None:
    """The day a question dates its case to: 'in August 2020' 2020-08-01; 'in FY 2019-20'
    2019-04-01; a question opening 'In 2019, ...' 2019-07-01. A year inside the question
    ("a unit set up in 2019") dates the unit, not the case, and is left alone."""
    for pattern in _DATES:
        found = pattern.search(text)
        if not found:
            continue
        parts = found.groupdict()
        if parts.get("fy"):
            return f"{parts['fy']}-04-01"
        month = 7
        if parts.get("month"):
            month = next(
                i for i, m in enumerate(_MONTHS, 1) if m.startswith(parts["month"][:3].lower())
            )
        day = int(parts.get("day") or 1)
        try:
            return dt.date(int(parts["year"]), month, day).isoformat()
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class EligibilityQuestion:
    profile: Profile
    schemes: tuple[str, ...]
    text: str = ""  # the question it was read from (a reply's: the question replied to)


def describe(asked: EligibilityQuestion) -> str:
    """The question as the checker read it: 'pmegp for age 45, state Assam, ...'."""
    facts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in asked.profile.given().items())
    return f"Eligibility ({', '.join(asked.schemes)}) for {facts or 'no facts given'}"


# the facts that make a question one about somebody, not about a scheme in general
_DESCRIBING = (
    "age",
    "project_cost",
    "investment",
    "turnover",
    "loan_amount",
    "artisans",
    "annual_income",
    "family_income",
    "award_recipient",
    "years_in_craft",
    "years_resident",
    "government_servant_in_family",
    "days_worked",
    "group_members",
)


def read_question(text: str, settings: Settings | None = None) -> EligibilityQuestion | None:
    """The profile and schemes of an eligibility question; None when it is not one."""
    if not _ELIGIBILITY.search(text):
        return None
    facts = read_profile(text, settings)
    schemes: list[str] = []
    if _PMEGP.search(text) and (_PMEGP_NAMED.search(text) or not _OTHER_SCHEME.search(text)):
        second = _SECOND_LOAN.search(text) or facts.get("existing_unit") is True
        schemes.append("pmegp_upgradation" if second else "pmegp")
        if second:
            facts["existing_unit"] = True
    if ("investment" in facts or "turnover" in facts) and _CLASSIFY.search(text):
        schemes.append("msme_classification")
    schemes.extend(_other_schemes(text, facts))
    schemes.extend(craft_schemes(text))
    if not schemes:
        return None
    described = any(k in facts for k in _DESCRIBING)
    if not described:
        return None
    return EligibilityQuestion(Profile(**facts), tuple(schemes), text)


_SVANIDHI = re.compile(r"\bSVANidhi\b|\bstreet vendors?\b", re.I)
_CGTMSE = re.compile(r"\bCGTMSE\b|\bcredit guarantee\b", re.I)
_SFURTI = re.compile(r"\bSFURTI\b", re.I)
_CDP = re.compile(r"\bMSE-?CDP\b|\bcluster development programme\b", re.I)
_LOAN_NUMBER = re.compile(r"\b(first|1st|second|2nd|third|3rd) (?:PM SVANidhi )?loan\b", re.I)
_ARTISANS = re.compile(r"\b(\d[\d,]*) (?:traditional )?(?:artisans|craftspersons|weavers)\b", re.I)


def _other_schemes(text: str, facts: dict[str, Any]) -> list[str]:
    """The credit guarantees and cluster schemes a question names, with their own facts: a
    loan's amount and number, a cluster's artisans and kind of project."""
    found: list[str] = []
    loan = facts.pop("loan", None)
    if _SVANIDHI.search(text):
        found.append("pm_svanidhi_guarantee")
        if re.search(r"\bstreet vendors?\b", text, re.I):
            facts["street_vendor"] = True
        numbers = [
            {"f": 1, "1": 1, "s": 2, "2": 2, "t": 3, "3": 3}[m[1][0].lower()]
            for m in _LOAN_NUMBER.finditer(text)
        ]
        if numbers:
            facts["loan_number"] = max(numbers)  # "repaid a first loan ... get a second"
    elif _CGTMSE.search(text):
        found.append("cgtmse")
        if re.search(r"\b(collateral[- ]free|without (?:any )?collateral)\b", text, re.I):
            facts["collateral_free"] = True
        if re.search(r"\bretail\b", text, re.I):
            facts["retail_trade"] = True
    if found and loan is not None:
        facts["loan_amount"] = loan
    elif loan is not None and "project_cost" not in facts:
        facts["project_cost"] = loan  # "a Rs 12 lakh loan under PMEGP": what it finances
    if _SFURTI.search(text):
        found.append("sfurti")
        artisans = _ARTISANS.search(text)
        if artisans:
            facts["artisans"] = int(artisans[1].replace(",", ""))
    if _CDP.search(text):
        found.append("mse_cdp")
        if re.search(r"\bcommon facilit(?:y|ies)(?: centre)?\b|\bCFC\b", text, re.I):
            facts["cluster_project"] = "common_facility_centre"
        elif re.search(r"\binfrastructure\b", text, re.I):
            facts["cluster_project"] = "infrastructure"
    return found


def read_profile(text: str, settings: Settings | None = None) -> dict[str, Any]:
    """The facts a question states about its applicant, as Profile fields."""
    facts: dict[str, Any] = {}
    age = _AGE.search(text)
    if age:
        value = int(next(g for g in age.groups() if g))
        if value <= 120:
            facts["age"] = value
    for field, value, pattern in _FLAGS:
        if field not in facts and pattern.search(text):
            facts[field] = value
    state = _state(text)
    if state:
        facts["state"] = state
    education = _education(text)
    if education is not None:
        facts["education_class"] = education
    facts.update(_amounts(text))
    activity = _activity(text, settings or Settings())
    if activity:
        facts["activity"] = activity
    day = _date(text)
    if day:
        facts["date"] = day
    for field, value in craft_facts(text).items():
        facts.setdefault(field, value)
    return facts


def _state(text: str) -> str | None:
    lowered = f" {re.sub(r'[^a-z&]+', ' ', text.lower())} "
    found = []
    for state in places()["states_and_union_territories"]:
        key = " " + " ".join(str(state).lower().split()) + " "
        if key in lowered:
            found.append((lowered.index(key), len(key), str(state)))
    if " j&k " in lowered or " j & k " in lowered:
        found.append((lowered.index(" j"), 3, "Jammu and Kashmir"))
    # the longest name at a place wins ("West Bengal" over "Bengal"; "Andhra Pradesh" over none)
    return min(found, key=lambda f: (f[0], -f[1]))[2] if found else None


def _education(text: str) -> int | None:
    for found in _CLASS.finditer(text):
        raw = (found["n"] or found["n2"] or "").lower()
        number = int(raw) if raw.isdigit() else _ROMAN.get(raw)
        if number is None or not 0 <= number <= 12:
            continue
        return max(number - 1, 0) if found["neg"] else number
    for pattern, value in _EDUCATION_WORDS:
        if pattern.search(text):
            return value
    return None


_THRESHOLD = re.compile(
    r"\b(above|below|over|under|up ?to|more than|less than|exceeding|at most|at least|beyond|"
    r"upper limit of|ceiling of|maximum of|minimum of)\s*$",
    re.IGNORECASE,
)


def _amounts(text: str) -> dict[str, float]:
    """Each amount with its role: the role word nearest it, a word right after it first
    ("Rs 4 crore investment"), else the nearest before it ("turnover of Rs 30 crore")."""
    found: dict[str, float] = {}
    previous = 0  # where the amount before ends: the words before it name that one
    for match in _AMOUNT.finditer(text):
        number = match["a"] or match["b"]
        unit = match["au"] or match["bu"] or ""
        value = parse_amount(f"{number} {unit}".strip())
        before = text[max(previous, match.start() - 60) : match.start()]
        previous = match.end()
        if _THRESHOLD.search(before):
            continue  # "a project above Rs 10 lakh" states a rule's bound, not the applicant's
        role = _role(before, text[match.end() :])
        if role and role not in found:
            found[role] = value
        elif not role and "project_cost" not in found and value >= 1000:
            found["project_cost"] = value
    return found


def _role(before: str, after: str) -> str | None:
    nearest: tuple[int, str] | None = None
    for role, pattern in _ROLES:
        following = pattern.search(after[:40])
        if following and following.start() <= 2:
            distance = following.start() - 100  # right after the amount: it names it
            if nearest is None or distance < nearest[0]:
                nearest = (distance, role)
        for match in pattern.finditer(before):
            distance = len(before) - match.end()
            if nearest is None or distance < nearest[0]:
                nearest = (distance, role)
    return nearest[1] if nearest else None


def _activity(text: str, settings: Settings) -> str | None:
    """The trade words the question names (for the sector and the negative list)."""
    words = f" {re.sub(r'[^a-z]+', ' ', text.lower())} "
    listed = activities(settings.rules_dir)
    vocabulary = [w for ws in listed["sectors"].values() for w in ws]
    vocabulary += [w for entry in listed["negative_list"]["entries"] for w in entry["words"]]
    found = [w for w in dict.fromkeys(vocabulary) if f" {w} " in words or f" {w}s " in words]
    return " ".join(found) if found else None


_YES = re.compile(
    r"^\s*(yes|yeah|yep|haan|ha|correct|right|he has|she has|they have|it is)\b", re.I
)
_NO = re.compile(r"^\s*(no|nope|nahi|not|he has not|she has not|it is not|never)\b", re.I)
# a question the checker asks back, and the fact a plain yes or no to it gives
_YES_NO: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"passed Class (?P<n>[IVX]+)\?"), "education_class"),
    (re.compile(r"first loan been repaid"), "first_loan_repaid"),
    (re.compile(r"margin money been adjusted"), "margin_money_adjusted"),
    (re.compile(r"unit making a profit"), "profit_making"),
    (re.compile(r"an existing PMEGP, REGP or MUDRA unit"), "existing_unit"),
)


def read_conversation(
    question: str, history: list[tuple[str, str]], settings: Settings | None = None
) -> EligibilityQuestion | None:
    """The eligibility question this message asks, alone or as a reply to what the checker
    asked back: the first question's facts, then each reply's, later ones winning."""
    own = read_question(question, settings)
    if own is not None or not history or ASK_BACK not in history[-1][1]:
        return own
    turns: list[tuple[str, str]] = []  # (a reply, the answer it replied to)
    start = None
    for position in range(len(history) - 1, -1, -1):
        asked_question, answer = history[position]
        if ASK_BACK not in answer:
            break
        turns.insert(
            0, (question if position == len(history) - 1 else history[position + 1][0], answer)
        )
        if read_question(asked_question, settings) is not None:
            start = asked_question
            break
    if start is None:
        return None
    first = read_question(start, settings)
    assert first is not None
    facts = dict(first.profile.given())
    lending = {"cgtmse", "pm_svanidhi_guarantee"} & set(first.schemes)
    for reply, answer in turns:
        facts.update(read_profile(reply, settings))
        loan = facts.pop("loan", None)
        if loan is not None:
            facts["loan_amount" if lending else "project_cost"] = loan
        facts.update(_yes_no(reply, answer))
    return EligibilityQuestion(Profile(**facts), first.schemes, first.text)


def _yes_no(reply: str, answer: str) -> dict[str, Any]:
    """A bare yes or no to the one question asked back."""
    asked = answer.split(ASK_BACK, 1)[1]
    yes, no = _YES.search(reply), _NO.search(reply)
    if not (yes or no) or "; " in asked:
        return {}
    for pattern, field in _YES_NO:
        found = pattern.search(asked) or pattern.search(asked[:1].upper() + asked[1:])
        if not found:
            continue
        if field == "education_class":
            level = _ROMAN[found["n"].lower()]
            return {field: level if yes else level - 1}
        return {field: bool(yes)}
    return {}
