from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEntryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    actor: str
    action: str
    target_type: str
    target_id: str | None
    detail: dict[str, Any]
    created_at: datetime
    prev_hash: str
    hash: str
