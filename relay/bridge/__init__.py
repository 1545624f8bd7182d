"""The bridge to the assistant: Rasa calls, triage of every visitor message, answers while waiting."""
