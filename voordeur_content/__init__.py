"""Content shared by the relay and the bot: regions and towns, triage (how danger is graded), personal data."""

from voordeur_content import personal_data, regions, triage

__all__ = ["personal_data", "regions", "triage"]
