"""Who is the interviewer and who the candidate: speaker roles, and a user's choice of them."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import attrs

from interview_core.errors import UnknownSpeaker

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from interview_core.entities import Transcript


class Role(enum.StrEnum):
    """What a speaker does in an interview: asks the questions, or answers them."""

    INTERVIEWER = "interviewer"
    CANDIDATE = "candidate"


def interviewers_of(roles: Mapping[str, Role]) -> frozenset[str]:
    """The speakers who hold the interviewer's role (several on a panel)."""
    return frozenset(speaker for speaker, role in roles.items() if role is Role.INTERVIEWER)


def named_roles(speakers: Iterable[str], interviewers: Iterable[str]) -> dict[str, Role]:
    """Roles as a user names them: each of `interviewers` asks, every other speaker answers.

    Raises UnknownSpeaker, naming the speakers there are, when a name is not one of
    `speakers` (or there are none).
    """
    present = list(dict.fromkeys(speakers))
    chosen = list(dict.fromkeys(interviewers))
    missing = [name for name in chosen if name not in present]
    if missing:
        raise UnknownSpeaker(missing, present)
    return {
        speaker: Role.INTERVIEWER if speaker in chosen else Role.CANDIDATE for speaker in present
    }


@attrs.frozen
class ChosenInterviewers:
    """The speakers a user named as the interviewers (none: let the recording tell)."""

    speakers: tuple[str, ...] = ()

    def apply(self, transcript: Transcript) -> Transcript | None:
        """`transcript` with the named speakers as its interviewers and the others as
        candidates; None when no speaker was named. Raises UnknownSpeaker when a named
        speaker does not speak in the transcript (or it has no speaker labels)."""
        if not self.speakers:
            return None
        roles = named_roles(transcript.speakers, self.speakers)
        return attrs.evolve(transcript, speaker_roles=roles)


NO_CHOICE = ChosenInterviewers()
"""No speaker named: the recording tells who the interviewers are."""
