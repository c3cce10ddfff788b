"""Offline question extraction from punctuation, interrogative openers and turn-taking.

No model runs here, so nothing writes a suggested answer: each question's `answer` is what
the candidate said in reply, as the transcript has it.

How it reads unscripted speech:

- Prompts without a question mark count: requests ("If you could talk about ...", "I'd
  love to hear about ...", "Austin, let's start with how you ..."), indirect questions
  ("I'm curious how ...", "I was wondering whether ...") and imperatives ("Walk me
  through ...", "..., and give me a snapshot of ...").
- A statement with a confirming tag is one question, whether the tag is inline ("You were
  there in 1985, correct?") or its own sentence ("I think you mentioned ... Is that
  correct?"); tags that confirm nothing of "you" ("Everything's online, right?") do not count.
- Questions inside quotation marks are reported speech ("I asked him "How did you ...?""),
  and a clause opened by a wh-word and a subject is no question ("When you look at it, ...").

What the heuristic cannot do, above all without speaker labels (speaker labelling off, or
subtitles):

- Tell who speaks. Turns are inferred from the text and the pauses. A question counts as
  the interviewer's on enough evidence: it speaks to "you" or is an imperative prompt
  ("Walk me through ..."), it is a full sentence rather than a short aside, it opens the
  interview's questions or follows a pause, an acknowledgement ("Great, thanks.") or a
  transition ("Let's move on."), a longer non-question reply follows it, and that reply
  opens as replies do ("Well, ...", "Yes, ..."); speaking of "I" or "we" counts against it,
  and so does opening as a reply right after a question. A short question directly before
  one of the interviewer's joins it, since interviewers rephrase ("What sorts of things? Do
  you remember?"). So a candidate's rhetorical question mid-reply is dropped when it is
  short ("Why?", "Did it work?") or speaks of "I" or "we", but a longer impersonal one
  ("What does that mean for the users?") or one that addresses a generic "you" ("What do
  you do when the cache is cold?") is taken for the interviewer's. Pauses only ever add
  evidence: recognisers' word timings often swallow the silence between turns.
- Questions the candidate asks (typically after "Any questions for us?") can be taken for
  the interviewer's when they address "you" or follow a pause.
- Back-to-back questions with no reply between them form one question, even when the
  second was really the candidate's ("Sorry, say that again?").
- Questions the recogniser left unpunctuated and without an opener ("You're not part of
  the program office") are not recognised, nor are short elliptical follow-ups that
  nothing else marks ("The wait, or to go?").
- Lead-in sentences are only kept as context when a pause, an acknowledgement, a
  transition or the start of the interview marks where the interviewer's turn began, and
  when they do not speak of "I" (except before the first question).
- With speaker roles (the transcript's `speaker_roles`, else told from the labels by the
  heuristic role finder, `adapters.local.speaker_roles`) only the interviewers' turns are
  read (several interviewers on a panel); every question in them counts, confirmation
  tags ("..., right?") aside, and a question's `answer` is what the others said after it,
  up to the next interviewer turn that says more than an acknowledgement. A few words
  of a sentence that the labeller gave to the other speaker are given back first
  (`adapters.local.speaker_slips`). Without speakers, or when no one asks a question,
  turns are inferred as above.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.local.question_patterns import (
    SentenceTraits,
    is_generic_question,
    question_category,
)
from adapters.local.speaker_roles import infer_roles, sentence_traits
from adapters.local.speaker_slips import mend_speaker_slips
from adapters.local.turn_inference import Block, TurnInference, confirms_previous
from interview_core.categories import QuestionCategory
from interview_core.entities import ExtractedQuestion
from interview_core.errors import ConfigurationError
from interview_core.sentences import split_sentences
from interview_core.speaker_roles import interviewers_of

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interview_core.entities import Segment, Transcript
    from interview_core.usage import UsageMeter


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

    def extract(
        self, transcript: Transcript, *, meter: UsageMeter | None = None
    ) -> list[ExtractedQuestion]:
        """The interviewer's questions in the order asked; [] when there are none.

        Never raises: any transcript, empty or odd, gives a list. No model is asked, so
        nothing is recorded on `meter`.
        """
        mended = mend_speaker_slips(transcript, pause_break=self._pause_break)
        sentences = split_sentences(mended, pause_break=self._pause_break).segments
        traits = sentence_traits(sentences)
        roles = transcript.speaker_roles or infer_roles(sentences, traits)
        interviewers = interviewers_of(roles)
        if interviewers:
            blocks = _labelled_blocks(sentences, traits, interviewers, self._max_lead_in)
        else:
            blocks = TurnInference(sentences, traits, self._turn_gap, self._max_lead_in).blocks()
        return [_question(sentences, block) for block in blocks]


def _labelled_blocks(
    sentences: Sequence[Segment],
    traits: Sequence[SentenceTraits],
    interviewers: frozenset[str],
    max_lead_in: int,
) -> list[Block]:
    """Blocks from the interviewers' turns: one per turn that holds a question, answered by
    the other speakers' turns that follow, up to the next interviewer turn that says more
    than an acknowledgement ("Mm-hmm.", "Great.")."""
    turns = _turns(sentences)
    blocks = []
    for position, (start, stop) in enumerate(turns):
        if sentences[start].speaker not in interviewers:
            continue
        asked = [i for i in range(start, stop) if traits[i].is_question]
        if asked and confirms_previous(traits, asked[0], start):
            asked.insert(0, asked[0] - 1)
        if not asked:
            continue
        lead_in = [i for i in range(start, asked[0]) if not traits[i].is_acknowledgement]
        context = tuple(lead_in[max(0, len(lead_in) - max_lead_in) :])
        answer: list[int] = []
        for first, last in turns[position + 1 :]:
            if sentences[first].speaker in interviewers:
                if all(traits[i].is_acknowledgement for i in range(first, last)):
                    continue
                break
            answer.extend(range(first, last))
        blocks.append(Block(context, asked[0], asked[-1], tuple(answer)))
    return blocks


def _turns(sentences: Sequence[Segment]) -> list[tuple[int, int]]:
    """(first, past last) sentence index of each run of one speaker's sentences."""
    turns = []
    start = 0
    for stop in range(1, len(sentences) + 1):
        if stop == len(sentences) or sentences[stop].speaker != sentences[start].speaker:
            turns.append((start, stop))
            start = stop
    return turns


def _question(sentences: Sequence[Segment], block: Block) -> ExtractedQuestion:
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
