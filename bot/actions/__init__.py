"""Custom actions of the Voordeur assistant, one module per concern."""

from voordeur_content import triage

# The action server reads the triage rules and trains the triage classifier when it starts, so that
# no visitor's first message waits for it (docs/performance.md says how long it takes).
triage.warm_up()
