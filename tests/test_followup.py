from retrieval.answer.followup import is_follow_up, standalone_question

PMEGP = [
    ("What is the maximum project cost for manufacturing units under PMEGP?", "Rs. 50 lakh [1].")
]


def test_the_for_phrase_is_swapped():
    assert standalone_question("And for service units?", PMEGP) == (
        "What is the maximum project cost for service units under PMEGP?"
    )


def test_what_about_a_place_swaps_the_place():
    history = [("Which handloom schemes are there for weavers in Odisha?", "...")]
    assert standalone_question("What about Assam?", history) == (
        "Which handloom schemes are there for weavers in Assam?"
    )


def test_a_question_without_a_subject_takes_the_earlier_one():
    history = [("Tell me about the Atal Pension Yojana", "...")]
    assert standalone_question("What documents are required?", history) == (
        "What documents are required (Atal Pension Yojana)?"
    )


def test_standalone_questions_are_left_alone():
    assert not is_follow_up("How many SSI units does Assam have?")
    assert standalone_question("How many SSI units does Assam have?", PMEGP) == (
        "How many SSI units does Assam have?"
    )
    assert standalone_question("And for service units?", []) == "And for service units?"
