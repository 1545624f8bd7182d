"""Content shared by the relay and the bot: regions and towns, phone numbers, triage (how danger is graded), personal data."""

from voordeur_content import personal_data, phone_numbers, regions, triage

__all__ = ["personal_data", "phone_numbers", "regions", "triage"]
