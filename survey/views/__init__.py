"""Answering the questionnaire: through a personal link (/enquete/<token>/) or the open link. The link's
checks and welcome page in `visits`, the questionnaire's pages in `steps`, the review and the send in
`sending`, the open link in `signing_up`."""

from survey.views.sending import review
from survey.views.signing_up import open_link, open_link_sent
from survey.views.steps import remove_tool, step
from survey.views.visits import welcome

__all__ = ["open_link", "open_link_sent", "remove_tool", "review", "step", "welcome"]
