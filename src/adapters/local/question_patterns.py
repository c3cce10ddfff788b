"""Word tables and sentence tests behind the heuristic question extractor."""

from __future__ import annotations

import string

import attrs

from adapters.local.conversation_cues import (
    indirect_question_length,
    is_confirming_tag,
    opens_as_answer,
    request_opener_length,
    without_vocative,
)

_STRIP = string.punctuation + "“”‘’«»…—–"
_CLOSERS = "\"')]}»”’ "

# Words that open a sentence without carrying its meaning ("So, okay, and how ...").
_FILLER_WORDS = frozenset(
    "so okay ok and alright well now um uh uhm erm hmm oh great right cool next then also "
    "but perfect good nice thanks excellent wonderful awesome yeah yes sure anyway first "
    "firstly finally lastly secondly lovely fantastic brilliant".split()
)
_FILLER_PHRASES: tuple[tuple[str, ...], ...] = (
    ("all", "right"),
    ("thank", "you"),
    ("moving", "on"),
    ("my", "next", "question", "is"),
    ("my", "last", "question", "is"),
    ("next", "question"),
    ("last", "question"),
    ("final", "question"),
    ("one", "more", "question"),
)
# Prompts that ask for an answer without being grammatical questions.
_IMPERATIVE_OPENERS: tuple[tuple[str, ...], ...] = (
    ("tell", "me"),
    ("tell", "us"),
    ("walk", "me", "through"),
    ("walk", "us", "through"),
    ("talk", "me", "through"),
    ("talk", "us", "through"),
    ("take", "me", "through"),
    ("take", "us", "through"),
    ("give", "me"),
    ("give", "us"),
    ("show", "me"),
    ("describe",),
    ("explain",),
    ("define",),
)
_AUXILIARIES = frozenset(
    "can could would will do does did have has had are is was were should shall may might "
    "must can't couldn't wouldn't won't don't doesn't didn't haven't hasn't hadn't aren't "
    "isn't wasn't weren't shouldn't".split()
)
_QUESTION_SUBJECTS = frozenset(
    "you your yourself there it anyone anybody anything we i they he she".split()
)
_WH_WORDS = frozenset("what how why when where which who whom whose".split())
# Words that may follow a wh-word directly in a question ("how long", "what about").
_WH_FOLLOWERS = _AUXILIARIES | frozenset(
    "about much many long often far else kind sort type exactly specifically not "
    "made makes motivates motivated drew brings brought attracted attracts excites".split()
)
_SECOND_PERSON = frozenset("you your yours yourself yourselves you're you've you'd you'll".split())
_FIRST_SINGULAR = frozenset("i i'm i've i'd i'll my mine myself".split())
_FIRST_SUBJECT = frozenset("i i'm i've i'd i'll".split())
_FIRST_PLURAL = frozenset("we we're we've we'd we'll our ours ourselves us".split())
# Confirmation tags: "..., right?" asks for no answer.
_TAGS = frozenset(
    tuple(tag.split())
    for tag in (
        "right", "you know", "isn't it", "correct", "ok", "okay", "yeah", "yes", "no", "huh",
        "eh", "see", "you see", "agreed", "true", "make sense", "makes sense",
        "does that make sense", "don't you think", "wouldn't you say", "isn't that right",
        "am i right", "right or wrong", "doesn't it", "don't they", "aren't they", "wasn't it",
        "didn't it", "won't it", "can't it", "isn't that so",
    )
)  # fmt: skip
_ACK_WORDS = frozenset(
    "great thanks thank you okay ok good nice perfect excellent wonderful awesome cool alright "
    "all right got it that that's is was makes sense interesting fair enough understood i see "
    "for sharing fantastic brilliant lovely very really so sounds mm hmm mhm mm-hmm uh-huh "
    "appreciate helpful super".split()
)
_ACK_CORE = frozenset(
    "great thanks thank okay ok good nice perfect excellent wonderful awesome cool alright "
    "right sense interesting fair understood see fantastic brilliant lovely mm hmm mhm mm-hmm "
    "uh-huh helpful appreciate".split()
)
# Openers by which an interviewer moves the conversation on.
_TRANSITIONS: tuple[tuple[str, ...], ...] = (
    ("let's",),
    ("let", "us"),
    ("moving", "on"),
    ("next",),
    ("now",),
    ("switching",),
    ("shifting",),
    ("turning", "to"),
    ("my", "next"),
    ("my", "last"),
    ("one", "more"),
    ("last", "question"),
    ("final", "question"),
    ("i'd", "like", "to"),
    ("i", "would", "like", "to", "ask"),
    ("i", "want", "to", "ask"),
)
_INTERVIEWER_CUES = frozenset(
    "okay ok great thanks thank alright perfect excellent next now good nice wonderful "
    "awesome cool lovely fantastic brilliant".split()
)


