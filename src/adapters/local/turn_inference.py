"""Who asked which question when no speaker labels say: turns guessed from text and pauses."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from collections.abc import Sequence

    from adapters.local.question_patterns import SentenceTraits
    from interview_core.entities import Segment


@attrs.frozen
class Block:
    """One interviewer question: sentence indices of its lead-in, question and reply."""

    context: tuple[int, ...]
    first: int
    last: int
    answer: tuple[int, ...]


class TurnInference:
    """Interviewer questions, lead-ins and replies guessed from text and pauses alone."""

    def __init__(
        self,
        sentences: Sequence[Segment],
        traits: Sequence[SentenceTraits],
        turn_gap: float,
        max_lead_in: int,
    ) -> None:
        self._sentences = sentences
        self._traits = traits
        self._turn_gap = turn_gap
        self._max_lead_in = max_lead_in
        self._gaps = [0.0] + [
            sentences[i].start - sentences[i - 1].end for i in range(1, len(sentences))
        ]
        self._reply_words = self._words_of_replies()
        self._first_question = next((i for i, t in enumerate(traits) if t.is_question), 0)

    def blocks(self) -> list[Block]:
        """One block per run of adjacent interviewer questions, in order."""
        groups: list[list[int]] = []
        for index in self._interviewer_questions():
            previous = groups[-1][-1] if groups else None
            if previous == index - 1 and not self._turn_starts_at(index):
                groups[-1].append(index)
            else:
                floor = previous + 1 if previous is not None else 0
                confirmed = confirms_previous(self._traits, index, floor)
                groups.append([index - 1, index] if confirmed else [index])
        heads = []
        floor = 0
        for group in groups:
            heads.append(self._lead_in(group[0], floor))
            floor = group[-1] + 1
        blocks = []
        for position, (group, (_, context)) in enumerate(zip(groups, heads, strict=True)):
            end = heads[position + 1][0] if position + 1 < len(groups) else len(self._sentences)
            blocks.append(Block(context, group[0], group[-1], tuple(range(group[-1] + 1, end))))
        return blocks

    def _interviewer_questions(self) -> list[int]:
        """Indices of the interviewer's questions, in order.

        A question that directly precedes one of the interviewer's joins it: interviewers
        rephrase ("What sorts of things? Do you remember?"), while a candidate's
        rhetorical question is followed by the candidate's own answer.
        """
        accepted = [self._is_interviewer_question(i) for i in range(len(self._sentences))]
        for index in range(len(accepted) - 2, -1, -1):
            if (
                not accepted[index]
                and accepted[index + 1]
                and self._traits[index].is_question
                and not self._turn_starts_at(index + 1)
            ):
                accepted[index] = True
        return [index for index, yes in enumerate(accepted) if yes]

    def _is_interviewer_question(self, index: int) -> bool:
        trait = self._traits[index]
        if not trait.is_question:
            return False
        score = 0
        if trait.addressed or (trait.is_confirmation and self._traits[index - 1].addressed):
            score += 2  # speaks to "you", or confirms what was just said of "you"
        if trait.word_count >= 6:
            score += 1  # a full question rather than a short aside ("Why?", "Did it work?")
        if self._reply_words[index] >= max(trait.word_count, 4):
            score += 1  # followed by a longer non-question reply
        if self._turn_starts_at(index) or self._follows_cue(index):
            score += 1
        if self._answered_at(index + 1):
            score += 1
        if trait.first_singular:
            score -= 1 if trait.addressed else 2
        if trait.opens_as_answer and index > 0 and self._traits[index - 1].is_question:
            score -= 2  # "Yes, I would like to hear ...": the reply to the question before
        if trait.first_plural and not trait.addressed:
            score -= 1
        return score >= 2

    def _answered_at(self, index: int) -> bool:
        """Whether a reply opens at `index` ("Yes, ...", "Well, ...")."""
        if index >= len(self._traits):
            return False
        trait = self._traits[index]
        return trait.opens_as_answer and not trait.is_question

    def _turn_starts_at(self, index: int) -> bool:
        return index == 0 or self._gaps[index] >= self._turn_gap

    def _follows_cue(self, index: int) -> bool:
        """Opens the interview's questions, or follows an interviewer's acknowledgement."""
        trait, before = self._traits[index], self._traits[index - 1]
        return (
            index == self._first_question
            or trait.opens_with_interviewer_cue
            or before.is_acknowledgement
            or before.opens_with_transition
        )

    def _lead_in(self, question: int, floor: int) -> tuple[int, tuple[int, ...]]:
        """Where the interviewer's turn begins before `question`, and its lead-in sentences.

        The lead-in is kept only when something marks the turn's start: a pause, an
        acknowledgement, a transition or the start of the transcript.
        """
        collected: list[int] = []
        index = question - 1
        start, marked = question, False
        while index >= floor:
            trait = self._traits[index]
            if self._gaps[index + 1] >= self._turn_gap:
                marked = True
                break
            if trait.is_question:
                break
            if trait.is_acknowledgement:
                start, marked = self._acknowledgements_from(index, floor), True
                break
            if len(collected) == self._max_lead_in or (trait.speaks_as_candidate and floor > 0):
                break
            collected.append(index)
            start = index
            if trait.opens_with_transition:
                start, marked = self._acknowledgements_from(index - 1, floor, default=index), True
                break
            index -= 1
        else:
            marked = floor == 0
        if not marked:
            return question, ()
        return start, tuple(reversed(collected))

    def _acknowledgements_from(self, index: int, floor: int, default: int | None = None) -> int:
        """The earliest index of the run of acknowledgements ending at `index`."""
        start = default if default is not None else index
        while (
            index >= floor
            and self._traits[index].is_acknowledgement
            and self._gaps[index + 1] < self._turn_gap
        ):
            start = index
            index -= 1
        return start

    def _words_of_replies(self) -> list[int]:
        """For each sentence, the words of the non-questions that directly follow it."""
        following = [0] * len(self._traits)
        running = 0
        for index in range(len(self._traits) - 1, -1, -1):
            following[index] = running
            trait = self._traits[index]
            running = 0 if trait.is_question else running + trait.word_count
        return following


def confirms_previous(traits: Sequence[SentenceTraits], index: int, floor: int) -> bool:
    """Whether the question at `index` only asks to confirm the statement before it."""
    return (
        traits[index].is_confirmation
        and index - 1 >= floor
        and not traits[index - 1].is_question
        and not traits[index - 1].is_acknowledgement
    )
