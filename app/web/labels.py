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
    "open": N_("Open"),
    "closed": N_("Closed"),
    "finalized": N_("Finalized"),
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
    429: N_("Too many attempts"),
}
