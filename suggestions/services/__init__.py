"""Writes of the suggestion loop: one function per step, each locking, checking, recording and notifying.

Split by sub-domain: intake (draft → registered), assignment (units accept or ask to re-route), handling
(contacts, co-handling opinions, extensions, answers) and closing (rating, close, revisit, archive, priority,
publication). Import from here; the modules are an internal arrangement.
"""

from suggestions.services.assignment import (
    assignment_accept,
    assignment_decide_reroute,
    assignment_request_reroute,
    suggestion_assign,
    suggestions_assign_bulk,
)
from suggestions.services.closing import (
    suggestion_archive,
    suggestion_close,
    suggestion_prioritize,
    suggestion_publish,
    suggestion_rate,
    suggestion_revisit,
    suggestion_settle_round,
    suggestions_settle_lapsed_rounds,
)
from suggestions.services.handling import (
    co_opinion_send,
    contact_log,
    extension_decide,
    extension_request,
    suggestion_answer,
)
from suggestions.services.intake import (
    suggestion_attach,
    suggestion_cosign,
    suggestion_create,
    suggestion_register,
    suggestion_reject,
    suggestion_submit,
    suggestion_update_draft,
    suggestion_withdraw,
)
from suggestions.services.uploads import validate_upload

__all__ = [
    "assignment_accept",
    "assignment_decide_reroute",
    "assignment_request_reroute",
    "co_opinion_send",
    "contact_log",
    "extension_decide",
    "extension_request",
    "suggestion_answer",
    "suggestion_archive",
    "suggestion_assign",
    "suggestion_attach",
    "suggestion_close",
    "suggestion_cosign",
    "suggestion_create",
    "suggestion_prioritize",
    "suggestion_publish",
    "suggestion_rate",
    "suggestion_register",
    "suggestion_reject",
    "suggestion_revisit",
    "suggestion_settle_round",
    "suggestion_submit",
    "suggestion_update_draft",
    "suggestion_withdraw",
    "suggestions_assign_bulk",
    "suggestions_settle_lapsed_rounds",
    "validate_upload",
]
