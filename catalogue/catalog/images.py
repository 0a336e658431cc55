"""Logo and exhibit images: verified with Pillow, re-encoded without metadata, stored under generated names."""

from __future__ import annotations

import io
import os
import re
import uuid
import warnings
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from catalogue.errors import CatalogueError
from catalogue.messages import N_

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 4096
THUMB_SIDE = 160  # list thumbnails: shown at 4rem, sharp on 2x screens
# Pillow warns above this many pixels and refuses above twice as many: decompression bombs stop at open().
Image.MAX_IMAGE_PIXELS = MAX_SIDE * MAX_SIDE
ACCEPTED_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")  # only these decoders are ever tried
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(png|jpg)$")
MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg"}
_MARKUP = (b"<svg", b"<?xml", b"<!doctype", b"<html", b"<!--")



class InvalidImage(CatalogueError):
    code = "invalid_image"
    status = 400


def clean_image(data: bytes) -> tuple[bytes, str]:
    """Verify an uploaded image and re-encode it (PNG, or JPEG for JPEG input) without metadata."""
    if not data:
        raise InvalidImage(N_("The image file is empty."))
    if len(data) > MAX_BYTES:
        raise InvalidImage(N_("The image is %(size)s MiB; the limit is %(limit)s MiB.", size=f"{len(data) / 1048576:.1f}",
                                   limit=MAX_BYTES // 1048576))
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<") and any(tag in head for tag in _MARKUP):
        raise InvalidImage(N_("SVG and other markup files are not accepted (they can carry scripts); "
                              "upload a PNG or JPEG image."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as probe:
                fmt, (width, height) = probe.format, probe.size
                if width > MAX_SIDE or height > MAX_SIDE:
                    raise InvalidImage(N_("The image is %(width)s×%(height)s pixels; the limit is %(side)s×%(side)s.",
                                          width=width, height=height, side=MAX_SIDE))
                probe.verify()
            with Image.open(io.BytesIO(data), formats=(fmt,)) as image:
                image.seek(0)  # the first frame of an animation
                picture = ImageOps.exif_transpose(image)  # keep the orientation the camera recorded
                return _encode(picture, "jpg" if fmt == "JPEG" else "png")
    except InvalidImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidImage(N_("The image has too many pixels; the limit is %(side)s×%(side)s.", side=MAX_SIDE)) from None
    except UnidentifiedImageError:
        raise InvalidImage(N_("The file is not a PNG, JPEG, GIF or WebP image.")) from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:  # what Pillow raises on damaged data
        raise InvalidImage(N_("The image is damaged and cannot be read (%(why)s).", why=error)) from None


def _encode(image: Image.Image, ext: str) -> tuple[bytes, str]:
    if ext == "jpg":
        image = image.convert("RGB") if image.mode not in ("RGB", "L") else image.copy()
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    else:
        image = image.copy()
    image.info = {}  # no EXIF, ICC profile, comments or text chunks are written back
    out = io.BytesIO()
    if ext == "jpg":
        image.save(out, "JPEG", quality=90, optimize=True)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue(), ext


def image_directory() -> Path:
    return Path(current_app.instance_path) / "images"


def store_image(data: bytes) -> str:
    """Clean an uploaded image and store it under a new name; returns the name."""
    clean, ext = clean_image(data)
    directory = image_directory()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.{ext}"
    _write(directory / name, clean)
    make_thumbnail(name)
    return name


def _write(path: Path, data: bytes) -> None:
    """Write a file whole or not at all (readers never see half of it)."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def thumbnail_path(name: str) -> Path:
    return image_directory() / "thumbs" / name


def make_thumbnail(name: str) -> Path | None:
    """The list thumbnail of a stored image (at most THUMB_SIDE pixels a side), made now if it is
    missing (images stored before thumbnails existed get theirs on first request); None when the
    image itself is gone."""
    path = thumbnail_path(name)
    if path.exists():
        return path
    try:
        with Image.open(image_directory() / name) as image:
            image.thumbnail((THUMB_SIDE, THUMB_SIDE))
            data, _ext = _encode(image, name.rsplit(".", 1)[1])
    except FileNotFoundError:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    _write(path, data)
    return path


def remove_image(name: str | None) -> None:
    """Delete a stored image and its thumbnail (after the commit that stopped using it); unknown
    names are ignored."""
    if name and STORED_NAME.match(name):
        (image_directory() / name).unlink(missing_ok=True)
        thumbnail_path(name).unlink(missing_ok=True)
