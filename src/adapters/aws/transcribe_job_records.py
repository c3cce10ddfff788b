"""TranscribeTranscriptionJobs: the Amazon Transcribe jobs an interview ran, deleted by name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from adapters.aws.errors import error_codes, error_message
from adapters.aws.transcribe_errors import transcribe_error
from adapters.aws.transcribe_jobs import attempt_of, generation_token, job_name, job_token
from interview_core.errors import TranscriptionUnavailable

if TYPE_CHECKING:
    from mypy_boto3_transcribe import TranscribeServiceClient

MAX_LIST_PAGES = 50
"""Pages of 100 jobs listed per interview: far more renewals than any interview starts."""


class TranscribeTranscriptionJobs:
    """TranscriptionJobs in Amazon Transcribe, named as TranscribeTranscriber names them:
    `interview-<token>` in generation 0, `interview-<token>-g<n>` after, each renewed as
    `-r<n>`. The jobs are found by ListTranscriptionJobs (JobNameContains the interview's
    first name) and each generation's first name is tried as well, listed or not; every one
    is deleted with DeleteTranscriptionJob. A job Transcribe says it cannot find is gone
    already. Deleting a job leaves its transcript in the bucket (S3InterviewFiles removes it).

    Errors: throttling, 5xx and timeouts, and a job Transcribe refuses to delete for another
    reason (one still running), TranscriptionUnavailable (transient: run the delete again);
    refused access ConfigurationError.
    """

    def __init__(self, client: TranscribeServiceClient) -> None:
        self._client = client

    def delete_jobs(self, job_id: str, generation: int) -> list[str]:
        """Delete the interview's jobs of generations 0 to `generation`; the names deleted.

        Raises ValueError for an empty id or a negative generation,
        TranscriptionUnavailable or ConfigurationError.
        """
        token = job_token(job_id)
        tokens = [generation_token(token, number) for number in range(generation + 1)]
        names = dict.fromkeys(job_name(each) for each in tokens)
        for listed in self._listed(job_name(token)):
            if any(attempt_of(each, listed) is not None for each in tokens):
                names[listed] = None
        return [name for name in sorted(names) if self._delete(name)]

    def _listed(self, contains: str) -> list[str]:
        request: dict[str, Any] = {"JobNameContains": contains, "MaxResults": 100}
        found: list[str] = []
        for _ in range(MAX_LIST_PAGES):
            try:
                page = self._client.list_transcription_jobs(**request)
            except (ClientError, BotoCoreError) as exc:
                raise _error(exc, "") from exc
            found.extend(
                str(summary.get("TranscriptionJobName", ""))
                for summary in page.get("TranscriptionJobSummaries", [])
            )
            if not page.get("NextToken"):
                break
            request["NextToken"] = page["NextToken"]
        return found

    def _delete(self, name: str) -> bool:
        """Delete the job `name`; False when Transcribe has no such job."""
        try:
            self._client.delete_transcription_job(TranscriptionJobName=name)
        except (ClientError, BotoCoreError) as exc:
            if _is_missing_job(exc):
                return False
            raise _error(exc, name) from exc
        return True


def _is_missing_job(exc: BaseException) -> bool:
    codes = error_codes(exc)
    message = error_message(exc).lower()
    return "NotFoundException" in codes or (
        "BadRequestException" in codes
        and ("couldn't be found" in message or "not found" in message)
    )


def _error(exc: BaseException, name: str) -> Exception:
    """The transcriber's translation, except that a refusal to delete is worth a retry."""
    error = transcribe_error(exc, name)
    if error_codes(exc) & {"BadRequestException", "ConflictException"}:
        return TranscriptionUnavailable(
            f"Amazon Transcribe would not delete job {name} now (still running?): "
            "run the delete again once it has finished"
        )
    return error
