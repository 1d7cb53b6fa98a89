"""Opaque bearer tokens: 256 random bits handed out once, only their SHA-256 kept."""

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
