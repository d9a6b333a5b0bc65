"""The artisan and weaver schemes in chat: which of them a question names, and the facts it
states that only they ask (an award, an income, years in the craft or in the state, a family
member in government service...).

"A 63-year-old woodcarver who holds a National Award had an annual income of Rs 90,000 last
year: can she get support under the NHDP scheme for artisans in indigent circumstances?"
names a scheme with coded rules (`crafts`, `crafts_states`, `crafts_kvic`) and describes
the person it asks about: the checker answers it, as it answers a PMEGP question. A scheme is
recognised only by its own name, never by a state or a craft alone: "training in
handicrafts" is Puducherry's Gurukulam training, "advanced training in handicrafts" another
component whose rules are not coded, so it stays with the passages.
"""

from __future__ import annotations

import re
from typing import Any

# each scheme with coded rules, and the words that name it (`schemes.SCHEMES` has their titles)
CRAFT_SCHEMES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("pm_vishwakarma", re.compile(r"\bVishwakarma\b", re.I)),
    ("artisans_indigent_support", re.compile(r"\bindigent\b", re.I)),
    (
        "old_crafts_pension",
        re.compile(
            r"\bold crafts? ?(?:persons?|m[ae]n|wom[ae]n|people)\b|"
            r"\bcrafts? ?persons?'?s? pension\b",
            re.I,
        ),
    ),
    (
        "puducherry_artisan_insurance",
        re.compile(r"\binsurance scheme for (?:handicrafts? )?artisans\b", re.I),
    ),
    ("handicrafts_training", re.compile(r"(?<!advanced )\btraining in handicrafts\b", re.I)),
    (
        "kerala_asha",
        re.compile(r"\bASHA\b|\bassistance scheme for handicraft artisans\b"),
    ),
    (
        "wb_handloom_weaver",
        re.compile(r"\b(?:handloom (?:and khadi )?)?weavers'? financial benefit scheme\b", re.I),
    ),
    ("wb_artisan_grant", re.compile(r"\bartisans'? financial benefit scheme\b", re.I)),
    (
        "jk_artisan_credit_card",
        re.compile(r"\b(?:artisans?|weavers?)'?s?(?: and weavers?)? credit card\b", re.I),
    ),
    (
        "khadi_karigar_bima",
        re.compile(r"\bjanashree bima\b|\bkhadi karigar\b[^?.]{0,20}\bbima\b", re.I),
    ),
    ("gramodyog_vikas_yojana", re.compile(r"(?<!khadi )\bgramodyog vikas yojana\b", re.I)),
    (
        "khadi_workshed",
        re.compile(
            r"\bwork-? ?shed scheme\b|\bkhadi\b[^?.]{0,60}\bwork-? ?shed\b|"
            r"\bwork-? ?shed\b[^?.]{0,60}\bkhadi\b",
            re.I,
        ),
    ),
)

