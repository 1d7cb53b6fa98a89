"""Checking a delivery's signature twice over: with the Standard Webhooks reference library
(`standardwebhooks`, from PyPI) and with the specification's algorithm written out here."""

import base64
import hashlib
import hmac
import json
from typing import Any

from standardwebhooks.webhooks import Webhook as ReferenceVerifier

from tests.webhook_receiver import Received


def expected_signature(secret: str, message_id: str, timestamp: str, body: bytes) -> str:
    """From the specification: HMAC-SHA256 keyed with the base64-decoded secret (after
    `whsec_`) over `{id}.{timestamp}.{body}`, base64, after `v1,`."""
    key = base64.b64decode(secret.split("_", 1)[1])
    signed = message_id.encode() + b"." + timestamp.encode() + b"." + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def verified(secret: str, request: Received) -> dict[str, Any]:
    """The delivery's body, once both verifiers accept it."""
    headers = {
        name: request.headers[name]
        for name in ("webhook-id", "webhook-timestamp", "webhook-signature")
    }
    reference: dict[str, Any] = ReferenceVerifier(secret).verify(request.body, headers)
    expected = expected_signature(
        secret, headers["webhook-id"], headers["webhook-timestamp"], request.body
    )
    assert expected in headers["webhook-signature"].split(" ")
    ours: dict[str, Any] = json.loads(request.body)
    assert ours == reference
    return ours
