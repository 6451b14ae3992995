"""Who is signed in: the staff member, their role, and what that role may see."""

from __future__ import annotations

from dataclasses import dataclass

from mdbtriage.core.model import MEDICAL_ROLES, ROLES, Actor


@dataclass(frozen=True, slots=True)
class Session:
    staff_id: str
    name: str
    role: str
    team: str

    @property
    def actor(self) -> Actor:
        return Actor(user_id=self.staff_id, name=self.name, role=self.role)

    @property
    def sees_medical(self) -> bool:
        """Medical content is shown only to the medical roles (VA, AIOS, SMV, MSP)."""
        return self.role in MEDICAL_ROLES

    @property
    def is_team_lead(self) -> bool:
        return self.role == "TL"

    @property
    def label(self) -> str:
        return f"{self.name} ({ROLES.get(self.role, self.role)})"
