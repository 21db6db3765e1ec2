"""Shapes of a transfer."""

from __future__ import annotations

from pydantic import Field, StrictInt

from provisioner.schemas import Input


class TransferIn(Input):
    to_account_id: StrictInt = Field(ge=1, le=2**63 - 1, description="the firm's account that takes everything over")


class TransferOut(Input):
    from_account_id: int
    to_account_id: int
    mandates: int
    establishments: int
    profiles: int
