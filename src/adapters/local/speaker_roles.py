"""Who asks and who answers, told from what each speaker says: the heuristic role finder.

A speaker's questions are counted with the heuristic question finder's word rules
(questions quoted from someone else and confirmation tags do not count; a question that
speaks to "you" or asks for something counts twice). The speaker with the highest count is
an interviewer. On a panel, another speaker is an interviewer too when they ask at least two
questions and the share of their sentences that are questions is at least `PANEL_SHARE`
times the first interviewer's share (and at least `MIN_SHARE`): the candidate's occasional
question ("Could you repeat that?") does not make them an interviewer. At least one speaker
is left as the candidate, and every speaker who is not an interviewer is a candidate (a
recogniser may split one voice into two labels). Labels that already say the role ("interviewer",
"candidate", as in the bundled samples' sidecars) are taken as they are.

No roles are given when there are fewer than two speakers or no one asks a question.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from adapters.local.conversation_cues import quoted_questions
from adapters.local.question_patterns import SentenceTraits, describe_sentence
from adapters.local.speaker_slips import mend_speaker_slips
from interview_core.sentences import split_sentences
from interview_core.speaker_roles import Role

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interview_core.entities import Segment, Transcript

PANEL_SHARE = 0.3
"""A second interviewer's share of questions among their sentences, against the first's."""
MIN_SHARE = 0.15
"""The least share of questions among a second interviewer's sentences."""
MIN_PANEL_QUESTIONS = 2
"""The fewest questions a second interviewer asks."""
_ROLE_LABELS = {"interviewer": Role.INTERVIEWER, "candidate": Role.CANDIDATE}


@attrs.define
class _Tally:
    """What one speaker said: sentences, and questions weighted by whom they address."""

    order: int
    sentences: int = 0
    questions: int = 0
    weight: int = 0

    @property
    def share(self) -> float:
        return self.questions / self.sentences if self.sentences else 0.0


class HeuristicSpeakerRoleFinder:
    """Tells the interviewers and the candidate apart by their questions; offline, linear."""

    def __init__(self, *, pause_break: float | None = 2.0) -> None:
        """`pause_break`: seconds of silence that end an unpunctuated sentence (None: never)."""
        self._pause_break = pause_break

    def roles(self, transcript: Transcript) -> dict[str, Role]:
        """A role for each speaker label: see the module docstring. Empty when there are
        fewer than two speakers or no questions. Never raises."""
        mended = mend_speaker_slips(transcript, pause_break=self._pause_break)
        sentences = split_sentences(mended, pause_break=self._pause_break).segments
        return infer_roles(sentences, sentence_traits(sentences))


def sentence_traits(sentences: Sequence[Segment]) -> list[SentenceTraits]:
    """Each sentence's traits; a question quoted from someone else counts as none."""
    traits = [describe_sentence(sentence.text) for sentence in sentences]
    quoted = quoted_questions([sentence.text for sentence in sentences])
    return [
        attrs.evolve(trait, is_question=False) if reported and trait.is_question else trait
        for trait, reported in zip(traits, quoted, strict=True)
    ]


def infer_roles(sentences: Sequence[Segment], traits: Sequence[SentenceTraits]) -> dict[str, Role]:
    """The speakers' roles from their sentences and those sentences' traits."""
    tallies: dict[str, _Tally] = {}
    for sentence, trait in zip(sentences, traits, strict=True):
        if sentence.speaker is None:
            continue
        tally = tallies.setdefault(sentence.speaker, _Tally(len(tallies)))
        tally.sentences += 1
        if trait.is_question:
            tally.questions += 1
            tally.weight += 2 if trait.addressed else 1
    if len(tallies) < 2:
        return {}
    labelled = _roles_from_labels(list(tallies))
    if labelled:
        return labelled
    lead = max(tallies, key=lambda name: (tallies[name].weight, -tallies[name].order))
    first = tallies[lead]
    if first.weight == 0:
        return {}
    asking = {lead} | {
        name
        for name, tally in tallies.items()
        if tally.questions >= MIN_PANEL_QUESTIONS
        and tally.share >= max(MIN_SHARE, PANEL_SHARE * first.share)
    }
    if len(asking) == len(tallies):
        asking.discard(min(asking, key=lambda name: (tallies[name].share, -tallies[name].order)))
    return {name: Role.INTERVIEWER if name in asking else Role.CANDIDATE for name in tallies}


def _roles_from_labels(speakers: Sequence[str]) -> dict[str, Role]:
    """Roles when the labels name them ("interviewer", "Candidate"); else empty."""
    named = {name: _ROLE_LABELS.get(name.strip().casefold()) for name in speakers}
    if Role.INTERVIEWER not in named.values():
        return {}
    return {name: role or Role.CANDIDATE for name, role in named.items()}
