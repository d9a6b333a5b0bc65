"""Khadi and village industries, and Udyam Registration: the Khadi Karigar Janashree Bima Yojana
(its scheme record), the Gramodyog Vikas Yojana and the work-shed scheme for khadi artisans (the
Ministry's scheme booklet), and which activities Udyam Registration covers (the O.M.s)."""

from __future__ import annotations

from retrieval.answer.eligibility.case import Case, places_read
from retrieval.answer.eligibility.crafts_common import (
    age_band,
    craft_is,
    fact,
    finish,
    flat,
    no_rule,
    source_notes,
)
from retrieval.answer.eligibility.rules import (
    MET,
    NOT_MET,
    UNKNOWN,
    Benefit,
    Criterion,
    SchemeResult,
    percent,
    rupees,
)

_KB = "khadi_karigar_bima"


def khadi_karigar_bima(case: Case) -> SchemeResult:
    """The group insurance of khadi artisans (spinners and weavers)."""
    p = case.profile
    empty = no_rule(case, _KB, f"{_KB}.minimum_age")
    if empty:
        return empty
    missing: list[str] = []
    changes: list[str] = []
    notes = source_notes(case, f"{_KB}.minimum_age")
    criteria = [
        craft_is(case, f"{_KB}.khadi_artisan", ("khadi",), "Khadi artisan", missing),
        age_band(case, _KB, missing, changes),
    ]
    group = case.rule(f"{_KB}.minimum_group_members")
    approved = case.rule(f"{_KB}.approved_group")
    if p.group_members is None:
        missing.append("How many members has the artisan's approved vocation or occupation group?")
        criteria.append(Criterion("Group", UNKNOWN, group.clause, (approved, group)))
    else:
        ok, rules = case.read("khadi_karigar_bima_group_ok")
        text = f"A group of {p.group_members}; at least {group.value} members asked."
        criteria.append(Criterion("Group", MET if ok else NOT_MET, text, (approved, *rules)))
        if not ok:
            changes.append(f"A group of at least {group.value} members would meet this.")
    scholarship = (
        case.rule(f"{_KB}.scholarship_per_quarter"),
        case.rule(f"{_KB}.scholarship_children_max"),
    )
    benefits = [
        flat(case, "Natural death", f"{_KB}.natural_death", "{value}."),
        flat(case, "Death by accident", f"{_KB}.accidental_death", "{value}."),
        flat(case, "Permanent disability", f"{_KB}.total_disability", "{value}: 2 eyes or limbs."),
        flat(case, "Partial disability", f"{_KB}.partial_disability", "{value}: 1 eye or limb."),
        Benefit(
            "Scholarship",
            float(scholarship[0].value),
            f"{rupees(scholarship[0].value)} a quarter for a child in class 9 to 12, for at most "
            f"{scholarship[1].value} children of a family.",
            scholarship,
        ),
    ]
    return finish(case, _KB, criteria, benefits, missing, changes, notes)


_GVY = "gramodyog_vikas_yojana"


def gramodyog_vikas_yojana(case: Case) -> SchemeResult:
    """KVIC's Gramodyog Vikas Yojana: training, tool kits and machines for artisans."""
    p = case.profile
    empty = no_rule(case, _GVY, f"{_GVY}.minimum_age")
    if empty:
        return empty
    missing: list[str] = []
    changes: list[str] = []
    criteria = [age_band(case, _GVY, missing, changes)]
    if case.in_force(f"{_GVY}.one_person_per_family"):
        criteria.append(
            fact(
                case,
                f"{_GVY}.one_person_per_family",
                "One person per family",
                p.family_member_beneficiary,
                "",
                missing,
                bars=True,
                assume="no other member of the family has had the assistance.",
            )
        )
    criteria.append(
        fact(
            case,
            f"{_GVY}.no_similar_benefit",
            "No similar benefit",
            p.similar_assistance,
            "",
            missing,
            bars=True,
            assume="no benefit of another government scheme for the same or a similar purpose.",
        )
    )
    notes = [
        "The booklet states the assistance in kind (training; tool kits, machines or bee boxes "
        "by activity) and no amount: no benefit is worked out.",
        "Preference goes to SC, ST, women, unemployed youth and BPL applicants (the booklet).",
    ]
    return finish(case, _GVY, criteria, [], missing, changes, notes)


_WS = "khadi_workshed"


def khadi_workshed(case: Case) -> SchemeResult:
    """KVIC's assistance for an individual work-shed of a khadi artisan."""
    p = case.profile
    empty = no_rule(case, _WS, f"{_WS}.bpl_artisans")
    if empty:
        return empty
    missing: list[str] = []
    changes: list[str] = []
    notes: list[str] = []
    criteria = [
        craft_is(case, f"{_WS}.bpl_artisans", ("khadi",), "Khadi artisan", missing),
        fact(
            case,
            f"{_WS}.bpl_artisans",
            "BPL",
            p.bpl,
            "Does the artisan belong to the BPL category?",
            missing,
        ),
    ]
    days = case.rule(f"{_WS}.minimum_days_worked")
    if p.days_worked is None:
        missing.append("How many days a year does the artisan work?")
        criteria.append(Criterion("Days worked", UNKNOWN, days.clause, (days,)))
    else:
        ok = p.days_worked >= days.value
        text = f"{p.days_worked} days a year; at least {days.value} asked."
        criteria.append(Criterion("Days worked", MET if ok else NOT_MET, text, (days,)))
        if not ok:
            changes.append(f"Working at least {days.value} days a year would meet this.")
    benefits: list[Benefit] = []
    if not case.in_force(f"{_WS}.individual.cap"):
        notes.append("The 2022-23 booklet states no amount for the work-shed.")
    elif p.state is None:
        missing.append("In which state is the work-shed (90% of its cost in the NER)?")
    else:
        benefits = _workshed_benefits(case, missing, notes)
    return finish(case, _WS, criteria, benefits, missing, changes, notes)


