"""Use case: an operator's rerun of an interview, pending again with a new request."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from interview_core.entities import Interview
    from interview_core.ports import InterviewCatalog, RequestSender


class ReprocessInterview:
    """Reset the interview to pending in its next generation (refused while a worker holds
    it), then request it: the rerun keeps nothing of earlier attempts."""

    def __init__(self, catalog: InterviewCatalog, requests: RequestSender) -> None:
        self._catalog = catalog
        self._requests = requests

    def execute(self, interview_id: str) -> Interview:
        """The interview as reset. Raises InterviewNotFound or LeaseHeld with nothing
        changed, then what InterviewCatalog.reset_for_reprocess and
        RequestSender.send_request raise."""
        interview = self._catalog.reset_for_reprocess(interview_id)
        self._requests.send_request(interview_id)
        return interview
