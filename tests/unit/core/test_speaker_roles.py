"""Speaker roles in the core: the transcript's field, a user's choice, and the use cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.local.memory_repository import InMemoryInterviewRepository
from adapters.local.memory_stage_store import InMemoryStageStore
from interview_core.analysis import QuestionStages
from interview_core.clock import ManualClock
from interview_core.entities import Interview, Segment, Transcript
from interview_core.errors import ErrorKind, UnknownSpeaker
from interview_core.process_interview import ProcessInterview
from interview_core.process_video import ProcessVideo
from interview_core.report import Outcome
from interview_core.speaker_roles import (
    ChosenInterviewers,
    Role,
    interviewers_of,
    named_roles,
)
from tests.unit.fakes import (
    SpyAudioExtractor,
    SpyQuestionExtractor,
    SpyTranscriber,
    SpyVideoStore,
    sample_questions,
)

INTERVIEWER, CANDIDATE = Role.INTERVIEWER, Role.CANDIDATE
ID = "3c7d1e9a-2b4f-4a6e-8d0c-5f1a2b3c4d5e"


def labelled(*speakers: str | None) -> Transcript:
    return Transcript(
        tuple(Segment(f"line {n}", n, n + 1.0, speaker) for n, speaker in enumerate(speakers))
    )


class FixedRoleFinder:
    """Gives the same roles to every transcript and records what it was asked about."""

    def __init__(self, roles: dict[str, Role]) -> None:
        self.answer = roles
        self.asked: list[Transcript] = []

    def roles(self, transcript: Transcript) -> dict[str, Role]:
        self.asked.append(transcript)
        return dict(self.answer)


# --- the transcript's field ---------------------------------------------------------------


def test_speakers_are_listed_once_in_the_order_they_first_speak() -> None:
    assert labelled("spk_1", None, "spk_0", "spk_1", "spk_2").speakers == (
        "spk_1",
        "spk_0",
        "spk_2",
    )
    assert labelled(None, None).speakers == ()


def test_roles_are_read_only_and_equal_transcripts_stay_hashable() -> None:
    roles = {"spk_0": INTERVIEWER}
    transcript = Transcript(labelled("spk_0").segments, speaker_roles=roles)
    roles["spk_0"] = CANDIDATE  # the caller's dict is copied, not shared
    assert transcript.speaker_roles == {"spk_0": INTERVIEWER}
    with pytest.raises(TypeError):
        transcript.speaker_roles["spk_0"] = CANDIDATE  # type: ignore[index]
    assert hash(transcript) == hash(Transcript(transcript.segments, speaker_roles=roles))
    assert transcript == Transcript(transcript.segments, speaker_roles={"spk_0": INTERVIEWER})
    assert transcript != Transcript(transcript.segments)


def test_interviewers_of_a_panel_are_every_speaker_who_asks() -> None:
    roles = {"spk_0": INTERVIEWER, "spk_1": CANDIDATE, "spk_2": INTERVIEWER}
    assert interviewers_of(roles) == {"spk_0", "spk_2"}
    assert interviewers_of({}) == frozenset()


# --- a user's choice ------------------------------------------------------------------------


def test_named_interviewers_ask_and_every_other_speaker_answers() -> None:
    assert named_roles(["spk_0", "spk_1", "spk_2"], ["spk_2", "spk_0"]) == {
        "spk_0": INTERVIEWER,
        "spk_1": CANDIDATE,
        "spk_2": INTERVIEWER,
    }


def test_a_name_no_speaker_has_is_an_interview_fault_listing_the_speakers() -> None:
    with pytest.raises(UnknownSpeaker) as caught:
        named_roles(["spk_0", "spk_1"], ["spk_1", "spk_7"])
    error = caught.value
    assert error.kind is ErrorKind.INTERVIEW and error.code == "UNKNOWN_SPEAKER"
    assert "spk_7" in error.message and "its speakers are spk_0, spk_1" in error.message
    assert error.names == ("spk_7",)


def test_a_transcript_without_labels_says_so() -> None:
    with pytest.raises(UnknownSpeaker, match="no speaker labels"):
        ChosenInterviewers(("spk_0",)).apply(labelled(None, None))


def test_hostile_labels_reach_the_message_as_one_short_safe_line() -> None:
    speakers = [f"spk_{n}\nFORGED line" for n in range(20)]
    with pytest.raises(UnknownSpeaker) as caught:
        named_roles(speakers, ["x" * 500 + "\r\n"])
    message = caught.value.message
    assert "\n" not in message and "\r" not in message and len(message) < 600
    assert message.endswith(", ...")


def test_no_choice_leaves_the_transcript_to_the_recording() -> None:
    assert ChosenInterviewers().apply(labelled("spk_0", "spk_1")) is None


# --- the question stages --------------------------------------------------------------------


def stages(finder: FixedRoleFinder | None, *names: str) -> QuestionStages:
    return QuestionStages(
        SpyQuestionExtractor([]), None, role_finder=finder, interviewers=ChosenInterviewers(names)
    )


def test_the_finder_gives_roles_to_a_transcript_without_them() -> None:
    finder = FixedRoleFinder({"spk_0": INTERVIEWER, "spk_1": CANDIDATE})
    found = stages(finder).with_roles(labelled("spk_0", "spk_1"))
    assert found.speaker_roles == {"spk_0": INTERVIEWER, "spk_1": CANDIDATE}


def test_roles_a_transcript_carries_are_kept() -> None:
    carried = Transcript(labelled("spk_0", "spk_1").segments, speaker_roles={"spk_1": INTERVIEWER})
    finder = FixedRoleFinder({"spk_0": INTERVIEWER, "spk_1": CANDIDATE})
    assert stages(finder).with_roles(carried) is carried
    assert finder.asked == []


def test_a_users_choice_overrides_carried_and_found_roles() -> None:
    carried = Transcript(labelled("spk_0", "spk_1").segments, speaker_roles={"spk_0": INTERVIEWER})
    finder = FixedRoleFinder({"spk_0": INTERVIEWER, "spk_1": CANDIDATE})
    chosen = stages(finder, "spk_1").with_roles(carried)
    assert chosen.speaker_roles == {"spk_0": CANDIDATE, "spk_1": INTERVIEWER}


def test_without_a_finder_or_with_no_answer_the_transcript_is_unchanged() -> None:
    transcript = labelled("spk_0", "spk_1")
    assert stages(None).with_roles(transcript) is transcript
    assert stages(FixedRoleFinder({})).with_roles(transcript) is transcript


# --- the use cases ---------------------------------------------------------------------------


def test_a_videos_result_carries_the_roles_the_extractor_saw() -> None:
    extractor = SpyQuestionExtractor(sample_questions(2))
    finder = FixedRoleFinder({"interviewer": INTERVIEWER, "candidate": CANDIDATE})
    use_case = ProcessVideo(SpyAudioExtractor(), SpyTranscriber(), extractor, role_finder=finder)
    result = use_case.execute(Path("/data/interview.mp4"))
    assert result.transcript.speaker_roles == {"interviewer": INTERVIEWER, "candidate": CANDIDATE}
    assert extractor.transcripts[0].speaker_roles == result.transcript.speaker_roles


def test_a_named_interviewer_missing_from_a_video_raises_unknown_speaker() -> None:
    chosen = ChosenInterviewers(("spk_3",))
    use_case = ProcessVideo(
        SpyAudioExtractor(), SpyTranscriber(), SpyQuestionExtractor(), interviewers=chosen
    )
    with pytest.raises(UnknownSpeaker, match="interviewer, candidate"):
        use_case.execute(Path("/data/interview.mp4"))


def interview_use_case(
    extractor: SpyQuestionExtractor, chosen: ChosenInterviewers
) -> tuple[ProcessInterview, InMemoryInterviewRepository]:
    store = InMemoryInterviewRepository(ManualClock())
    store.add(Interview(id=ID, video_path="videos/interview.mp4"))
    use_case = ProcessInterview(
        store,
        SpyVideoStore(),
        SpyAudioExtractor(),
        SpyTranscriber(),
        extractor,
        role_finder=FixedRoleFinder({}),
        interviewers=chosen,
    )
    return use_case, store


def test_a_stored_interview_is_read_with_the_chosen_interviewer() -> None:
    extractor = SpyQuestionExtractor(sample_questions(1))
    use_case, _ = interview_use_case(extractor, ChosenInterviewers(("candidate",)))
    assert use_case.execute(ID).outcome is Outcome.COMPLETED
    assert extractor.transcripts[0].speaker_roles == {
        "interviewer": CANDIDATE,
        "candidate": INTERVIEWER,
    }


def test_a_stored_interview_without_the_named_speaker_fails_with_unknown_speaker() -> None:
    extractor = SpyQuestionExtractor(sample_questions(1))
    use_case, store = interview_use_case(extractor, ChosenInterviewers(("spk_9",)))
    report = use_case.execute(ID)
    assert report.outcome is Outcome.FAILED
    assert store.get(ID).error_code == "UNKNOWN_SPEAKER"
    assert extractor.transcripts == []


def test_a_stored_interview_keeps_its_transcript_with_the_roles_for_its_exports() -> None:
    store = InMemoryInterviewRepository(ManualClock())
    store.add(Interview(id=ID, video_path="videos/interview.mp4"))
    stages = InMemoryStageStore()
    roles = {"interviewer": INTERVIEWER, "candidate": CANDIDATE}
    use_case = ProcessInterview(
        store,
        SpyVideoStore(),
        SpyAudioExtractor(),
        SpyTranscriber(),
        SpyQuestionExtractor(sample_questions(1)),
        stage_store=stages,
        role_finder=FixedRoleFinder(roles),
    )
    assert use_case.execute(ID).outcome is Outcome.COMPLETED
    kept = stages.load_transcript(ID, 0)
    assert kept is not None and kept.speaker_roles == roles
