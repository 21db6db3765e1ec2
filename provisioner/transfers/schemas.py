"""Shapes of a transfer."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field

from provisioner.schemas import Input, whole_number

AccountId = Annotated[int, BeforeValidator(whole_number)]  # 42 or 42.0, as JSON allows; never "42"


class TransferIn(Input):
    to_account_id: AccountId = Field(ge=1, le=2**63 - 1, description="the firm's account that takes everything over")


class TransferOut(Input):
    from_account_id: int
    to_account_id: int
    mandates: int
    establishments: int
    profiles: int
