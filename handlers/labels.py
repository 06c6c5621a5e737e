"""Human names for stored values (categories), as gettext message ids."""

from __future__ import annotations

from bot.core.i18n import N_
from models import DeedCategory, HouseholdCategory

DEED_CATEGORY_LABELS: dict[DeedCategory, str] = {
    DeedCategory.HOUSING: N_("Housing, toilet, bathroom"),
    DeedCategory.LIVELIHOOD: N_("Farming, livelihood, loans"),
    DeedCategory.HEALTH_EDUCATION: N_("Health, schooling"),
    DeedCategory.ENVIRONMENT: N_("Roads, environment, public works"),
    DeedCategory.SECURITY: N_("Security and order"),
    DeedCategory.OTHER: N_("Other"),
}

HOUSEHOLD_CATEGORY_LABELS: dict[HouseholdCategory, str] = {
    HouseholdCategory.POOR: N_("poor household"),
    HouseholdCategory.NEAR_POOR: N_("near-poor household"),
    HouseholdCategory.POLICY_FAMILY: N_("policy family"),
    HouseholdCategory.HOUSING_DIFFICULTY: N_("housing difficulty"),
    HouseholdCategory.OTHER: N_("other"),
}
