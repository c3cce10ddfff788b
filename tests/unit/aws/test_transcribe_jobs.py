"""Transcribe job names, keys, locations and failure reasons: pure functions, no I/O."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.aws.transcribe_jobs import (
    attempt_of,
    generation_token,
    is_media_failure,
    is_service_failure,
    job_name,
    job_token,
    media_format,
    normalise_key_prefix,
    split_s3_location,
    transcript_location,
)

NAME_RULE = re.compile(r"[0-9a-zA-Z._-]{1,200}")
UUID = "0b9f3a52-5d0e-4a57-9a53-3c1f6a9d2b7e"
ids = st.text(min_size=1, max_size=400)


def test_a_uuid_is_its_own_token() -> None:
    assert job_token(UUID) == UUID
    assert job_name(job_token(UUID)) == f"interview-{UUID}"
    assert job_name(job_token(UUID), 3) == f"interview-{UUID}-r3"


@given(ids)
def test_every_id_gives_a_valid_name_even_for_late_attempts(job_id: str) -> None:
    token = job_token(job_id)
    assert NAME_RULE.fullmatch(job_name(token, 99))
    assert not token.startswith((".", "-"))
    assert job_token(job_id) == token


@given(ids, ids)
def test_distinct_ids_never_share_a_token(first: str, second: str) -> None:
    if first != second:
        assert job_token(first) != job_token(second)


@given(ids, st.integers(min_value=1, max_value=50))
def test_a_name_is_recognised_as_its_own_attempt_only(job_id: str, attempt: int) -> None:
    token = job_token(job_id)
    assert attempt_of(token, job_name(token, attempt)) == attempt
    assert attempt_of(token, job_name(token, attempt) + "0") in (None, attempt * 10)
    assert attempt_of(token + "x", job_name(token, attempt)) is None


def test_an_id_that_looks_like_a_retry_cannot_collide_with_one() -> None:
    retry_of_uuid = job_name(job_token(UUID), 2)
    assert job_name(job_token(f"{UUID}-r2")) != retry_of_uuid
    assert attempt_of(job_token(UUID), f"interview-{UUID}-r02") is None
    assert attempt_of(job_token(UUID), f"interview-{UUID}-r1") is None


def test_generation_zero_keeps_the_names_jobs_had_before_generations() -> None:
    token = job_token(UUID)
    assert generation_token(token, 0) == UUID
    assert job_name(generation_token(token, 0), 2) == f"interview-{UUID}-r2"
    assert job_name(generation_token(token, 1)) == f"interview-{UUID}-g1"
    assert job_name(generation_token(token, 12), 3) == f"interview-{UUID}-g12-r3"


@given(
    st.tuples(ids, st.integers(0, 10**6), st.integers(1, 50)),
    st.tuples(ids, st.integers(0, 10**6), st.integers(1, 50)),
)
def test_distinct_ids_generations_and_attempts_never_share_a_name(
    first: tuple[str, int, int], second: tuple[str, int, int]
) -> None:
    def name(job_id: str, generation: int, attempt: int) -> str:
        return job_name(generation_token(job_token(job_id), generation), attempt)

    assert NAME_RULE.fullmatch(name(*first))
    if first != second:
        assert name(*first) != name(*second)


@pytest.mark.parametrize("job_id", [f"{UUID}-g1", f"{UUID}-g1-r2", "x-g0"])
def test_an_id_that_looks_like_a_later_generation_is_hashed(job_id: str) -> None:
    assert job_token(job_id) != job_id
    assert job_name(job_token(job_id)) != job_name(generation_token(job_token(UUID), 1))


@given(ids, st.integers(0, 1000), st.integers(1, 50))
def test_a_name_counts_only_as_an_attempt_of_its_own_generation(
    job_id: str, generation: int, attempt: int
) -> None:
    token = job_token(job_id)
    own = generation_token(token, generation)
    name = job_name(own, attempt)
    assert attempt_of(own, name) == attempt
    for other in (generation + 1, generation * 10 + 1):
        assert attempt_of(generation_token(token, other), name) is None


@pytest.mark.parametrize("generation", [-1, True, 1.5, "1"])
def test_a_generation_that_is_not_a_count_is_refused(generation: object) -> None:
    with pytest.raises(ValueError, match="generation"):
        generation_token(UUID, generation)  # type: ignore[arg-type]


def test_an_empty_id_is_refused() -> None:
    with pytest.raises(ValueError):
        job_token("")


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [("transcribe/", "transcribe/"), ("a/b", "a/b/"), ("", ""), ("x_(1)!*'.-/", "x_(1)!*'.-/")],
)
def test_key_prefixes_are_normalised(prefix: str, expected: str) -> None:
    assert normalise_key_prefix(prefix) == expected


@pytest.mark.parametrize("prefix", ["/abs/", "a//b/", "../x/", "a/./b/", "sp ace/", "é/"])
def test_key_prefixes_transcribe_would_refuse_are_refused(prefix: str) -> None:
    with pytest.raises(ValueError):
        normalise_key_prefix(prefix)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.flac", "flac"), ("A.M4A", "m4a"), ("x/y.webm", "webm"), ("a.mov", None), ("a", None)],
)
def test_media_formats_come_from_the_extension(name: str, fmt: str | None) -> None:
    assert media_format(name) == fmt


@pytest.mark.parametrize(
    ("uri", "location"),
    [
        (
            "https://s3.us-east-1.amazonaws.com/my-bucket/t/x/transcript.json",
            ("my-bucket", "t/x/transcript.json"),
        ),
        ("https://s3.amazonaws.com/my-bucket/a%20b.json", ("my-bucket", "a b.json")),
        ("https://my-bucket.s3.eu-west-1.amazonaws.com/k.json", ("my-bucket", "k.json")),
        ("s3://my-bucket/k.json", ("my-bucket", "k.json")),
        ("https://example.com/my-bucket/k.json", None),
        ("https://s3.us-east-1.amazonaws.com/my-bucket", None),
        ("", None),
    ],
)
def test_transcript_locations_are_read_from_the_uris_transcribe_reports(
    uri: str, location: tuple[str, str] | None
) -> None:
    assert transcript_location(uri) == location


def test_stored_locations_are_split_into_bucket_and_key() -> None:
    assert split_s3_location("s3://videos-1/a/b.mp4", "ours") == ("videos-1", "a/b.mp4")
    assert split_s3_location("a/b.mp4", "ours") == ("ours", "a/b.mp4")
    for bad in ("s3://UPPER/a.mp4", "s3://b/", "s3://ok-bucket"):
        with pytest.raises(ValueError):
            split_s3_location(bad, "ours")


@pytest.mark.parametrize(
    "reason",
    [
        "Unsupported media format",
        "The media format provided does not match the detected media format",
        "Invalid sample rate for audio file",
        "The sample rate provided does not match the detected sample rate",
        "Invalid file size: file size too large",
        "Invalid number of channels: number of channels too large",
    ],
)
def test_the_documented_media_failures_are_recognised(reason: str) -> None:
    assert is_media_failure(reason)


@pytest.mark.parametrize(
    "reason", ["Internal failure. Please try your request again.", "no reason given", ""]
)
def test_other_failures_are_not_blamed_on_the_media(reason: str) -> None:
    assert not is_media_failure(reason)


@pytest.mark.parametrize(
    "reason",
    [
        "Internal failure. Please try your request again.",
        "An internal error occurred.",
        "The service is temporarily unavailable.",
        "The request timed out.",
    ],
)
def test_failures_of_the_service_itself_are_recognised(reason: str) -> None:
    assert is_service_failure(reason)


@pytest.mark.parametrize(
    "reason",
    [
        "Invalid sample rate for audio file",
        "Unsupported media format",
        "The S3 URI that you provided can't be accessed. Make sure that you have read "
        "permission and try your request again.",
        "Invalid sample rate for audio file. Please try your request again.",
        "no reason given",
        "",
    ],
)
def test_other_failures_are_not_blamed_on_the_service(reason: str) -> None:
    assert not is_service_failure(reason)


@pytest.mark.parametrize("job_id", ["-", "-abc", ".abc"])
def test_an_id_starting_with_a_dot_or_hyphen_is_hashed(job_id: str) -> None:
    token = job_token(job_id)
    assert not token.startswith((".", "-"))
    assert token != job_id
