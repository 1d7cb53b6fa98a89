"""Standard Webhooks signatures (https://www.standardwebhooks.com): pure functions.

A secret is `whsec_` followed by the base64 of its key bytes. A message is signed with
HMAC-SHA256 under those bytes over `{webhook-id}.{webhook-timestamp}.{body}`, and the
`webhook-signature` header carries `v1,` followed by the base64 of the digest."""

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
KEY_BYTES = 32


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def key_of(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX), validate=True)


def new_message_id() -> str:
    """A `webhook-id`: unique per message, the same on each of its attempts."""
    return "msg_" + secrets.token_urlsafe(18)


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header's value."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key_of(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }
