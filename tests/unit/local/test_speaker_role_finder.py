"""The heuristic speaker role finder: interviewers and candidate from what each one says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.local.heuristic_extractor import HeuristicQuestionExtractor
from adapters.local.speaker_roles import HeuristicSpeakerRoleFinder
from adapters.transcripts.native import read_transcript
from interview_core.entities import Segment, Transcript
from interview_core.ports import SpeakerRoleFinder
from interview_core.speaker_roles import Role
from tests.real_interviews import interview_names, transcript

INTERVIEWER, CANDIDATE = Role.INTERVIEWER, Role.CANDIDATE


def said(*turns: tuple[str | None, str]) -> Transcript:
    """One segment a turn, a second a turn."""
    return Transcript(
        tuple(Segment(text, n, n + 1.0, speaker) for n, (speaker, text) in enumerate(turns))
    )


def roles(transcript: Transcript) -> dict[str, Role]:
    finder: SpeakerRoleFinder = HeuristicSpeakerRoleFinder()
    return dict(finder.roles(transcript))


def test_the_speaker_who_asks_is_the_interviewer_though_the_other_speaks_first() -> None:
    found = roles(
        said(
            ("spk_0", "Hello, nice to meet you."),
            ("spk_1", "Nice to meet you too. Why do you want this job?"),
            ("spk_0", "I like building things. I have done it for years."),
            ("spk_1", "Tell me about your last project."),
            ("spk_0", "It was a payment system. Is that what you mean?"),
        )
    )
    assert found == {"spk_0": CANDIDATE, "spk_1": INTERVIEWER}


def test_a_panel_has_two_interviewers_and_one_candidate() -> None:
    found = roles(
        said(
            ("spk_0", "Welcome. Tell me about yourself."),
            ("spk_2", "I build data pipelines. I have done it for six years."),
            ("spk_1", "What database would you pick for an event log?"),
            ("spk_2", "An append-only store. Reads are rare there."),
            ("spk_0", "Thanks. Why do you want to join us?"),
            ("spk_2", "I like the product. My friends use it."),
            ("spk_1", "How would you test a scheduled job?"),
            ("spk_2", "With a fake clock. Then I check that it ran once."),
        )
    )
    assert found == {"spk_0": INTERVIEWER, "spk_1": INTERVIEWER, "spk_2": CANDIDATE}


def test_a_candidate_who_asks_at_the_end_stays_the_candidate() -> None:
    found = roles(
        said(
            ("spk_0", "Tell me about yourself."),
            ("spk_1", "I build data pipelines. I have done it for six years. I like it."),
            ("spk_0", "Why do you want to join us? What do you know about us?"),
            ("spk_1", "I like the product. My friends use it. It is fast."),
            ("spk_0", "Do you have any questions for us?"),
            ("spk_1", "Yes. How big is the team? Do you work remotely?"),
        )
    )
    assert found == {"spk_0": INTERVIEWER, "spk_1": CANDIDATE}


def test_a_voice_split_in_two_by_the_recogniser_keeps_both_halves_as_candidate() -> None:
    found = roles(
        said(
            ("spk_0", "Tell me about yourself."),
            ("spk_1", "I build data pipelines. I have done it for six years."),
            ("spk_0", "Why do you want to join us?"),
            ("spk_2", "I like the product. Why? Because my friends use it."),
        )
    )
    assert found == {"spk_0": INTERVIEWER, "spk_1": CANDIDATE, "spk_2": CANDIDATE}


def test_when_every_speaker_asks_alike_the_least_asking_is_the_candidate() -> None:
    found = roles(
        said(
            ("spk_0", "Why do you want this job? What do you know of us?"),
            ("spk_1", "Why do you ask? What would you like to hear? I like it."),
        )
    )
    assert found == {"spk_0": INTERVIEWER, "spk_1": CANDIDATE}


@pytest.mark.parametrize(
    "transcript",
    [
        said(),
        said((None, "Tell me about yourself."), (None, "I build pipelines.")),
        said(("spk_0", "Tell me about yourself."), ("spk_0", "I build pipelines.")),
        said(("spk_0", "I build pipelines."), ("spk_1", "Same here."), ("spk_2", "Me too.")),
        said(("spk_0", 'He asked "why?" and left.'), ("spk_1", "Then he came back.")),
        said(("spk_0", "It works, right?"), ("spk_1", "It does.")),
    ],
    ids=["empty", "no labels", "one speaker", "no questions", "quoted", "tag"],
)
def test_no_roles_are_invented(transcript: Transcript) -> None:
    assert roles(transcript) == {}


def test_labels_that_name_the_roles_are_taken_as_they_are() -> None:
    found = roles(
        said(("Candidate", "Why do you ask? Is it hard?"), ("Interviewer", "It is. Begin."))
    )
    assert found == {"Candidate": CANDIDATE, "Interviewer": INTERVIEWER}


def test_segments_without_a_label_are_left_out_of_the_roles() -> None:
    found = roles(
        said(("spk_0", "Tell me about yourself."), (None, "Hm."), ("spk_1", "I build things."))
    )
    assert found == {"spk_0": INTERVIEWER, "spk_1": CANDIDATE}


@pytest.mark.parametrize("name", interview_names())
def test_the_interviewer_of_each_real_interview_is_found(name: str) -> None:
    assert roles(transcript(name, speakers=True)) == {"spk_0": INTERVIEWER, "spk_1": CANDIDATE}


def test_both_interviewers_of_the_panel_sample_are_found_and_only_their_questions() -> None:
    folder = Path(__file__).resolve().parents[3] / "samples" / "panel"
    script = json.loads((folder / "script.json").read_text(encoding="utf-8"))
    sidecar = read_transcript(folder / "panel.transcript.json")

    assert roles(sidecar) == script["roles"]
    assert sorted(script["roles"].values()) == ["candidate", "interviewer", "interviewer"]
    asked = [item.question for item in HeuristicQuestionExtractor().extract(sidecar)]
    assert asked == [turn["text"] for turn in script["turns"] if turn["question"]]
