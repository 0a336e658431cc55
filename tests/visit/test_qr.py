"""QR codes point to the canonical public address; the booth sign shows both languages."""

from __future__ import annotations

import segno

from catalogue.visit.qr import qr_svg


def test_exhibit_and_enterprise_qr_codes_encode_their_absolute_addresses(client, make_exhibit):
    exhibit = make_exhibit(name="Chip")
    response = client.get(f"/exhibits/{exhibit.id}/qr.svg?lang=zh")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.data == qr_svg(f"http://localhost/exhibits/{exhibit.id}", exhibit.name_zh)
    assert response.data.startswith(b"<?xml") and b"<svg" in response.data

    enterprise = exhibit.enterprise
    response = client.get(f"/enterprises/{enterprise.id}/qr.svg?lang=en", base_url="https://localhost")
    assert response.data == qr_svg(f"https://localhost/enterprises/{enterprise.id}", enterprise.name)
    assert client.get("/exhibits/99999/qr.svg").status_code == 404


def test_the_base_url_setting_wins(app, client, make_enterprise):
    enterprise = make_enterprise()
    app.config["CATALOGUE_BASE_URL"] = "https://catalogue.example.cn/"
    response = client.get(f"/enterprises/{enterprise.id}/qr.svg?lang=en")
    assert response.data == qr_svg(f"https://catalogue.example.cn/enterprises/{enterprise.id}", enterprise.name)


def test_the_svg_is_a_real_qr_code():
    svg = qr_svg("http://localhost/exhibits/1", "A & B")
    assert b"<title>A &amp; B</title>" in svg
    size = segno.make("http://localhost/exhibits/1", error="m", micro=False).symbol_size(scale=8, border=4)
    assert f'width="{size[0]}" height="{size[1]}"'.encode() in svg


def test_detail_pages_show_their_qr_code(client, make_exhibit):
    exhibit = make_exhibit()
    html = client.get(f"/exhibits/{exhibit.id}?lang=en").get_data(as_text=True)
    assert f'<img src="/exhibits/{exhibit.id}/qr.svg"' in html and 'alt="QR code of this page"' in html
    html = client.get(f"/enterprises/{exhibit.enterprise.id}?lang=en").get_data(as_text=True)
    assert f'<img src="/enterprises/{exhibit.enterprise.id}/qr.svg"' in html


def test_only_organizers_see_the_link_to_the_printable_sign(client, editor_client, make_exhibit):
    enterprise = make_exhibit().enterprise
    sign = f'href="/enterprises/{enterprise.id}/sign"'
    assert sign not in client.get(f"/enterprises/{enterprise.id}?lang=en").get_data(as_text=True)
    assert sign in editor_client.get(f"/enterprises/{enterprise.id}?lang=en").get_data(as_text=True)
    assert client.get(f"/enterprises/{enterprise.id}/sign").status_code == 200  # the address stays public


def test_the_booth_sign_has_both_names_the_booth_a_big_qr_and_the_exhibits(client, make_enterprise, make_exhibit):
    firm = make_enterprise(name="Acme Chips", name_zh="阿克米芯片", hall="N1", booth="N1-A07")
    make_exhibit(enterprise=firm, name="Edge AI chip", name_zh="边缘智能芯片")
    make_exhibit(enterprise=firm, name=None, name_zh="只有中文名")
    html = client.get(f"/enterprises/{firm.id}/sign?lang=en").get_data(as_text=True)
    assert '<span lang="zh-Hans">阿克米芯片</span><span lang="en">Acme Chips</span>' in html
    assert "<strong>N1-A07</strong>" in html and "Hall N1" in html
    assert f'<img src="/enterprises/{firm.id}/qr.svg" width="264"' in html
    assert "边缘智能芯片" in html and "Edge AI chip" in html and "只有中文名" in html
    assert f"http://localhost/enterprises/{firm.id}" in html
    assert client.get("/enterprises/4242/sign").status_code == 404
