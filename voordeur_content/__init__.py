"""Content shared by the relay and the bot: regions and towns, phone numbers, triage (how danger is graded),
personal data."""

from voordeur_content import personal_data, phone_numbers, regions, triage
from voordeur_content._files import content_file, load_content, use_content_dir

__all__ = ["content_file", "load_content", "personal_data", "phone_numbers", "regions", "triage", "use_content_dir"]
