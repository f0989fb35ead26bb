"""The programme settings of DOMAIN.md, as data carried by each framework version.

Every rule number (threshold, sample size, validity, deadlines, fees, reminder offsets) is read
from here, never written as a literal in code. The framework file's `programme:` block is
parsed into this dataclass by the loader; `current_programme_settings()` gives the settings of
the current framework version.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class FeeSchedule:
    currency: str
    enrolment_fee: Decimal
    annual_fee: Decimal
    consultation_fee: Decimal


@dataclass(frozen=True)
class ProgrammeSettings:
    volume_threshold: int
    case_review_sample_size: int
    case_review_period_months: int
    award_validity_months: int
    decision_target_weeks_min: int
    decision_target_weeks_max: int
    evidence_response_days: int
    invoice_due_days: int
    lapse_grace_days: int
    appeal_window_days: int
    resubmission_window_months: int
    recertification_opens_months: int
    committee_quorum: int
    expiry_reminder_months: tuple[int, ...]
    evidence_reminder_days: tuple[int, ...]
    fees: FeeSchedule
    procedure_categories: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProgrammeSettings:
        fees = data["fees"]
        return cls(
            volume_threshold=int(data["volume_threshold"]),
            case_review_sample_size=int(data["case_review_sample_size"]),
            case_review_period_months=int(data["case_review_period_months"]),
            award_validity_months=int(data["award_validity_months"]),
            decision_target_weeks_min=int(data["decision_target_weeks"]["min"]),
            decision_target_weeks_max=int(data["decision_target_weeks"]["max"]),
            evidence_response_days=int(data["evidence_response_days"]),
            invoice_due_days=int(data["invoice_due_days"]),
            lapse_grace_days=int(data["lapse_grace_days"]),
            appeal_window_days=int(data["appeal_window_days"]),
            resubmission_window_months=int(data["resubmission_window_months"]),
            recertification_opens_months=int(data["recertification_opens_months"]),
            committee_quorum=int(data["committee_quorum"]),
            expiry_reminder_months=tuple(int(v) for v in data["expiry_reminder_months"]),
            evidence_reminder_days=tuple(int(v) for v in data["evidence_reminder_days"]),
            fees=FeeSchedule(
                currency=str(fees["currency"]),
                enrolment_fee=Decimal(str(fees["enrolment"])),
                annual_fee=Decimal(str(fees["annual"])),
                consultation_fee=Decimal(str(fees["consultation"])),
            ),
            procedure_categories=tuple((str(c["code"]), str(c["label"])) for c in data["procedure_categories"]),
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
