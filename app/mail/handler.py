"""The outbox's handler for mails: SMTP when CONSULTA_SMTP_URL is set; otherwise each mail is
logged with its links and kept in the outbox (`consulta outbox` lists them)."""

import logging
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from app.mail import smtp
from app.outbox.delivery import Delivery, Handler, Outcome

log = logging.getLogger("consulta.mail")


def message(delivery: Delivery) -> EmailMessage:
    payload = delivery.payload
    mail = EmailMessage()
    mail["From"] = payload["from"]
    mail["To"] = payload["to"]
    mail["Subject"] = payload["subject"]
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = payload["message_id"]
    mail["Content-Language"] = payload["lang"]
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(payload["text"])
    mail.add_alternative(payload["html"], subtype="html")
    return mail


def smtp_handler(
    server: smtp.SmtpServer, *, timeout: float, context: ssl.SSLContext | None = None
) -> Handler:
    def deliver(delivery: Delivery) -> Outcome:
        outcome = smtp.send(server, message(delivery), timeout=timeout, context=context)
        if outcome.status == "sent":
            log.info("mail %s sent to %s via %s", delivery.id, delivery.target, server.describe())
        return outcome

    return deliver


def keep(delivery: Delivery) -> Outcome:
    links = " ".join(delivery.payload.get("links", []))
    log.info(
        "mail %s kept in the outbox (no CONSULTA_SMTP_URL): to %s, %r; links: %s",
        delivery.id,
        delivery.target,
        delivery.payload.get("subject"),
        links or "none",
    )
    return Outcome("kept", detail="no CONSULTA_SMTP_URL")