def _workshed_benefits(case: Case, missing: list[str], notes: list[str]) -> list[Benefit]:
    p = case.profile
    share, _ = case.read("khadi_workshed_share")
    share_rules = (case.rule(f"{_WS}.individual.share.{'ner' if case.ner else 'elsewhere'}"),)
    cap = case.rule(f"{_WS}.individual.cap")
    region = "in the NER" if case.ner else "outside the NER"
    benefits = [
        Benefit(
            "Share",
            share,
            f"{percent(share)} of the work-shed's cost with its toilet ({region}), up to "
            f"{rupees(cap.value)}, whichever is less.",
            share_rules + (cap,),
        )
    ]
    notes.append("An individual work-shed is of 20 square metres (the booklet).")
    notes.extend(places_read(case))
    if p.workshed_cost is None:
        missing.append("What does the work-shed with its toilet cost?")
        return benefits
    grant, _ = case.read("khadi_workshed_grant")
    text = f"{rupees(grant)}: {percent(share)} of {rupees(p.workshed_cost)}"
    text += f", capped at {rupees(cap.value)}." if grant == cap.value else "."
    benefits.append(Benefit("Assistance", grant, text, share_rules + (cap,)))
    return benefits


_UR = "udyam_registration"


def udyam_registration(case: Case) -> SchemeResult:
    """Whether Udyam Registration covers the activity (its NIC code) and the enterprise's size."""
    p = case.profile
    empty = no_rule(case, _UR, f"{_UR}.not_covered.division_47")
    if empty:
        return empty
    missing: list[str] = []
    notes = [
        "The corpus holds the O.M.s of 27.06.2017, 17.07.2020 and 01.12.2020 on the activities "
        "not covered: a later change, if any, is not in it."
    ]
    criteria = [_activity(case, missing, notes)]
    if p.investment is None or p.turnover is None:
        missing.append("What are the investment in plant and machinery or equipment, and turnover?")
        limits = (
            case.rule("msme_classification.medium.investment_limit"),
            case.rule("msme_classification.medium.turnover_limit"),
        )
        text = "An MSME: investment and turnover within the medium enterprise's limits."
        criteria.append(Criterion("An MSME", UNKNOWN, text, limits))
    else:
        category, _ = case.read("msme_category")
        level = category if category != "none" else "medium"
        limits = (
            case.rule(f"msme_classification.{level}.investment_limit"),
            case.rule(f"msme_classification.{level}.turnover_limit"),
        )
        ok = category != "none"
        text = f"A {category} enterprise." if ok else "Above the medium enterprise's limits."
        criteria.append(Criterion("An MSME", MET if ok else NOT_MET, text, limits))
    return finish(case, _UR, criteria, [], missing, [], notes)


def _activity(case: Case, missing: list[str], notes: list[str]) -> Criterion:
    code = case.profile.nic_code
    if code is None:
        missing.append("What is the activity's NIC code (at least its 2-digit division)?")
        if case.profile.sector == "trading":
            notes.append("Wholesale (NIC 46) and retail trade (47) are not covered.")
        return Criterion("Activity", UNKNOWN, "The NIC code is not given.")
    division = code[:2]
    name = f"{_UR}.not_covered.division_{division}"
    node = case.system.parameters.children[_UR].children["not_covered"]
    listed = f"division_{division}" in node.children
    if division == "45":
        notes.append(
            "The O.M.'s row for division 45 is not legible in the corpus's copy; the O.M. of "
            "01.12.2020 makes the maintenance and repair of motor vehicles and motor cycles "
            "exceptions: check the O.M."
        )
        return Criterion("Activity", UNKNOWN, f"NIC {code}: division 45 (see the notes).")
    if not listed or not case.in_force(name):
        text = f"NIC {code}: division {division} is not among the divisions not covered."
        return Criterion("Activity", MET, text)
    rule = case.rule(name)
    what = f"NIC {code}: division {node.children[f'division_{division}'].description}"
    if division != "01":
        return Criterion("Activity", NOT_MET, f"{what}: not covered.", (rule,))
    if len(code) < 5:
        missing.append("What is the activity's 5-digit NIC code (sub-class)?")
        return Criterion("Activity", UNKNOWN, f"{what}.", (rule,))
    exceptions = case.system.parameters.children[_UR].children["division_01_exceptions"]
    if f"sub_class_{code}" in exceptions.children:
        excepted = case.rule(f"{_UR}.division_01_exceptions.sub_class_{code}")
        return Criterion("Activity", MET, f"NIC {code}: covered by Table 2.", (rule, excepted))
    notes.append(
        "Table 2 of the O.M. of 27.06.2017 lists more sub-classes of division 01 than can be "
        "read in the corpus's copy (e.g. production of eggs, raising of silk worms): check it."
    )
    return Criterion("Activity", UNKNOWN, f"{what}; {code} is not among those legible.", (rule,))
