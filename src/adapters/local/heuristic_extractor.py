"""Offline question extraction from punctuation, interrogative openers and turn-taking.

No model runs here, so nothing writes a suggested answer: each question's `answer` is what
the candidate said in reply, as the transcript has it.

What the heuristic cannot do, above all without speaker labels (Whisper gives none):

- Tell who speaks. Turns are inferred from the text and the pauses. A question counts as
  the interviewer's on enough evidence: it speaks to "you" or is an imperative prompt
  ("Walk me through ..."), it is a full sentence rather than a short aside, it opens the
  interview's questions or follows a pause, an acknowledgement ("Great, thanks.") or a
  transition ("Let's move on."), and a longer non-question reply follows it; speaking of
  "I" or "we" counts against it. So a candidate's rhetorical question mid-reply is
  dropped when it is short ("Why?", "Did it work?") or speaks of "I" or "we", but a longer
  impersonal one ("What does that mean for the users?") or one that addresses a generic
  "you" ("What do you do when the cache is cold?") is taken for the interviewer's. Pauses
  only ever add evidence: recognisers' word timings often swallow the silence between turns.
- Questions the candidate asks (typically after "Any questions for us?") can be taken for
  the interviewer's when they address "you" or follow a pause.
- Back-to-back questions with no reply between them form one question, even when the
  second was really the candidate's.
- Prompts without an opener or a question mark ("I'd love to hear about your last
  project.") are not recognised, nor are questions the recogniser left unpunctuated and
  without an opener.
- Lead-in sentences are only kept as context when a pause, an acknowledgement, a
  transition or the start of the interview marks where the interviewer's turn began, and
  when they do not speak of "I" (except before the first question).
- With speaker labels the interviewer is the speaker labelled "interviewer", else the
  speaker with the most questions (ties go to whoever spoke first); every question of
  theirs counts, confirmation tags ("..., right?") aside.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from adapters.local.question_patterns import (
    SentenceTraits,
    describe_sentence,
    is_generic_question,
    question_category,
)
from interview_core.categories import QuestionCategory
from interview_core.entities import ExtractedQuestion
from interview_core.errors import ConfigurationError
from interview_core.sentences import split_sentences

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interview_core.entities import Segment, Transcript

INTERVIEWER_LABEL = "interviewer"


@attrs.frozen
class _Block:
    """One interviewer question: sentence indices of its lead-in, question and reply."""

    context: tuple[int, ...]
    first: int
    last: int
    answer: tuple[int, ...]


class HeuristicQuestionExtractor:
    """Finds the interviewer's questions with word rules; deterministic, linear, offline.

    A sentence is a question when it ends with "?" or opens (after fillers such as "so,",
    "okay,", "and") with an interrogative or imperative opener: "tell me about", "walk me
    through", "describe", "explain", "can you", "how would you", "why did you", ... Each
    question carries its lead-in sentences as `context`, the reply as `answer`, a keyword
    category as `question_context` and whether any interview could ask it as `is_global`;
    its times are the question's own span. See the module docstring for the limits.
    """

    def __init__(
        self, *, turn_gap: float = 0.6, pause_break: float | None = 2.0, max_lead_in: int = 3
    ) -> None:
        """`turn_gap`: seconds of silence read as a change of speaker when labels are missing.

        `pause_break`: seconds of silence that end an unpunctuated sentence (None: never).
        `max_lead_in`: most sentences kept as a question's context. Raises
        ConfigurationError for a gap or pause that is not positive or a negative count.
        """
        if not turn_gap > 0:
            raise ConfigurationError(f"turn_gap must be positive seconds, not {turn_gap}")
        if pause_break is not None and not pause_break > 0:
            raise ConfigurationError(f"pause_break must be positive seconds, not {pause_break}")
        if max_lead_in < 0:
            raise ConfigurationError(f"max_lead_in must not be negative, not {max_lead_in}")
        self._turn_gap = turn_gap
        self._pause_break = pause_break
        self._max_lead_in = max_lead_in

    def extract(self, transcript: Transcript) -> list[ExtractedQuestion]:
        """The interviewer's questions in the order asked; [] when there are none.

        Never raises: any transcript, empty or odd, gives a list.
        """
        sentences = split_sentences(transcript, pause_break=self._pause_break).segments
        traits = [describe_sentence(sentence.text) for sentence in sentences]
        speakers = {sentence.speaker for sentence in sentences} - {None}
        if len(speakers) >= 2:
            blocks = _labelled_blocks(sentences, traits, self._max_lead_in)
        else:
            blocks = _TurnInference(sentences, traits, self._turn_gap, self._max_lead_in).blocks()
        return [_question(sentences, block) for block in blocks]


def _labelled_blocks(
    sentences: Sequence[Segment], traits: Sequence[SentenceTraits], max_lead_in: int
) -> list[_Block]:
    """Blocks from the interviewer's turns: one per turn that holds a question."""
    interviewer = _interviewer(sentences, traits)
    found: list[tuple[tuple[int, ...], int, int, int]] = []  # context, first, last, turn start
    start = 0
    for stop in range(1, len(sentences) + 1):
        if stop < len(sentences) and sentences[stop].speaker == sentences[start].speaker:
            continue
        if sentences[start].speaker == interviewer:
            asked = [i for i in range(start, stop) if traits[i].is_question]
            if asked:
                lead_in = [i for i in range(start, asked[0]) if not traits[i].is_acknowledgement]
                context = tuple(lead_in[max(0, len(lead_in) - max_lead_in) :])
                found.append((context, asked[0], asked[-1], start))
        start = stop
    blocks = []
    for position, (context, first, last, _) in enumerate(found):
        end = found[position + 1][3] if position + 1 < len(found) else len(sentences)
        answer = tuple(i for i in range(last + 1, end) if sentences[i].speaker != interviewer)
        blocks.append(_Block(context, first, last, answer))
    return blocks


