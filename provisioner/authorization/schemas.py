"""The shapes of the authorization API: those of the OpenID AuthZEN Authorization API 1.0
(subject, resource, action, context; one evaluation or a batch with defaults), restricted to
what this portal decides about: a user (its Keycloak ``sub``), an establishment (its legal
identifier), a teleprocedure (its code)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from provisioner.catalogue.schemas import CODE_PATTERN
from provisioner.schemas import Input

SUBJECT_ID = Field(
    pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$", description="the user's Keycloak id: the `sub` of its tokens"
)
RESOURCE_ID = Field(
    pattern=r"^[A-Za-z0-9 .\-]{1,32}$", description="the establishment's legal identifier (SIRET, UID…), as typed"
)
ACTION_NAME = Field(pattern=CODE_PATTERN, description="a teleprocedure code of the portal (DSN, DPAE…)")


class Subject(Input):
    type: Literal["user"]
    id: str = SUBJECT_ID
    properties: dict[str, Any] | None = None


class Resource(Input):
    type: Literal["establishment"]
    id: str = RESOURCE_ID
    properties: dict[str, Any] | None = None


class Action(Input):
    name: str = ACTION_NAME
    properties: dict[str, Any] | None = None


class EvaluationIn(Input):
    """``POST /access/v1/evaluation``: may ``subject`` do ``action`` on ``resource``?"""

    subject: Subject
    resource: Resource
    action: Action
    context: dict[str, Any] | None = None


class OneOfMany(Input):
    """One evaluation of a batch: what it does not say, the batch's defaults say."""

    subject: Subject | None = None
    resource: Resource | None = None
    action: Action | None = None
    context: dict[str, Any] | None = None


class Options(Input):
    evaluations_semantic: Literal["execute_all", "deny_on_first_deny", "permit_on_first_permit"] = "execute_all"


MAX_EVALUATIONS = 500


class EvaluationsIn(Input):
    """``POST /access/v1/evaluations``: many evaluations, each completed by the defaults given
    here (``subject``, ``resource``, ``action``, ``context``)."""

    subject: Subject | None = None
    resource: Resource | None = None
    action: Action | None = None
    context: dict[str, Any] | None = None
    evaluations: list[OneOfMany] = Field(min_length=1, max_length=MAX_EVALUATIONS)
    options: Options = Options()

    @model_validator(mode="after")
    def _complete(self) -> EvaluationsIn:
        missing = [
            f"evaluations[{n}].{part}"
            for n, one in enumerate(self.evaluations)
            for part in ("subject", "resource", "action")
            if getattr(one, part) is None and getattr(self, part) is None
        ]
        if missing:
            raise ValueError(
                "sans valeur, ni dans l'évaluation ni par défaut au niveau du lot : " + ", ".join(missing[:5])
            )
        return self

    def each(self) -> list[EvaluationIn]:
        return [
            EvaluationIn(
                subject=one.subject or self.subject,  # type: ignore[arg-type]
                resource=one.resource or self.resource,  # type: ignore[arg-type]
                action=one.action or self.action,  # type: ignore[arg-type]
                context=one.context if one.context is not None else self.context,
            )
            for one in self.evaluations
        ]


class DecisionOut(Input):
    decision: bool
    context: dict[str, Any] = Field(
        description="`reason`: why (own_account, mandate) or why not (person_disabled, not_subscribed, "
        "no_mandate, mandate_revoked, not_in_mandate, …); `mandate_id` when a mandate decided; "
        "`reason_admin`: the same in words, for an administrator"
    )


class DecisionsOut(Input):
    evaluations: list[DecisionOut]


class Metadata(Input):
    policy_decision_point: str
    access_evaluation_endpoint: str
    access_evaluations_endpoint: str
    search_resource_endpoint: str


class ResourceType(Input):
    type: Literal["establishment"]


class PageIn(Input):
    token: str | None = Field(
        default=None, max_length=200, pattern=r"^[A-Za-z0-9_=-]+$", description="`next_token` of the page before"
    )
    limit: int = Field(default=50, ge=1, le=500)


class ResourceSearchIn(Input):
    """``POST /access/v1/search/resource``: which establishments may ``subject`` act for under
    ``action``? (AuthZEN's resource search: the subject and the action given, the resources found.)"""

    subject: Subject
    action: Action
    resource: ResourceType
    context: dict[str, Any] | None = None
    page: PageIn = PageIn()


class Found(Input):
    type: Literal["establishment"]
    id: str


class PageOut(Input):
    next_token: str = Field(description="to ask for the next page; empty on the last one")


class ResourceSearchOut(Input):
    results: list[Found]
    page: PageOut


class CoverageQuery(Input):
    days: int = Field(default=7, ge=0, le=62, description="the deadlines of today and the next `days` days")
    teleprocedure: str = Field(default="DSN", pattern=CODE_PATTERN)


class Filer(Input):
    id: int
    name: str


class CoverageLine(Input):
    identifier: str
    company_name: str | None
    monthly_deadline: int
    deadline: str = Field(description="the next deadline, ISO date")
    covered: bool
    filers: list[Filer]
    reason: str | None = Field(description="why nobody may file: no_active_mandate, no_filer")


class CoverageOut(Input):
    teleprocedure: str
    days: int
    uncovered: int
    items: list[CoverageLine]