# the crafts a question's words name (`Profile.craft`); the first that matches wins
_CRAFTS = (
    ("khadi", re.compile(r"\bkhadi\b|\bcharkha\b|\bspinners?\b", re.I)),
    ("handloom", re.compile(r"\bhandlooms?\b|\bweav(?:er|ers|ing)\b", re.I)),
    (
        "handicraft",
        re.compile(
            r"\bhandicrafts?\b|\bwood ?carv\w*|\bcarvers?\b|\bterracotta\b|\bpott(?:er|ers|ery)\b|"
            r"\bstone ?carv\w*|\bembroider\w*|\bbrassware\b|\bdokra\b|\bcane and bamboo\b|"
            r"\bbamboo craft\w*|\bpapier[- ]m[aâ]ch[eé]\b|\bzari\b|\bchikan\w*",
            re.I,
        ),
    ),
)
# someone who works with hands and tools (`Profile.artisan`)
_ARTISAN = re.compile(
    r"\bartisans?\b|\bcrafts?(?:wo)?m[ae]n\b|\bcrafts? ?persons?\b|\bkarigars?\b|\bweavers?\b|"
    r"\bpotters?\b|\b(?:wood|stone)? ?carvers?\b|\bwoodcarvers?\b|\bcarpenters?\b|"
    r"\b(?:black|gold|lock)smiths?\b|\bcobblers?\b|\bsculptors?\b|\bmasons?\b|\bbarbers?\b|"
    r"\btailors?\b|\bwasherm[ae]n\b|\b(?:basket|mat|broom|toy|doll|boat|net|garland) ?makers?\b|"
    r"\barmourers?\b",
    re.I,
)
_NEGATED = re.compile(r"\b(?:no|not|never|nobody|none|neither|nor)\b|n't\b", re.I)
_FAMILY = r"(?:wife|husband|spouse|father|mother|son|daughter|brother|sister|family member)"
_FLAGS: tuple[tuple[str, Any, re.Pattern[str]], ...] = (
    (
        "award_recipient",
        True,
        re.compile(
            r"\b(?:national|state) awards?\b|\bshilp ?guru\b|\bmerit certificate\b|"
            r"\baward[- ]winning\b|\bawardee\b",
            re.I,
        ),
    ),
    ("bpl", True, re.compile(r"\bBPL\b|\bbelow (?:the )?poverty line\b", re.I)),
    ("native", True, re.compile(r"\bnative of\b|\bborn and brought up in\b", re.I)),
    (
        "government_servant_in_family",
        True,
        re.compile(
            rf"\b{_FAMILY}\b[^.?;]{{0,25}}\b(?:is|works as|works in|serves as) (?:an? |the )?"
            r"(?:government|govt\.?|state government|central government)\b|"
            r"\b(?:is|works as) (?:an? )?(?:government|govt\.?) (?:servant|employee)\b",
            re.I,
        ),
    ),
    (
        "similar_assistance",
        False,
        re.compile(
            r"\b(?:gets|receives|draws|has) no (?:other )?(?:pension|similar (?:financial )?"
            r"assistance|other (?:financial )?assistance)\b|\bno other pension\b",
            re.I,
        ),
    ),
    (
        "similar_assistance",
        True,
        re.compile(
            r"\b(?:already )?(?:gets|receives|draws) (?:a |an )?(?:monthly )?(?:pension|"
            r"old[- ]age pension|similar (?:financial )?assistance)\b",
            re.I,
        ),
    ),
)
_YEARS = r"(?:for|over|since) (?:the (?:last|past) )?(?P<n>\d{1,3}) years\b"
_RESIDENT = re.compile(
    r"\b(?:lived|living|lives|resident|residing|resides|settled|stayed)\b[^.?;]{0,50}?\b" + _YEARS,
    re.I,
)
_IN_CRAFT = re.compile(
    r"\b(?:practis\w*|practic\w*|worked|working|works|engaged|craft|trade|weav\w*|wove\w*|carv\w*|"
    r"making|made)\b[^.?;]{0,50}?\b" + _YEARS,
    re.I,
)
_DAYS = re.compile(r"\b(?P<n>\d{1,3}) days (?:a|in a|per|each|every) year\b", re.I)
_MEMBERS = re.compile(
    r"\b(?:group|society|team) of (?P<n>\d[\d,]*) (?:khadi )?(?:artisans|members|karigars)\b",
    re.I,
)


def craft_schemes(text: str) -> list[str]:
    """The artisan and weaver schemes with coded rules that `text` names."""
    return [scheme for scheme, pattern in CRAFT_SCHEMES if pattern.search(text)]


def craft_facts(text: str) -> dict[str, Any]:
    """The facts `text` states that the artisan and weaver schemes ask, as Profile fields."""
    facts: dict[str, Any] = {}
    for craft, pattern in _CRAFTS:
        if pattern.search(text):
            facts["craft"] = craft
            break
    if _ARTISAN.search(text) or "craft" in facts:
        facts["artisan"] = True
    for field, value, pattern in _FLAGS:
        found = pattern.search(text)
        if field in facts or not found:
            continue
        if value is True and _NEGATED.search(text[max(0, found.start() - 25) : found.start()]):
            value = False  # "none of her family is a government servant"
        facts[field] = value
    resident = _RESIDENT.search(text)
    if resident:
        facts["years_resident"] = int(resident["n"])
    for found in _IN_CRAFT.finditer(text):
        if resident is None or found["n"] != resident["n"] or found.end() != resident.end():
            facts["years_in_craft"] = int(found["n"])
            break
    days = _DAYS.search(text)
    if days:
        facts["days_worked"] = int(days["n"])
    members = _MEMBERS.search(text)
    if members:
        facts["group_members"] = int(members["n"].replace(",", ""))
    return facts