def _interviewer(sentences: Sequence[Segment], traits: Sequence[SentenceTraits]) -> str | None:
    """The speaker labelled interviewer, else the one with most questions (first on ties)."""
    questions: dict[str | None, int] = {}
    for sentence, trait in zip(sentences, traits, strict=True):
        if sentence.speaker is not None and sentence.speaker.casefold() == INTERVIEWER_LABEL:
            return sentence.speaker
        count = questions.setdefault(sentence.speaker, 0)
        questions[sentence.speaker] = count + trait.is_question
    questions.pop(None, None)
    return max(questions, key=lambda speaker: questions[speaker], default=None)


class _TurnInference:
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

    def blocks(self) -> list[_Block]:
        """One block per run of adjacent interviewer questions, in order."""
        groups: list[list[int]] = []
        for index in range(len(self._sentences)):
            if not self._is_interviewer_question(index):
                continue
            previous = groups[-1][-1] if groups else None
            if previous == index - 1 and not self._turn_starts_at(index):
                groups[-1].append(index)
            else:
                groups.append([index])
        heads = []
        floor = 0
        for group in groups:
            heads.append(self._lead_in(group[0], floor))
            floor = group[-1] + 1
        blocks = []
        for position, (group, (_, context)) in enumerate(zip(groups, heads, strict=True)):
            end = heads[position + 1][0] if position + 1 < len(groups) else len(self._sentences)
            blocks.append(_Block(context, group[0], group[-1], tuple(range(group[-1] + 1, end))))
        return blocks

    def _is_interviewer_question(self, index: int) -> bool:
        trait = self._traits[index]
        if not trait.is_question:
            return False
        score = 0
        if trait.addressed:
            score += 2
        if trait.word_count >= 6:
            score += 1  # a full question rather than a short aside ("Why?", "Did it work?")
        if self._reply_words[index] >= max(trait.word_count, 4):
            score += 1  # followed by a longer non-question reply
        if self._turn_starts_at(index) or self._follows_cue(index):
            score += 1
        if trait.first_singular:
            score -= 2
        if trait.first_plural and not trait.addressed:
            score -= 1
        return score >= 2

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


def _question(sentences: Sequence[Segment], block: _Block) -> ExtractedQuestion:
    question = " ".join(sentences[i].text for i in range(block.first, block.last + 1))
    context = " ".join(sentences[i].text for i in block.context)
    category = QuestionCategory(question_category(question))
    if category is QuestionCategory.GENERAL and context:
        category = QuestionCategory(question_category(context))
    return ExtractedQuestion(
        question=question,
        answer=" ".join(sentences[i].text for i in block.answer),
        context=context,
        question_context=category,
        is_global=is_generic_question(question),
        start_time=sentences[block.first].start,
        end_time=sentences[block.last].end,
    )