@attrs.frozen
class SentenceTraits:
    """What the word tables say about one sentence."""

    words: tuple[str, ...]
    is_question: bool
    addressed: bool  # an imperative prompt, or speaks to "you"
    first_singular: bool  # speaks of "I" or "my" after the opener
    first_plural: bool  # speaks of "we", "our" or "us"
    is_acknowledgement: bool  # "Great, thanks." and the like
    opens_with_transition: bool  # "Let's move on.", "Next, ..."
    opens_with_interviewer_cue: bool  # "Okay, ...", "Great, ..."
    speaks_as_candidate: bool  # an "I" subject in an ordinary statement
    is_confirmation: bool  # "Is that correct?": asks to confirm the sentence before it
    opens_as_answer: bool  # "Yes, ...", "Well, ...": the way replies open

    @property
    def word_count(self) -> int:
        """How many words the sentence has."""
        return len(self.words)


def words_of(text: str) -> tuple[str, ...]:
    """Lowercase words with surrounding punctuation removed; inner apostrophes kept."""
    lowered = text.lower().replace("’", "'").replace("‘", "'")
    return tuple(word for word in (raw.strip(_STRIP) for raw in lowered.split()) if word)


def describe_sentence(text: str) -> SentenceTraits:
    """Classify one sentence with the word tables; linear in its length."""
    words = words_of(text)
    body = strip_fillers(words_of(without_vocative(text)))
    request = request_opener_length(body)
    indirect = indirect_question_length(body)
    opener = request or indirect or _opener_length(body)
    rest = body[opener:] if opener else body
    ends_with_mark = text.rstrip(_CLOSERS).endswith(("?", "？"))
    second_person = _mentions_second_person(words)
    tag = _is_tag(text, words) and not _confirms_something_of_you(text, second_person)
    return SentenceTraits(
        words=words,
        is_question=not tag and (ends_with_mark or opener > 0),
        addressed=_starts_with(body, _IMPERATIVE_OPENERS)
        or _asks_for_something(words)
        or second_person,
        first_singular=any(word in _FIRST_SINGULAR for word in rest),
        first_plural=any(word in _FIRST_PLURAL for word in rest),
        is_acknowledgement=_is_acknowledgement(words),
        opens_with_transition=_starts_with(words, _TRANSITIONS),
        opens_with_interviewer_cue=bool(words) and words[0] in _INTERVIEWER_CUES,
        speaks_as_candidate=any(word in _FIRST_SUBJECT for word in words)
        and not _starts_with(words, _TRANSITIONS)
        and not (request or indirect),
        is_confirmation=ends_with_mark and is_confirming_tag(body),
        opens_as_answer=opens_as_answer(words),
    )


def strip_fillers(words: tuple[str, ...]) -> tuple[str, ...]:
    """`words` without the filler words and phrases at their start."""
    position = 0
    while position < len(words):
        phrase = next((p for p in _FILLER_PHRASES if _has_at(words, position, p)), None)
        if phrase is not None:
            position += len(phrase)
        elif words[position] in _FILLER_WORDS:
            position += 1
        else:
            break
    return words[position:]


def _opener_length(body: tuple[str, ...]) -> int:
    """How many words of `body` form an interrogative or imperative opener; 0 for none."""
    if not body:
        return 0
    for opener in _IMPERATIVE_OPENERS:
        if _has_at(body, 0, opener):
            return len(opener)
    first = body[0]
    if first in _AUXILIARIES and len(body) > 1 and body[1] in _QUESTION_SUBJECTS:
        return 2
    wh, _, contraction = first.partition("'")
    if wh in _WH_WORDS and contraction:
        return 1  # "what's", "how'd"
    if first in _WH_WORDS and len(body) > 1:
        if body[1] in _WH_FOLLOWERS:
            return 2
        # "which database would you choose": an auxiliary then its subject, soon after;
        # a subject before the auxiliary makes a clause ("where I was, I ...").
        for position in range(1, min(len(body) - 1, 5)):
            if body[position] in _QUESTION_SUBJECTS:
                break
            if body[position] in _AUXILIARIES and body[position + 1] in _QUESTION_SUBJECTS:
                return position + 2
    return 0


def _mentions_second_person(words: tuple[str, ...]) -> bool:
    for position, word in enumerate(words):
        if word not in _SECOND_PERSON:
            continue
        following = words[position + 1] if position + 1 < len(words) else ""
        if word == "you" and following in {"know", "see"}:
            continue  # "you know", "you see": fillers, not an address
        return True
    return False


def _is_tag(text: str, words: tuple[str, ...]) -> bool:
    """A confirmation tag such as "right?" or "..., you know?" rather than a question."""
    if not text.rstrip(_CLOSERS).endswith("?"):
        return False
    last_clause = words_of(text.rsplit(",", 1)[-1])
    return last_clause in _TAGS or words in _TAGS


