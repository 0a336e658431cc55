"""Host header poisoning: only trusted host names are served, and printed addresses (QR codes,
booth signs, the API's `url`, the visit plan's CSV) use CATALOGUE_BASE_URL when it is set."""

from __future__ import annotations

import csv
import io

import pytest

from catalogue.catalog.models import Enterprise, Exhibit
from catalogue.extensions import db
from catalogue.visit.qr import qr_svg
from tests.conftest import close_app, make_app
from tests.visit.conftest import plan_form_token

EVIL = "evil.example"


@pytest.fixture
def records(app):
    enterprise = Enterprise(name="Acme Chips", name_zh="阿克米芯片", hall="N1", booth="N1-A07")
    exhibit = Exhibit(name="Edge AI chip", name_zh="边缘智能芯片", enterprise=enterprise, tags=[])
    db.session.add_all([enterprise, exhibit])
    db.session.commit()
    return enterprise.id, exhibit.id


@pytest.fixture
def configured(tmp_path):
    """Apps with other settings: `configured(**config)`; each is closed when the test ends."""
    apps = []

    def make(**config):
        app = make_app(tmp_path / f"app{len(apps)}", **config)
        apps.append(app)
        return app

    yield make
    for app in apps:
        close_app(app)


def artifact_paths(enterprise_id: int, exhibit_id: int) -> list[str]:
    return [f"/exhibits/{exhibit_id}/qr.svg", f"/enterprises/{enterprise_id}/qr.svg",
            f"/enterprises/{enterprise_id}/sign", f"/api/v1/exhibits/{exhibit_id}",
            f"/api/v1/enterprises/{enterprise_id}", "/plan.csv", "/", "/organizer/login"]


def test_another_host_is_refused_everywhere(client, records):
    for path in artifact_paths(*records):
        response = client.get(path, headers={"Host": EVIL})
        assert response.status_code == 400, path
        assert EVIL.encode() not in response.data or path.startswith("/api/"), path
        assert b"<svg" not in response.data


@pytest.mark.parametrize("host", ["localhost", "localhost:5000", "127.0.0.1:8123", "[::1]:8000", "[::1]"])
def test_local_names_are_served(client, records, host):
    _, exhibit_id = records
    response = client.get(f"/exhibits/{exhibit_id}/qr.svg", headers={"Host": host})
    assert response.status_code == 200
    assert response.data == qr_svg(f"http://{host}/exhibits/{exhibit_id}", "Edge AI chip")


@pytest.mark.parametrize("host", ["[::ffff:1.2.3.4]", "[2001:db8::1]:80", "localhost.evil.example", "127.0.0.1.nip.io"])
def test_look_alike_and_other_literal_hosts_are_refused(client, records, host):
    assert client.get(f"/exhibits/{records[1]}/qr.svg", headers={"Host": host}).status_code == 400


def test_an_address_taken_from_the_request_is_not_cached_publicly(client, records):
    response = client.get(f"/exhibits/{records[1]}/qr.svg")
    assert response.headers["Cache-Control"] == "private, max-age=3600"


def test_the_base_url_is_trusted_and_printed_everywhere(configured):
    app = configured(CATALOGUE_BASE_URL="https://catalogue.example.cn/")
    client = app.test_client()
    with app.app_context():
        enterprise = Enterprise(name="Acme", name_zh="阿克米", hall="N1", booth="N1-A07")
        exhibit = Exhibit(name="Chip", name_zh="芯片", enterprise=enterprise, tags=[])
        db.session.add_all([enterprise, exhibit])
        db.session.commit()
        e_id, x_id = enterprise.id, exhibit.id
    page = "https://catalogue.example.cn"
    for host in ("catalogue.example.cn", "localhost"):  # its own name, and a local check on the node
        response = client.get(f"/exhibits/{x_id}/qr.svg?lang=zh", headers={"Host": host})
        assert response.data == qr_svg(f"{page}/exhibits/{x_id}", "芯片"), host
        assert response.headers["Cache-Control"] == "public, max-age=3600"
        assert f"{page}/enterprises/{e_id}" in client.get(f"/enterprises/{e_id}/sign", headers={"Host": host}).text
        assert client.get(f"/api/v1/exhibits/{x_id}", headers={"Host": host}).json["url"] == f"{page}/exhibits/{x_id}"
        api_enterprise = client.get(f"/api/v1/enterprises/{e_id}", headers={"Host": host}).json
        assert api_enterprise["url"] == f"{page}/enterprises/{e_id}"
    assert client.get("/", headers={"Host": EVIL}).status_code == 400
    with app.app_context():
        token = plan_form_token(client, f"/exhibits/{x_id}")
    client.post("/plan/add", data={"kind": "exhibit", "id": str(x_id), "csrf_token": token or ""})
    rows = list(csv.reader(io.StringIO(client.get("/plan.csv?lang=en").data.decode("utf-8-sig"))))
    assert rows[1][7] == f"{page}/exhibits/{x_id}"


def test_configured_trusted_hosts_replace_the_local_names(configured):
    app = configured(CATALOGUE_TRUSTED_HOSTS="expo.example.cn, .expo.example.org")
    client = app.test_client()
    assert client.get("/api/v1/categories", headers={"Host": "expo.example.cn"}).status_code == 200
    assert client.get("/api/v1/categories", headers={"Host": "www.expo.example.org"}).status_code == 200
    assert client.get("/api/v1/categories", headers={"Host": "localhost"}).status_code == 400
    assert client.get("/api/v1/categories", headers={"Host": EVIL}).status_code == 400


def test_forwarded_headers_count_only_behind_the_configured_proxies(client, records, configured):
    _, x_id = records
    forwarded = {"X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "https"}
    # no proxy configured: the forwarded headers are ignored (a client could send them itself)
    response = client.get(f"/exhibits/{x_id}/qr.svg", headers=forwarded)
    assert response.data == qr_svg(f"http://localhost/exhibits/{x_id}", "Edge AI chip")
    # behind one proxy: its X-Forwarded-Host is the request's host, and must be trusted too
    app = configured(CATALOGUE_PROXY_HOPS="1", CATALOGUE_TRUSTED_HOSTS="expo.example.cn")
    proxied = app.test_client()
    assert proxied.get("/api/v1/categories", headers=forwarded).status_code == 400
    with app.app_context():
        enterprise = Enterprise(name="Acme", name_zh="阿克米", hall="N1", booth="N1-A07")
        db.session.add(enterprise)
        db.session.commit()
        e_id = enterprise.id
    headers = {"X-Forwarded-Host": "expo.example.cn", "X-Forwarded-Proto": "https", "Host": "10.0.0.5:8000"}
    response = proxied.get(f"/enterprises/{e_id}/qr.svg?lang=en", headers=headers)
    assert response.status_code == 200
    assert response.data == qr_svg(f"https://expo.example.cn/enterprises/{e_id}", "Acme")
