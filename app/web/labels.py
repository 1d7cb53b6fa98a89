"""English names of the stored vocabulary values, marked for translation (shown with _())."""

from app.web.i18n import N_

GROUPS: dict[str, str] = {
    "government": N_("Government"),
    "private_sector": N_("Private sector"),
    "civil_society": N_("Civil society"),
    "technical_community": N_("Technical community"),
    "academia": N_("Academia"),
    "other": N_("Other"),
}

STATES: dict[str, str] = {
    "draft": N_("Draft"),
    "proposals": N_("Call for topics"),
    "open": N_("Open"),
    "closed": N_("Closed"),
    "finalized": N_("Finalized"),
}

PROPOSAL_STATUSES: dict[str, str] = {
    "submitted": N_("Submitted"),
    "accepted": N_("Accepted"),
    "rejected": N_("Rejected"),
    "merged": N_("Merged"),
}

FORMATS: dict[str, str] = {
    "panel": N_("Panel"),
    "roundtable": N_("Roundtable"),
    "case_presentations": N_("Case presentations"),
    "multisectoral_panel": N_("Multisectoral panel"),
    "keynote": N_("Keynote"),
    "other": N_("Other format"),
}

ROLES: dict[str, str] = {
    "moderator": N_("Moderator"),
    "panelist": N_("Panelist"),
    "rapporteur": N_("Rapporteur"),
    "remote_moderator": N_("Remote moderator"),
}

# The plural headings of the agenda, one per role, in the order people are listed.
ROLE_HEADINGS: dict[str, str] = {
    "moderator": N_("Moderation"),
    "panelist": N_("Panelists"),
    "rapporteur": N_("Rapporteurs"),
    "remote_moderator": N_("Remote moderation"),
}

ERROR_TITLES: dict[int, str] = {
    400: N_("The request could not be understood"),
    401: N_("Please sign in"),
    403: N_("You may not do this"),
    404: N_("Page not found"),
    409: N_("This cannot be done now"),
    413: N_("The request is too large"),
    422: N_("Some values are not valid"),
    405: N_("This address does not take this request"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong on our side"),
    503: N_("The service is busy"),
}

# What a person can do about an error, where the error's own detail does not say.
ERROR_HINTS: dict[int, str] = {
    404: N_("The address may be mistyped, or what it pointed to is no longer here."),
    405: N_("Go back to the page with the form and send it from there."),
    500: N_("The error has been logged. Please try again in a moment."),
    503: N_("Nothing was changed. Please try again in a moment."),
}

# Success messages shown once on the page a form's redirect leads to.
FLASHES: dict[str, str] = {
    "consultation-created": N_(
        "The consultation is created as a draft. Add its topics, then open it."
    ),
    "settings-saved": N_("The settings are saved."),
    "topic-added": N_("The topic is added."),
    "topic-saved": N_("The topic is saved."),
    "topic-deleted": N_("The topic is deleted."),
    "topic-moved": N_("The new order of the topics is saved."),
    "opened": N_("The consultation is open: participants can rate the topics."),
    "closed": N_("The consultation is closed: ratings have stopped and the results are public."),
    "reopened": N_("The consultation is open again: participants can rate the topics."),
    "seated": N_("The member is seated on the program committee."),
    "invited": N_(
        "The seat is taken and an invitation was mailed: it links to the account once that "
        "address registers and confirms it."
    ),
    "unseated": N_("The member is unseated."),
    "session-added": N_("The session is added. Complete it below."),
    "session-deleted": N_("The session is deleted."),
    "session-moved": N_("The new order of the sessions is saved."),
    "finalized": N_("The agenda is finalized and published."),
    "admin-created": N_("Your administrator account is ready, and you are signed in."),
    "proposals-opened": N_("The call for topics is open: participants can propose topics."),
    "proposal-submitted": N_("Your proposal is submitted. The committee will review it."),
    "support-saved": N_("Your support is saved."),
    "proposals-decided": N_("The decision is saved and mailed to the proposers."),
}
