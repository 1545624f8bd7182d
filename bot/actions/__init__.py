"""Custom actions of the Voordeur assistant, one module per concern."""
