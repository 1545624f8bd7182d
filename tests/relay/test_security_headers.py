"""Security headers on every response, and no cross-site use of the console."""

import pytest

PATHS = [
    "/",
    "/console",
    "/console/console.js",
    "/widget/widget.js",
    "/api/status",
    "/api/console/me",
    "/nope",
    "/widget/nope.js",
]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_has_nosniff_and_no_referrer(client, path):
    with client.get(path) as response:
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("path", ["/", "/console"])
def test_html_pages_have_a_strict_csp_and_cannot_be_framed(client, path):
    with client.get(path) as response:
        assert response.mimetype == "text/html"
        csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp


def test_console_forms_refuse_other_sites(client):
    foreign = {"Origin": "https://evil.example"}
    login = client.post("/api/console/login", json={"username": "anna", "password": "x" * 10}, headers=foreign)
    assert login.status_code == 403
    register = client.post("/api/console/registrations", json={}, headers=foreign)
    assert register.status_code == 403
