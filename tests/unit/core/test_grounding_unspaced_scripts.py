"""Grounding in scripts written without spaces (Chinese, Japanese, Thai) and mixed with
English: the model's verbatim questions are kept where they were said, invented ones dropped.

The lines are as recognisers write them: whole clauses without spaces, a question often inside
a longer line ("well then, may I ask ..."), so matching by space-separated words finds nothing.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interview_core import transcript_index
from interview_core.entities import ExtractedQuestion, Segment, Transcript
from interview_core.grounding import ground_questions
from interview_core.transcript_index import TranscriptIndex, words_of


def _question(text: str, quote: str | None = None) -> ExtractedQuestion:
    return ExtractedQuestion(question=text, answer="An answer.", quote=quote)


CHINESE = Transcript(
    (
        Segment("你好，欢迎来参加今天的面试。", 0.0, 3.0, "interviewer"),
        Segment("好的那么请问你为什么想加入我们公司", 3.5, 7.0, "interviewer"),
        Segment("因为我很喜欢你们的产品", 7.5, 10.0, "candidate"),
        Segment("那你在上一份工作中遇到过最大的挑战是什么", 10.5, 14.0, "interviewer"),
        Segment("我们的系统需要迁移到云端", 14.5, 18.0, "candidate"),
    ),
    language="zh",
)

JAPANESE = Transcript(
    (
        Segment("本日はお越しいただきありがとうございます", 0.0, 3.0, "interviewer"),
        Segment("それではまず自己紹介をお願いします", 3.5, 6.0, "interviewer"),
        Segment("はい田中と申します前職ではエンジニアでした", 6.5, 10.0, "candidate"),
        Segment("では次になぜ弊社を志望されたのですか", 10.5, 13.0, "interviewer"),
        Segment("御社の製品を毎日使っているからです", 13.5, 16.0, "candidate"),
    ),
    language="ja",
)

THAI = Transcript(
    (
        Segment("สวัสดีครับยินดีต้อนรับ", 0.0, 3.0, "interviewer"),
        Segment("ก่อนอื่นช่วยแนะนำตัวเองหน่อยครับ", 3.5, 6.0, "interviewer"),
        Segment("ผมเป็นวิศวกรซอฟต์แวร์มาห้าปีครับ", 6.5, 10.0, "candidate"),
        Segment("แล้วทำไมคุณถึงอยากทำงานที่นี่ครับ", 10.5, 13.0, "interviewer"),
        Segment("เพราะผมชอบผลิตภัณฑ์ของบริษัทครับ", 13.5, 16.0, "candidate"),
    ),
    language="th",
)

MIXED = Transcript(
    (
        Segment("OK，那我们聊聊 technical 的部分", 0.0, 3.0, "interviewer"),
        Segment("你用过 Kubernetes 吗在 production 环境里", 3.5, 7.0, "interviewer"),
        Segment("用过，我们有三个 cluster", 7.5, 10.0, "candidate"),
        Segment("Tell me about your experience with Kafka.", 10.5, 13.0, "interviewer"),
        Segment("We used it for event sourcing.", 13.5, 16.0, "candidate"),
    ),
    language="zh",
)

CASES = {
    "zh": (
        CHINESE,
        [
            (_question("你为什么想加入我们公司？", quote="请问你为什么想加入我们公司"), (3.5, 7.0)),
            (_question("你在上一份工作中遇到过最大的挑战是什么？"), (10.5, 14.0)),
        ],
        [
            _question("你对加班有什么看法？", quote="你对加班有什么看法"),
            _question("你的期望薪资是多少？"),
        ],
    ),
    "ja": (
        JAPANESE,
        [
            (_question("自己紹介をお願いします。", quote="自己紹介をお願いします"), (3.5, 6.0)),
            (_question("なぜ弊社を志望されたのですか？"), (10.5, 13.0)),
        ],
        [
            _question("あなたの長所と短所を教えてください。", quote="長所と短所を教えてください"),
            _question("五年後の自分をどう考えていますか？"),
        ],
    ),
    "th": (
        THAI,
        [
            (_question("ช่วยแนะนำตัวเองหน่อย", quote="แนะนำตัวเอง"), (3.5, 6.0)),
            (_question("ทำไมคุณถึงอยากทำงานที่นี่"), (10.5, 13.0)),
        ],
        [
            _question("คุณมีจุดอ่อนอะไรบ้าง", quote="คุณมีจุดอ่อนอะไรบ้าง"),
            _question("คุณคาดหวังเงินเดือนเท่าไหร่"),
        ],
    ),
    "mixed": (
        MIXED,
        [
            (_question("你用过 Kubernetes 吗？", quote="你用过Kubernetes吗"), (3.5, 7.0)),
            (_question("Tell me about your experience with Kafka."), (10.5, 13.0)),
        ],
        [
            _question("你用过 Terraform 吗？"),
            _question("Tell me about your experience with Cassandra clusters."),
        ],
    ),
}


@pytest.mark.parametrize("language", CASES)
def test_verbatim_questions_are_kept_where_said_and_invented_ones_dropped(language: str) -> None:
    transcript, asked, invented = CASES[language]
    questions = [invented[0], asked[0][0], invented[1], asked[1][0]]

    grounded = ground_questions(questions, transcript)

    assert [q.question for q in grounded.kept] == [q.question for q, _ in asked]
    assert [(q.start_time, q.end_time) for q in grounded.kept] == [span for _, span in asked]
    assert grounded.dropped == 2


def test_unspaced_scripts_are_matched_by_characters_and_other_words_whole() -> None:
    assert words_of("请问你为什么") == ["请", "问", "你", "为", "什", "么"]
    assert words_of("自己紹介ＯＫ、Python３") == ["自", "己", "紹", "介", "ok", "python3"]
    assert words_of("แนะนำ") == ["แ", "น", "ะ", "น", "\u0e4d", "า"]  # NFKC splits SARA AM
    assert words_of("Why do you want to work here?") == "why do you want to work here".split()
    index = TranscriptIndex.of(MIXED.segments)
    assert index.locate("kubernetes") == (3.5, 7.0)
    assert index.locate("kuber") is None  # whole words still, in a line of characters


def test_a_long_quote_is_found_by_its_first_sixteen_characters() -> None:
    index = TranscriptIndex.of(CHINESE.segments)
    quote = "那你在上一份工作中遇到过最大的挑战是什么以及你是怎么解决的"

    assert transcript_index.prefix_of(words_of(quote)) == words_of(quote)[:16]
    assert index.locate(quote) == (10.5, 14.0)
    assert transcript_index.prefix_of(words_of("one two three four five six seven eight nine")) == (
        "one two three four five six seven eight".split()
    )


@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=80))
def test_ascii_text_is_cut_into_words_as_before(text: str) -> None:
    assert words_of(text) == re.findall(r"\w+", text.lower())
