"""The WebSocket side: frame parsing and the visitor's and counsellor's socket handlers."""
