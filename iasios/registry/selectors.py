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
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from iasios.facilities.countries import country_name
from iasios.facilities.models import Facility

LEVELS: dict[str, Any] = {
    "enrolled": _("Enrolled Centre"),
    "accredited": _("Accredited Centre"),
    "centre_of_excellence": _("Centre of Excellence"),
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

    @property
    def level_label(self) -> str:
        return str(LEVELS[self.level])

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


def _entry(facility: Facility) -> RegistryEntry:
    return RegistryEntry(
        id=str(facility.pk),
        name=facility.name,
        institution=facility.institution,
        city=facility.city,
        country=facility.country,
        country_name=str(country_name(facility.country)),
        level="enrolled",
        valid_until=None,
        verify_url="",
        website=facility.website,
        latitude=facility.latitude,
        longitude=facility.longitude,
    )


def registry_entries(*, q: str = "", country: str = "", city: str = "", level: str = "") -> list[RegistryEntry]:
    facilities = Facility.objects.for_public_registry().order_by("country", "city", "name")
    if q:
        facilities = facilities.filter(Q(name__icontains=q) | Q(institution__icontains=q) | Q(city__icontains=q))
    if country:
        facilities = facilities.filter(country=country.upper())
    if city:
        facilities = facilities.filter(city__iexact=city)
    entries = [_entry(f) for f in facilities]
    if level:
        entries = [e for e in entries if e.level == level]
    return entries


def registry_entry(facility_id: Any) -> RegistryEntry | None:
    facility = Facility.objects.for_public_registry().filter(pk=facility_id).first()
    return _entry(facility) if facility else None


def registry_countries() -> list[tuple[str, str]]:
    codes = Facility.objects.for_public_registry().order_by().values_list("country", flat=True).distinct()
    return sorted(((c, str(country_name(c))) for c in codes), key=lambda pair: pair[1])
