from datetime import datetime
from uuid import UUID

from ninja import Field, Schema

from innokop.core.schemas import InputSchema, StrictId


class EndpointIn(InputSchema):
    url: str = Field(max_length=500, description="The HTTPS address Innoköp sends each event to (HTTP POST)")
    events: list[str] = Field(description="The events to send: calloff.published, calloff.question_answered, "
                                          "calloff.clarification_published, calloff.deadline_extended, "
                                          "calloff.cancelled, calloff.award_decision_sent, "
                                          "calloff.contract_signed, followup_round.requested, "
                                          "followup_round.answered")
    organisation_id: StrictId | None = Field(None, description="The organisation whose webhook it is; may be left "
                                                               "out when you administer one organisation only")


class EndpointOut(Schema):
    id: int
    organisation_id: int
    url: str
    events: list[str]
    active: bool
    created_at: datetime
    secret_rotated_at: datetime | None
    deactivated_at: datetime | None


class EndpointCreatedOut(EndpointOut):
    secret: str = Field(description="Signs every delivery (docs/webhooks.md). Shown this once: keep it.")


class AttemptOut(Schema):
    at: datetime
    status_code: int | None = Field(description="The receiver's answer; null when it was not reached")
    error: str = Field(description="What went wrong when the receiver was not reached")
    duration_ms: int


class DeliveryOut(Schema):
    id: UUID
    event: str
    object_type: str
    object_id: str
    status: str
    attempts: int = Field(description="Attempts in the current round (a round ends delivered or given up; "
                                      "\"send again\" starts a new one)")
    attempt_log: list[AttemptOut] = Field(description="Every attempt of the delivery, rounds before included, "
                                                      "oldest first")
    last_status_code: int | None
    last_error: str
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None
