"""The roles of DOMAIN.md: programme roles (the body) and facility roles (the applicant).

A person holds programme roles or facility memberships, never both: programme staff judge
facilities, so they never work inside one.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeRoleName(models.TextChoices):
    OFFICE = "office", _("Programme office")
    ASSESSOR = "assessor", _("Assessor")
    COMMITTEE = "committee", _("Committee member")
    # Hears appeals when the office appoints them to a panel; never votes on a cycle.
    APPEALS = "appeals", _("Committee member for appeals only")
    ADMINISTRATOR = "administrator", _("Administrator")


class FacilityRoleName(models.TextChoices):
    AUTHORISED_REPRESENTATIVE = "authorised_representative", _("Authorised representative")
    CONTACT_PERSON = "contact_person", _("Contact person")
    CONTRIBUTOR = "contributor", _("Contributor")
    READ_ONLY = "read_only", _("Read-only")


# Facility roles that may manage the team (approve join requests, remove members).
FACILITY_MANAGER_ROLES = frozenset({FacilityRoleName.AUTHORISED_REPRESENTATIVE, FacilityRoleName.CONTACT_PERSON})
# Facility roles that may edit the application.
FACILITY_EDITOR_ROLES = FACILITY_MANAGER_ROLES | {FacilityRoleName.CONTRIBUTOR}

# Programme roles whose holders may be appointed to an appeal panel.
APPEAL_PANEL_ROLES = frozenset({ProgrammeRoleName.COMMITTEE, ProgrammeRoleName.APPEALS})
# Programme roles the office grants and revokes from its pages; the administrator role is
# granted by administrators only (it opens the Django admin in full).
OFFICE_GRANTED_ROLES = (
    ProgrammeRoleName.OFFICE,
    ProgrammeRoleName.ASSESSOR,
    ProgrammeRoleName.COMMITTEE,
    ProgrammeRoleName.APPEALS,
)
