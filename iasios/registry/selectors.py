"""What the public registry shows, read through the one source: `for_public_registry()`.

The pages, the map, /registry.json and /registry.csv all render the same RegistryEntry rows,
so the open data can never drift from what the pages say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from iasios.certificates.models import Certificate
from iasios.decisions.models import Award, AwardLevel, AwardStatus
from iasios.facilities.countries import country_name
from iasios.facilities.models import Facility, FacilityStatus

# The public level: an enrolled centre without an award in force, or the level of that award.
LEVELS: dict[str, Any] = {
    FacilityStatus.ENROLLED: FacilityStatus.ENROLLED.label,
    AwardLevel.ACCREDITED: AwardLevel.ACCREDITED.label,
    AwardLevel.CENTRE_OF_EXCELLENCE: AwardLevel.CENTRE_OF_EXCELLENCE.label,
}


@dataclass(frozen=True)
class RegistryEntry:
    id: str
    name: str
    institution: str
    city: str
    country: str
    country_name: str
    level: str
    valid_until: date | None
    verify_url: str
    website: str
    latitude: Decimal | None
    longitude: Decimal | None
    # The next award, as decided: granted on re-certification, in force from the day after the current one ends.
    next_level: str = ""
    next_valid_from: date | None = None

    @property
    def level_label(self) -> str:
        return str(LEVELS[self.level])

    @property
    def next_level_label(self) -> str:
        return str(LEVELS[self.next_level]) if self.next_level else ""

    @property
    def profile_path(self) -> str:
        return f"/registry/{self.id}/"

    def as_open_data(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "institution": self.institution,
            "city": self.city,
            "country": self.country,
            "level": self.level,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "verify_url": self.verify_url,
            "profile_url": settings.SITE_URL + self.profile_path,
        }


def with_award(facilities: QuerySet[Facility]) -> QuerySet[Facility]:
    """Annotate each facility with its level, valid-until date and certificate token.

    The one place the public level is decided: from the facility's award in force (status
    valid). A suspended, withdrawn, expired or superseded award shows nothing: the centre falls
    back to "enrolled" while its membership is (for_public_registry lists enrolled centres only).
    An award granted on re-certification that has not started yet (pending) is named as the next
    one, never shown as the level. Subqueries keep the query count constant however many centres
    are listed.
    """
    in_force = Award.objects.filter(facility=OuterRef("pk"), status=AwardStatus.VALID).order_by("-valid_from")
    token = Certificate.objects.filter(award__facility=OuterRef("pk"), award__status=AwardStatus.VALID).order_by(
        "-award__valid_from"
    )
    upcoming = Award.objects.filter(facility=OuterRef("pk"), status=AwardStatus.PENDING).order_by("valid_from")
    return facilities.annotate(
        public_level=Coalesce(Subquery(in_force.values("level")[:1]), Value(FacilityStatus.ENROLLED.value)),
        public_valid_until=Subquery(in_force.values("valid_until")[:1]),
        certificate_token=Subquery(token.values("token")[:1]),
        next_level=Subquery(upcoming.values("level")[:1]),
        next_valid_from=Subquery(upcoming.values("valid_from")[:1]),
    )


def _entry(facility: Facility) -> RegistryEntry:
    token = getattr(facility, "certificate_token", None)
    return RegistryEntry(
        id=str(facility.pk),
        name=facility.name,
        institution=facility.institution,
        city=facility.city,
        country=facility.country,
        country_name=str(country_name(facility.country)),
        level=facility.public_level,  # type: ignore[attr-defined]
        valid_until=facility.public_valid_until,  # type: ignore[attr-defined]
        verify_url=settings.SITE_URL + reverse("certificates:verify", args=[token]) if token else "",
        website=facility.website,
        latitude=facility.latitude,
        longitude=facility.longitude,
        next_level=getattr(facility, "next_level", None) or "",
        next_valid_from=getattr(facility, "next_valid_from", None),
    )


def registry_entries(*, q: str = "", country: str = "", city: str = "", level: str = "") -> list[RegistryEntry]:
    return [entry_for(f) for f in registry_queryset(q=q, country=country, city=city, level=level)]


def entry_for(facility: Facility) -> RegistryEntry:
    """The registry row of a facility taken from `registry_queryset` (award columns annotated)."""
    return _entry(facility)


def registry_queryset(*, q: str = "", country: str = "", city: str = "", level: str = "") -> Any:
    """The filtered public registry, in display order, with the award in force annotated."""
    facilities = with_award(Facility.objects.for_public_registry()).order_by("country", "city", "name")
    if q:
        facilities = facilities.filter(Q(name__icontains=q) | Q(institution__icontains=q) | Q(city__icontains=q))
    if country:
        facilities = facilities.filter(country=country.upper())
    if city:
        facilities = facilities.filter(city__iexact=city)
    if level:
        facilities = facilities.filter(public_level=level)  # type: ignore[misc]
    return facilities


def registry_entry(facility_id: Any) -> RegistryEntry | None:
    facility = with_award(Facility.objects.for_public_registry()).filter(pk=facility_id).first()
    return _entry(facility) if facility else None


def registry_countries() -> list[tuple[str, str]]:
    codes = Facility.objects.for_public_registry().order_by().values_list("country", flat=True).distinct()
    return sorted(((c, str(country_name(c))) for c in codes), key=lambda pair: pair[1])


def registry_version() -> str:
    """What the registry's rows are read from, as it stands: for facilities, awards and certificates,
    how many there are (a deletion changes it) and when the last one changed (every change saves
    `updated_at`: the forms and services save, a lifecycle transition writes it with the state).
    Three small queries; the open data's ETag and its cached body are keyed on it."""
    parts = []
    for model in (Facility, Award, Certificate):
        row = model.objects.order_by().aggregate(n=Count("pk"), last=Max("updated_at"))
        parts.append(f"{row['n']}@{row['last'].isoformat() if row['last'] else '-'}")
    return "/".join(parts)
