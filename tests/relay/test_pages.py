"""Pages, static files, security headers and /api/status."""


def fetch(client, path):
    """GET and close the response (files are streamed; an open one would warn)."""
    response = client.get(path)
    response.close()
    return response


def test_status_lists_all_26_regions_open_when_forced(client):
    body = fetch(client, "/api/status").get_json()
    assert body["open"] is True
    assert body["phone"] == "0800 2000" and body["emergency"] == "112"
    assert len(body["regions"]) == 26
    utrecht = next(r for r in body["regions"] if r["id"] == "utrecht")
    assert utrecht == {
        "id": "utrecht",
        "name": "Veilig Thuis Utrecht",
        "open": True,
        "next_open": None,
        "backup": "gooi-en-vechtstreek",
    }
    # Every region names its backup (achtervang), another region of the list.
    ids = {r["id"] for r in body["regions"]}
    assert all(r["backup"] in ids - {r["id"]} for r in body["regions"])


def test_status_when_closed_gives_next_opening(app):
    app.extensions["relay_schedule"].mode = "hours"
    body = fetch(app.test_client(), "/api/status").get_json()
    for region in body["regions"]:
        assert region["open"] is False or region["next_open"] is None


def test_demo_page_has_strict_csp_and_no_referrer(client):
    response = fetch(client, "/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_widget_files_are_served_cross_origin_and_cached(client):
    response = fetch(client, "/widget/widget.js")
    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
    assert "max-age=300" in response.headers["Cache-Control"]
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "Set-Cookie" not in response.headers
    assert fetch(client, "/widget/widget.css").mimetype == "text/css"


def test_console_page_and_files(client):
    page = fetch(client, "/console")
    assert page.status_code == 200 and "unsafe-inline" not in page.headers["Content-Security-Policy"]
    assert fetch(client, "/console/console.js").status_code == 200


def test_missing_and_escaping_paths_are_404(client):
    assert fetch(client, "/widget/nope.js").status_code == 404
    assert fetch(client, "/widget/../pyproject.toml").status_code == 404
    assert fetch(client, "/console/../../relay/config.py").status_code == 404


UPGRADE = {"Upgrade": "websocket", "Connection": "Upgrade"}


def test_visitor_socket_origins_can_be_limited(app):
    from relay.sockets.visitor import allowed_origin

    app.config["RELAY_ALLOWED_ORIGINS"] = "https://www.example.nl, https://example.nl"
    response = app.test_client().get("/ws/visitor", headers={**UPGRADE, "Origin": "https://evil.example"})
    assert response.status_code == 403
    with app.test_request_context("/ws/visitor", headers={"Host": "relay.example"}):
        assert allowed_origin("https://example.nl")
        assert allowed_origin("https://relay.example")  # the relay's own demo page
        assert not allowed_origin("https://example.nl.evil.example")


def test_counsellor_socket_refuses_without_session_or_from_elsewhere(client):
    assert client.get("/ws/counsellor", headers={**UPGRADE, "Origin": "http://localhost"}).status_code == 401
    assert client.get("/ws/counsellor", headers={**UPGRADE, "Origin": "https://evil.example"}).status_code == 403


def test_status_may_be_read_by_the_widget_on_other_sites(app):
    response = fetch(app.test_client(), "/api/status")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    app.config["RELAY_ALLOWED_ORIGINS"] = "https://www.example.nl"
    listed = app.test_client().get("/api/status", headers={"Origin": "https://www.example.nl"})
    assert listed.headers["Access-Control-Allow-Origin"] == "https://www.example.nl"
    other = app.test_client().get("/api/status", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