def _confirms_something_of_you(text: str, second_person: bool) -> bool:
    """A statement about the other with a confirming tag: "You were there in 1985, correct?"."""
    return second_person and is_confirming_tag(words_of(text.rsplit(",", 1)[-1]))


def _asks_for_something(words: tuple[str, ...]) -> bool:
    """A request to the listener anywhere in the sentence: "..., and give me a snapshot"."""
    return any(
        _has_at(words, position, phrase)
        for position in range(len(words))
        for phrase in _IMPERATIVE_OPENERS
        if len(phrase) > 1
    )


def _is_acknowledgement(words: tuple[str, ...]) -> bool:
    return (
        0 < len(words) <= 6
        and all(word in _ACK_WORDS for word in words)
        and any(word in _ACK_CORE for word in words)
    )


def _starts_with(words: tuple[str, ...], phrases: tuple[tuple[str, ...], ...]) -> bool:
    return any(_has_at(words, 0, phrase) for phrase in phrases)


def _has_at(words: tuple[str, ...], position: int, phrase: tuple[str, ...]) -> bool:
    return words[position : position + len(phrase)] == phrase


# Categories in priority order; a trailing "*" matches any word starting with the stem.
_CATEGORY_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("closing", ("any questions for", "questions for me", "questions for us",
                 "what questions do you have", "anything else", "anything you'd like to ask",
                 "anything you would like to ask")),
    ("behavioral", ("tell me about a time", "describe a situation", "describe a time",
                    "an example of a time", "a time when", "a time you", "a situation where",
                    "a situation when")),
    ("motivation", ("why do you want", "why this", "why our", "why us", "why here",
                    "why are you interested", "why did you apply", "interest", "interests",
                    "interested", "motivat*", "what drew you", "attracts you", "excites you",
                    "passionate")),
    ("background", ("walk me through your", "your background", "your experience", "resume",
                    "résumé", "cv", "tell me about yourself", "introduce yourself",
                    "your career", "your current role", "your previous role", "your last role",
                    "your last job", "your current job", "your previous job")),
    ("strengths", ("strength*", "weakness*")),
    ("behavioral", ("conflict*", "challenge*", "mistake*", "failure*", "failed", "disagree*",
                    "difficult", "under pressure", "deadline*")),
    ("teamwork", ("team*", "collaborat*", "colleague*", "coworker*", "co-worker*")),
    ("technical", ("design*", "implement*", "algorithm*", "database*", "system*", "code",
                   "coding", "debug*", "scale", "scaling", "scalab*", "complexity", "api",
                   "apis", "architect*", "data structure*", "performance", "latency", "cach*",
                   "sql", "test*", "deploy*", "server*", "thread*", "process", "processes",
                   "memory", "network*", "protocol*", "hash*", "queue*", "concurren*",
                   "deadlock*", "browser*", "query", "queries", "index*", "function*",
                   "class", "classes", "leak*", "bug*", "slow", "web", "rate limit*",
                   "background job*", "runs only once", "idempoten*", "retr*")),
)  # fmt: skip
# Questions any interview could ask, whatever the role.
_GENERIC_PHRASES = (
    "tell me about yourself", "introduce yourself", "describe yourself",
    "walk me through your resume", "walk me through your background",
    "walk me through your cv", "your greatest strength", "your biggest strength",
    "your strengths", "your greatest weakness", "your biggest weakness", "your weaknesses",
    "strengths and weaknesses", "why do you want to work", "why do you want to join",
    "why do you want this", "why are you interested in this", "why should we hire you",
    "where do you see yourself", "any questions for", "questions for me", "questions for us",
    "what questions do you have", "a time you failed", "a time when you failed",
    "a time you made a mistake", "a mistake you made", "your biggest failure",
    "your greatest failure", "a failure", "a conflict", "a disagreement", "handle conflict",
    "deal with conflict", "why are you leaving", "why did you leave", "what motivates you",
    "salary expectations", "greatest achievement", "proudest", "why this company",
    "why our company", "what do you know about us", "what do you know about our company",
)  # fmt: skip


def question_category(text: str) -> str:
    """The first category whose keywords occur in `text`, else "general".

    Categories: closing, behavioral, motivation, background, strengths, teamwork, technical.
    """
    padded = f" {' '.join(words_of(text))} "
    for category, keywords in _CATEGORY_RULES:
        if any(_occurs(padded, keyword) for keyword in keywords):
            return category
    return "general"


def is_generic_question(text: str) -> bool:
    """Whether `text` is a question any interview could ask (strengths, "why us", ...)."""
    padded = f" {' '.join(words_of(text))} "
    return any(f" {phrase} " in padded for phrase in _GENERIC_PHRASES)


def _occurs(padded: str, keyword: str) -> bool:
    if keyword.endswith("*"):
        return f" {keyword[:-1]}" in padded
    return f" {keyword} " in padded
