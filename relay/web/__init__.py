"""The web pages, the console's HTTP API and counsellor sign-in."""
