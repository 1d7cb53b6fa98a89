"""The sentences the services say (problem details, the agenda's checks and advice, rule
errors), as message templates for the catalogues.

The services keep writing plain English sentences (a domain error's `detail`, a check's
`message`), so that logs, the audit and every existing caller stay as they are. Each sentence
has its template here, with its variable parts as named placeholders; `app.web.i18n.localize`
recognises a sentence by its template and says it in another language, its variable parts (a
slug, a title, a name) kept. `tests/test_messages.py` checks that every sentence the code raises
has its template here. Marked with `N_` for extraction (`python -m app.web.catalogues`).
"""


def N_(message: str) -> str:  # noqa: N802 (gettext's conventional marker name)
    return message


def NC_(context: str, message: str) -> str:  # noqa: N802 (as N_, with pgettext's context)
    return message


MESSAGES: tuple[str, ...] = (
    # Not found, forbidden, sign-in
    N_("No consultation '%(slug)s'."),
    N_("No consultation '%(slug)s' to copy topics from."),
    N_("No topic %(id)s in this consultation."),
    N_("No session %(id)s in this agenda."),
    N_("No committee member %(id)s on this consultation."),
    N_("No personal access token %(id)s."),
    N_("No such page."),
    N_("Not Found"),
    N_("Method Not Allowed"),
    N_("Sign in to do this."),
    N_("Sign in to take part."),
    N_("Sign in to get your own order of topics."),
    N_("The access token is invalid, expired or revoked."),
    N_("Only an administrator can do this."),
    N_("Only an administrator can create a consultation."),
    N_("Only this consultation's program committee or an admin can do this."),
    N_("Confirm your email address first: open the link we mailed you."),
    N_("This token lacks the scope this call needs: %(scopes)s."),
    N_(
        "This call needs a token with all of the account's powers (sign in with your "
        "password), not a personal access token."
    ),
    N_("This form has expired or did not come from this site. Reload the page and retry."),
    N_("The agenda is published when the consultation is finalized."),
    N_("Results are public once the consultation is closed."),
    N_("The anonymised ballots are published once the consultation closes."),
    # States and conflicts
    N_("Cannot %(move)s a consultation that is %(state)s (%(hint)s)."),
    N_("allowed from %(state)s: %(moves)s"),
    N_("it is final"),
    N_("A finalized consultation cannot be changed."),
    N_("The rules freeze once the consultation opens: %(fields)s."),
    N_("Topics can only change while the consultation is a draft."),
    N_("Add at least one topic before opening the consultation."),
    N_("The agenda is finalized and can no longer change."),
    N_("Sessions come from the ranking once the consultation is closed."),
    N_("The agenda has %(count)s blocking problem(s)."),
    N_(
        "Topics tied at rank %(rank)s straddle the cut at %(top)s: %(titles)s. Choose with "
        "include_ties, another method or another size."
    ),
    N_("Ratings are accepted only while the consultation is open; it is %(state)s."),
    N_("Ratings can be imported while the consultation is open or closed; it is %(state)s."),
    N_("Ratings were accepted until %(when)s."),
    N_("Too many concurrent changes; try again."),
    N_("The change conflicts with the current state; reload and retry."),
    N_("The slug '%(slug)s' is taken."),
    N_("A topic titled '%(title)s' already exists."),
    N_("A topic with this title already exists."),
    N_("The seat was taken at the same moment; try again."),
    N_("An account with this email already exists."),
    N_("Your email address is already verified."),
    N_("This person already holds or is invited to a seat on this committee."),
    N_("The %(group)s group already has its %(count)s seats."),
    N_("An account holds at most %(count)s personal access tokens; revoke one first."),
    # Invalid values
    N_("The request has invalid values."),
    N_("The request body is not valid JSON."),
    N_("The request body must be JSON, sent with Content-Type: application/json."),
    N_("A value cannot be stored (it has a NUL character or is out of range)."),
    N_("%(field)s cannot be null."),
    N_("The score must be a whole number from %(low)s to %(high)s."),
    N_("Topics rated more than once: %(ids)s."),
    N_("The session must fall within the event's dates, %(first)s to %(last)s (%(zone)s)."),
    N_("The new order must name every %(what)s once."),
    N_("Committee seats are for the four committee groups: %(groups)s."),
    N_("Unknown scoring method '%(method)s'; one of: %(methods)s."),
    # The schemas' rule errors, as the services repeat them for a whole change
    N_("scale_min must be less than scale_max"),
    N_("a scale has at most %(count)s levels"),
    N_("scale_labels needs exactly one label per level"),
    N_("ends_on must not be before starts_on"),
    N_("an event lasts at most %(count)s days"),
    N_("The password must not be your email address."),
    N_("The current password is wrong."),
    N_("This link is unknown, already used or expired; ask for a new one."),
    N_("This invitation is unknown, already used or expired."),
    N_("This setup link is used, replaced or no longer needed."),
    N_("This setup link was just used."),
    # Throttling and availability
    N_("Too many failed sign-in attempts; try again later."),
    N_("Too many requests from this address; try again later."),
    N_("The database is busy or unreachable; nothing was changed. Retry soon."),
    N_("An unexpected error occurred; it has been logged."),
    # The agenda's checks (blocking problems and advice)
    N_("The agenda has no session."),
    N_("'%(title)s' has no moderator."),
    N_("'%(title)s' has no panelists."),
    N_("'%(title)s' is outside the event's dates (%(first)s to %(last)s)."),
    N_("%(name)s is in two sessions at the same time: '%(first)s' and '%(second)s'."),
    N_("'%(first)s' and '%(second)s' are on the same topic at the same time."),
    # The call for topics (proposals)
    N_("No proposal %(id)s in this consultation."),
    N_("Sign in to see your own proposals."),
    N_("Topics are proposed only during the call for topics; the consultation is %(state)s."),
    N_("You have made the %(count)s proposals one participant may make here."),
    N_("Only its proposer can edit a proposal."),
    N_("The proposal was %(status)s; it can no longer change."),
    N_("The proposal was %(status)s; it takes no more support."),
    N_("Your own proposal counts you already; support someone else's."),
    N_("You support this proposal already."),
    N_("You do not support this proposal."),
    N_("The proposal was %(status)s; its support is on record."),
    N_("Proposals are decided before the rating opens; the consultation is %(state)s."),
    N_("Proposal %(id)s was %(status)s already."),
    N_("A proposal cannot be merged into itself."),
    N_("Proposal %(id)s is merged into this one: that would be a cycle."),
    N_("Proposal %(id)s was %(status)s: merge into one that is submitted or accepted."),
    N_("Tick at least one proposal."),
    N_("Give the reason for the rejection."),
    N_("Choose accept or reject."),
    N_("Choose the proposal or topic to merge into."),
    # Webhooks
    N_("Only an administrator can manage webhooks."),
    N_("No webhook %(id)s."),
    N_("At most %(count)s webhooks can be registered; remove one first."),
)

