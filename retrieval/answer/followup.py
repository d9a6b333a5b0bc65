"""Follow-up questions made standalone, by rules (the LLM does it where one is configured).

"And for service units?" after "What is the maximum project cost for manufacturing units
under PMEGP?" becomes "What is the maximum project cost for service units under PMEGP?":
the follow-up's "for X" replaces the earlier question's "for Y". Otherwise the follow-up is
joined to the earlier question, which keeps its subject for retrieval.
"""

from __future__ import annotations

import re

from retrieval.core.facets import asked_in

_LEAD = re.compile(r"^\s*(?:and|but|also|so|ok(?:ay)?|then)\b[\s,]*", re.I)
_ABOUT = re.compile(r"^\s*(?:what|how)\s+about\s+", re.I)
_PREP_PHRASE = re.compile(r"^(for|in|of|to|with|under|by|from|at)\s+(.+?)[?.!\s]*$", re.I)
_PRONOUN = re.compile(r"\b(it|its|this|that|these|those|they|them|their|the scheme|same)\b", re.I)
_QUESTION_WORD = re.compile(r"^\s*(who|what|when|where|which|how|is|are|can|does|do|will)\b", re.I)


_ENTITY = re.compile(
    r"\b(?:[A-Z][A-Za-z&.\-]*[A-Z0-9][A-Za-z0-9]*|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)\b"
)


def entities(text: str) -> list[str]:
    """Names and acronyms ('PMEGP', 'Atal Pension Yojana', 'Assam'), the first word aside."""
    words = text.split(maxsplit=1)
    rest = words[1] if len(words) > 1 else ""
    return [m.group(0) for m in _ENTITY.finditer(rest) if m.group(0).lower() not in _STOP]


_STOP = {"i", "rs", "is", "are", "what", "who", "how", "the"}
_NAMED_OBJECT = re.compile(r"\b(in|for|of|under|from)\s+([A-Z][\w&.\-]*(?:\s+[A-Z][\w&.\-]*)*)")


def names_its_own_subject(question: str) -> bool:
    """A question that names a place or a kind of beneficiary, or asks for schemes, has a
    subject of its own ("Which schemes are for women?"); a type ("the subsidy") is not one."""
    if _PRONOUN.search(question):
        return False
    states, kinds, _ = asked_in(question)
    return bool(_SCHEMES.search(question) or states or kinds)


_SCHEMES = re.compile(r"\b(?:schemes|programmes|programs|yojanas)\b", re.I)


def is_follow_up(question: str) -> bool:
    """Whether `question` continues the previous one: it leads with 'and', 'what about',
    or is too short to stand, or has no subject of its own."""
    words = question.split()
    if _LEAD.match(question) or _ABOUT.match(question):
        return True
    if names_its_own_subject(question):
        return False
    if len(words) <= 4 and not _QUESTION_WORD.match(question):
        return True
    if len(words) <= 10 and not entities(question):
        return True  # no subject of its own: "What documents are required?"
    return len(words) <= 8 and bool(_PRONOUN.search(question))


def standalone_question(question: str, history: list[tuple[str, str]]) -> str:
    """`history` is [(question, answer), ...], oldest first; the last question is used."""
    question = question.strip()
    if not history or not is_follow_up(question):
        return question
    previous = history[-1][0].strip()
    core = _ABOUT.sub("", _LEAD.sub("", question)).strip()
    swapped = _swap_state(previous, core)
    phrase = _PREP_PHRASE.match(core)
    if phrase:
        prep, target = phrase.group(1).lower(), phrase.group(2).strip()
        pattern = re.compile(
            rf"\b{prep}\s+(?:the\s+|a\s+|an\s+)?([\w\s\-]+?)(?=\s+(?:under|in|"
            rf"of|for|to|with|by|from|at)\b|[?.,!]|$)",
            re.I,
        )
        match = pattern.search(previous)
        if match and not swapped:
            return previous[: match.start(1)] + target + previous[match.end(1) :]
    if swapped:
        return swapped
    if _ABOUT.match(question) and not phrase and entities("x " + core):
        # "What about Assam?" after "... weavers in Odisha?": swap the place or name
        named = list(_NAMED_OBJECT.finditer(previous))
        if named:
            last = named[-1]
            return previous[: last.start(2)] + core.rstrip("?.! ") + previous[last.end(2) :]
    subject = entities(previous)
    if subject:
        return f"{core.rstrip('?.! ')} ({', '.join(dict.fromkeys(subject))})?"
    return f"{core.rstrip('?.! ')} ({previous.rstrip('?.! ')})?"


def _swap_state(previous: str, core: str) -> str:
    """'And for Odisha?' after '... weavers in Assam?': the previous question with its state
    replaced; '' when either names no state."""
    new, _, _ = asked_in(core)
    old, _, _ = asked_in(previous)
    if len(new) != 1 or len(old) != 1 or new == old:
        return ""
    found = re.search(rf"\b{re.escape(old[0])}\b", previous, re.I)
    if found is None:
        return ""
    return previous[: found.start()] + new[0] + previous[found.end() :]
