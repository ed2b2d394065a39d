"""English rules without training (lexicons/en.txt): hand-written patient-feedback sentences, one group per
family of entries. Complaints told as short answers, wishes, sarcasm or stories read negative; praise that
uses negative-looking words reads positive; descriptions and non-answers stay neutral."""
from __future__ import annotations

import pytest

from analysis import Analyzer
from analysis.lexicon import fold, load_lexicon
from analysis.sentiment import SentimentScorer


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory) -> Analyzer:
    return Analyzer(model_dir=tmp_path_factory.mktemp("no-model"))


@pytest.fixture(scope="module")
def scorer() -> SentimentScorer:
    return SentimentScorer()


def english_label(scorer: SentimentScorer, text: str) -> str:
    """The English rule label, whatever the language identifier would make of a two-word answer."""
    return scorer.score(text, fold(text), "en").label


# Answers to "What could we do better?" that only name the thing to improve.
ONE_LINE_ANSWERS = [
    "Hospital food",
    "Noise at night on the ward",
    "Staff attitude",
    "Receptionist attitude",
    "Visiting times",
    "Quicker service",
    "Cleaner toilets",
    "Longer opening hours",
    "More comfortable chairs in the waiting room",
    "Getting through on the phone",
    "Access to a GP",
    "Time to see a doctor",
    "Waiting for results",
    "Some of the receptionists",
    "1 star",
]

# Wishes, duties and imperatives: the complaint phrased as a suggestion.
SUGGESTIONS = [
    "Reception staff could be friendlier.",
    "Could do better.",
    "Nurses should wash their hands between patients.",
    "The toilets need cleaning more often.",
    "Sort out the phone system.",
    "Be on time for once.",
    "Staff to introduce themselves.",
    "More nurses needed at night.",
    "Receptionists need customer service training.",
    "Please answer the phone.",
    "I wish they had told us about the delay.",
    "Apart from the wait everything was fine.",
]

# Sarcasm, exasperation and stories of what went wrong.
NARRATIVE_COMPLAINTS = [
    "Thanks for nothing.",
    "Really helpful, NOT.",
    "Brilliant, another two hour wait.",
    "Why does nobody ever ring back?",
    "How hard can it be to send a letter?",
    "I know they are busy but I sat there for ages.",
    "The consultant spoke to me like a child.",
    "She rolled her eyes when I asked a question.",
    "The doctor barely looked at me.",
    "Clinic was running 50 minutes late.",
    "I never received the letter with my results.",
    "It took three months to get the referral sorted.",
    "Dinner was stone cold again.",
    "My concerns were dismissed.",
    "The practice has gone downhill.",
    "Will never go back there.",
    "My therapy sessions keep getting cancelled.",
    "Nothing to do on the ward at weekends.",
    "Staff sit in the office all day.",
    "I made a formal complaint and I am still waiting for an apology.",
]

# Praise that uses negations or problem words.
PRAISE = [
    "Nothing was too much trouble.",
    "Wasn't kept waiting at all.",
    "Couldn't be happier with my care.",
    "Never had a problem getting an appointment.",
    "No issues with parking this time.",
    "Not a single thing went wrong.",
    "The nurse listened and never made me feel rushed.",
    "I didn't feel a thing, the nurse was so gentle.",
    "Even though they were short staffed the nurses were wonderful.",
    "The GP sorted my problem quickly.",
    "Took my concerns seriously.",
    "Kept me informed the whole time.",
    "Easy parking and a short wait.",
    "Waiting time was good.",
    "Seen quicker than I expected.",
    "Nothing needs changing.",
    "No improvements needed.",
    "I can't think of anything that could be improved.",
    "10/10",
    "Staff always make time to talk to you.",
    "They listened without judging me.",
    "We will never forget their kindness.",
]

# Negated praise stays a complaint: the praise idiom must not fire after "never" / "not" / "nobody".
NEGATED_PRAISE = [
    "The clinic never runs on time.",
    "Nobody listened to my concerns.",
    "I was never kept informed.",
    "They never answered my questions.",
]

# Descriptions and non-answers carry no verdict.
NEUTRAL = [
    "N/A",
    "Not applicable",
    "Don't know",
    "The nurse took my blood pressure.",
    "I was referred to the accident and emergency department.",
    "I came for a scan on my knee.",
]


@pytest.mark.parametrize("text", ONE_LINE_ANSWERS + SUGGESTIONS + NARRATIVE_COMPLAINTS + NEGATED_PRAISE)
def test_complaints_read_negative(scorer, text):
    assert english_label(scorer, text) == "negative"


@pytest.mark.parametrize("text", PRAISE)
def test_praise_with_negative_looking_words_reads_positive(scorer, text):
    assert english_label(scorer, text) == "positive"


@pytest.mark.parametrize("text", NEUTRAL)
def test_descriptions_and_non_answers_stay_neutral(scorer, text):
    assert english_label(scorer, text) == "neutral"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Getting through on the phone at 8am is impossible.", "negative"),
        ("The receptionist was lovely and we were seen on time.", "positive"),
        ("The doctor was kind but I was sent home without any pain relief.", "negative"),
        ("I was really worried beforehand but the team made me feel at ease.", "positive"),
        (
            "My dad was admitted with an infection. The nurses were lovely but clearly overstretched, he was left "
            "without water for hours and we had to ask again and again for pain relief.",
            "negative",
        ),
        (
            "I was dreading the procedure but the nurse talked me through everything and I hardly noticed it. "
            "Nothing was too much trouble.",
            "positive",
        ),
    ],
)
def test_whole_analysis_of_english_sentences(analyzer, text, expected):
    result = analyzer.analyse_text(text, declared_language="en")
    assert (result.language, result.sentiment) == ("en", expected)


def test_request_words_are_not_praise(scorer):
    # VADER alone scores "please" and "wish" as praise; in feedback they carry a request.
    lexicon = load_lexicon("en")
    assert lexicon.words["please"] == 0 and lexicon.words["wish"] == 0
    plain = scorer.vader.polarity_scores("Please answer the phone.")["compound"]
    assert plain <= 0.05


def test_praise_idiom_and_its_negation_differ(scorer):
    praise = scorer.score("kept informed throughout", fold("kept informed throughout"), "en")
    complaint = scorer.score("not kept informed throughout", fold("not kept informed throughout"), "en")
    assert praise.label == "positive" and complaint.label == "negative"
    assert praise.score - complaint.score > 0.5