# The words a sentence names a state, a lifecycle move or a proposal's status with ("a
# consultation that is %(state)s"), by the placeholder that holds them: said in the reader's
# language through the catalogue, under the context that tells the state "open" from the move
# "open". A placeholder of moves holds a list ("close, reopen").
STATE, MOVE, STATUS = "consultation state", "lifecycle move", "proposal status"
PLACEHOLDER_WORDS: dict[str, str] = {"state": STATE, "move": MOVE, "moves": MOVE, "status": STATUS}
WORDS: dict[str, tuple[str, ...]] = {
    STATE: (
        NC_("consultation state", "draft"),
        NC_("consultation state", "proposals"),
        NC_("consultation state", "open"),
        NC_("consultation state", "closed"),
        NC_("consultation state", "finalized"),
    ),
    MOVE: (
        NC_("lifecycle move", "open the call for topics of"),
        NC_("lifecycle move", "open_proposals"),
        NC_("lifecycle move", "open"),
        NC_("lifecycle move", "close"),
        NC_("lifecycle move", "reopen"),
        NC_("lifecycle move", "finalize"),
    ),
    STATUS: (
        NC_("proposal status", "submitted"),
        NC_("proposal status", "accepted"),
        NC_("proposal status", "rejected"),
        NC_("proposal status", "merged"),
    ),
}

# The default rating scales: a consultation whose labels are exactly one of these shows them
# in the reader's language (labels of one's own are shown as written).
DEFAULT_SCALES: tuple[tuple[str, ...], ...] = (
    (
        N_("Not relevant"),
        N_("Slightly relevant"),
        N_("Relevant"),
        N_("Very relevant"),
        N_("Essential"),
    ),
    (N_("Not relevant"), N_("Slightly"), N_("Relevant"), N_("Very"), N_("Essential")),
)
