"""One place that turns errors into pages or into the JSON error envelope."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from catalogue.catalog.errors import CatalogueError


def wants_json() -> bool:
    return request.path.startswith("/api/")


def envelope(code: str, message: str, status: int, headers: dict | None = None):
    return jsonify({"error": {"code": code, "message": message}}), status, headers or {}


def init_app(app: Flask) -> None:
    @app.errorhandler(CatalogueError)
    def catalogue_error(error: CatalogueError):
        if wants_json():
            return envelope(error.code, error.message, error.status)
        return render_template("errors/error.html", status=error.status, message=error.message), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = (error.name or "error").lower().replace(" ", "_")
        if wants_json():
            headers = {k: v for k, v in error.get_headers() if k.lower() == "allow"}
            return envelope(code, error.description or error.name, error.code or 500, headers)
        return (
            render_template("errors/error.html", status=error.code, message=error.description),
            error.code,
        )

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error on %s", request.path)
        return http_error(InternalServerError())
