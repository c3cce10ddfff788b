"""The review page: one self-contained HTML file that plays an interview beside its questions."""

from adapters.review_page.page import ReviewPage, render_review_page, video_url_from

__all__ = ["ReviewPage", "render_review_page", "video_url_from"]
