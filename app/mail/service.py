"""Queueing mails: composed in the recipient's language and written to the outbox in the
caller's transaction, so a mail exists exactly when the action that sends it committed."""

import re
from dataclasses import dataclass
from email.utils import make_msgid, parseaddr
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from app.mail.compose import compose
from app.outbox import service as outbox
from app.outbox.models import OutboxMessage

KIND = "mail"
LINK = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Mailer:
    """What every mail needs to know: where links point and who sends."""

    public_url: str
    sender: str
    max_attempts: int

    def link(self, path: str, **query: str) -> str:
        return f"{self.public_url.rstrip('/')}{path}?{urlencode(query)}"

    def queue(
        self, session: Session, *, to: str, lang: str, template: str, **context: Any
    ) -> OutboxMessage:
        mail = compose(template, lang, **context)
        domain = parseaddr(self.sender)[1].rpartition("@")[2] or "localhost"
        payload = {
            "from": self.sender,
            "to": to,
            "subject": mail.subject,
            "text": mail.text,
            "html": mail.html,
            "lang": lang,
            "template": template,
            # The same Message-ID on every attempt lets a receiver drop a duplicate.
            "message_id": make_msgid("consulta", domain=domain),
            "links": LINK.findall(mail.text),
        }
        return outbox.enqueue(
            session,
            kind=KIND,
            target=to,
            summary=mail.subject,
            payload=payload,
            max_attempts=self.max_attempts,
        )
