"""The conversation domain: states, conversations, queues, messages, texts. No Flask here."""
