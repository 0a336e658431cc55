"""Logo and exhibit images: verified with Pillow, re-encoded without metadata, served with their own type."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from catalogue.catalog.images import MAX_BYTES, InvalidImage, clean_image
from catalogue.catalog.models import Enterprise
from catalogue.extensions import db
from tests.conftest import csrf_token

STORED = re.compile(r"^[0-9a-f]{32}\.(png|jpg)$")


def image_bytes(fmt: str = "PNG", size=(64, 48), mode: str = "RGB", **options) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else 1).save(out, fmt, **options)
    return out.getvalue()


def upload_logo(client, enterprise: Enterprise, data: bytes, name: str):
    token = csrf_token(client, "/organizer/")
    form = {"csrf_token": token, "name": enterprise.name or "", "name_zh": enterprise.name_zh or "",
            "hall": enterprise.hall or "", "booth": enterprise.booth or "", "logo": FileStorage(io.BytesIO(data), filename=name)}
    # encoded here: the test client would spool a large body to a temporary file it never closes
    boundary, body = encode_multipart(form)
    return client.post(f"/organizer/enterprises/{enterprise.id}", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def stored_images(app) -> list[Path]:
    directory = Path(app.instance_path) / "images"
    return sorted(p for p in directory.glob("*") if p.is_file() and not p.name.startswith(".")) if directory.exists() else []


def test_a_png_logo_is_stored_under_a_new_name_served_and_shown(app, editor_client, make_enterprise):
    enterprise = make_enterprise()
    response = upload_logo(editor_client, enterprise, image_bytes("PNG"), "logo.png")
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert STORED.match(enterprise.logo) and enterprise.logo.endswith(".png")
    (stored,) = stored_images(app)
    assert stored.name == enterprise.logo
    with Image.open(stored) as image:
        assert (image.format, image.size) == ("PNG", (64, 48))

    with editor_client.get(f"/images/{enterprise.logo}") as served:
        assert served.status_code == 200
        assert served.headers["Content-Type"] == "image/png"
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        assert served.data == stored.read_bytes()
    page = editor_client.get(f"/enterprises/{enterprise.id}").get_data(as_text=True)
    assert f'src="/images/{enterprise.logo}" alt="{enterprise.name}"' in page


def test_a_jpeg_exhibit_image_is_re_encoded_without_its_metadata(app, editor_client, make_exhibit):
    exhibit = make_exhibit()
    exif = Image.Exif()
    exif[0x010F] = "SecretCam Maker"  # camera make
    data = image_bytes("JPEG", exif=exif.tobytes(), comment=b"private comment")
    assert b"SecretCam" in data and b"private comment" in data
    form = {"csrf_token": csrf_token(editor_client, "/organizer/"), "enterprise_id": str(exhibit.enterprise_id),
            "name": exhibit.name, "category_id": "0", "image": (io.BytesIO(data), "photo.jpeg")}
    response = editor_client.post(f"/organizer/exhibits/{exhibit.id}", data=form, content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    assert exhibit.image.endswith(".jpg")
    stored = (Path(app.instance_path) / "images" / exhibit.image).read_bytes()
    assert b"SecretCam" not in stored and b"private comment" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and not image.getexif()
    with editor_client.get(f"/images/{exhibit.image}") as served:
        assert served.headers["Content-Type"] == "image/jpeg"
    page = editor_client.get(f"/exhibits/{exhibit.id}").get_data(as_text=True)
    assert f'src="/images/{exhibit.image}" alt="{exhibit.name}"' in page


def test_replacing_and_removing_a_logo_deletes_the_old_file(app, editor_client, make_enterprise):
    enterprise = make_enterprise()
    upload_logo(editor_client, enterprise, image_bytes("PNG"), "one.png")
    db.session.expire_all()
    first = enterprise.logo
    upload_logo(editor_client, enterprise, image_bytes("GIF", mode="P"), "two.gif")
    db.session.expire_all()
    assert enterprise.logo != first and [p.name for p in stored_images(app)] == [enterprise.logo]
    form = {"csrf_token": csrf_token(editor_client, "/organizer/"), "name": enterprise.name, "remove_logo": "y"}
    editor_client.post(f"/organizer/enterprises/{enterprise.id}", data=form, content_type="multipart/form-data")
    db.session.expire_all()
    assert enterprise.logo is None and stored_images(app) == []


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize("data, name, reason", [
    (b"%PDF-1.7 not an image", "logo.png", "The file is not a PNG, JPEG, GIF or WebP image."),
    (SVG, "logo.png", "SVG and other markup files are not accepted"),
    (b"  " + SVG[SVG.index(b"<svg"):], "logo.svg", "SVG and other markup files are not accepted"),
    (image_bytes("PNG", size=(5000, 10)), "wide.png", "The image is 5000×10 pixels; the limit is 4096×4096."),
    (image_bytes("PNG")[:60], "cut.png", "The image is damaged and cannot be read"),
    (image_bytes("PNG") + b"\x00" * MAX_BYTES, "huge.png", "the limit is 5 MiB"),
    (image_bytes("BMP"), "logo.bmp", "The file is not a PNG, JPEG, GIF or WebP image."),
], ids=["pdf", "svg-named-png", "svg", "too-wide", "truncated", "over-5-mib", "bmp"])
def test_bad_images_are_refused_with_a_reason_and_nothing_is_stored(app, editor_client, make_enterprise,
                                                                   data, name, reason):
    enterprise = make_enterprise()
    response = upload_logo(editor_client, enterprise, data, name)
    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)
    db.session.expire_all()
    assert enterprise.logo is None and stored_images(app) == []


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG")  # 400 megapixels in about 50 KB
    assert len(out.getvalue()) < 100_000
    with pytest.raises(InvalidImage, match="too many pixels"):
        clean_image(out.getvalue())


@pytest.mark.parametrize("payload", ["gif+html", "png+zip"])
def test_a_polyglot_is_stored_as_a_clean_image_without_its_payload(app, editor_client, make_enterprise, payload):
    if payload == "gif+html":
        script = b"<html><script>alert(document.cookie)</script></html>"
        data = image_bytes("GIF", mode="P") + script
    else:
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr("evil.js", "alert(document.cookie)")
        script = archive.getvalue()
        data = image_bytes("PNG") + script
    enterprise = make_enterprise()
    response = upload_logo(editor_client, enterprise, data, "logo.gif")
    assert response.status_code == 302
    (stored,) = stored_images(app)
    content = stored.read_bytes()
    assert b"alert(" not in content and b"<script" not in content and b"PK\x03\x04" not in content
    assert content.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(stored) as image:
        image.verify()


def test_only_stored_image_names_are_served(editor_client):
    for name in ("../secret_key", "..%2Fsecret_key", "x.svg", "0" * 32 + ".png"):
        assert editor_client.get(f"/images/{name}").status_code == 404


def test_an_upload_gets_a_thumbnail_that_lists_show(app, editor_client, make_enterprise):
    enterprise = make_enterprise(name="Thumb Co.")
    response = upload_logo(editor_client, enterprise, image_bytes("PNG", size=(1200, 600)), "logo.png")
    assert response.status_code == 302
    db.session.expire_all()
    thumb = Path(app.instance_path) / "images" / "thumbs" / enterprise.logo
    with Image.open(thumb) as image:
        assert image.format == "PNG" and image.size == (160, 80)
    with editor_client.get(f"/images/thumbs/{enterprise.logo}") as served:
        assert served.status_code == 200 and served.headers["Content-Type"] == "image/png"
        assert served.headers["X-Content-Type-Options"] == "nosniff" and served.data == thumb.read_bytes()
    make_enterprise(name="Plain Co.")
    listing = editor_client.get("/enterprises?lang=en").get_data(as_text=True)
    assert f'<img class="card-thumb" src="/images/thumbs/{enterprise.logo}" alt=""' in listing
    assert "Plain Co." in listing and listing.count('class="card-thumb"') == 1  # only where there is an image

    form = {"csrf_token": csrf_token(editor_client, "/organizer/"), "name": enterprise.name, "remove_logo": "y"}
    editor_client.post(f"/organizer/enterprises/{enterprise.id}", data=form, content_type="multipart/form-data")
    assert not thumb.exists()


def test_an_image_stored_before_thumbnails_gets_one_on_first_request(app, client, make_exhibit):
    name = "ab" * 16 + ".jpg"
    directory = Path(app.instance_path) / "images"
    directory.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (900, 1200), (10, 120, 200)).save(directory / name, "JPEG")
    exhibit = make_exhibit(name="Old picture", image=name)
    db.session.commit()
    assert not (directory / "thumbs" / name).exists()
    assert f'src="/images/thumbs/{name}"' in client.get("/exhibits?lang=en").get_data(as_text=True)
    with client.get(f"/images/thumbs/{name}") as served:
        assert served.status_code == 200 and served.headers["Content-Type"] == "image/jpeg"
        with Image.open(io.BytesIO(served.data)) as image:
            assert image.size == (120, 160)
    assert (directory / "thumbs" / name).exists()
    assert exhibit.image == name
    assert client.get(f"/images/thumbs/{'cd' * 16}.png").status_code == 404  # no image, no thumbnail
    assert client.get("/images/thumbs/..%2Fsecret_key").status_code == 404
