"""Visitor tools: the visit plan (/plan), hall maps (/halls/<hall>), QR codes and booth signs."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from catalogue.catalog import queries
from catalogue.catalog.models import MAX_ID
from catalogue.errors import CatalogueError, NotFound
from catalogue.search.request import MAX_QUERY_CHARS
from catalogue.visit import expo as expo_info
from catalogue.visit import halls as hall_maps
from catalogue.visit import plan as plans
from catalogue.visit import qr
from catalogue.visit import queries as visit_queries
from catalogue.web import text_arg

bp = Blueprint("visit", __name__)


class InvalidPlanChange(CatalogueError):
    code = "invalid_plan_change"
    status = 400


class PlanFull(CatalogueError):
    code = "plan_full"
    status = 409


def current_plan() -> plans.Plan:
    """The plan in this request's cookie (kept on the request: `g` may outlive it)."""
    if "catalogue.plan" not in request.environ:
        request.environ["catalogue.plan"] = plans.parse_plan(request.cookies.get(plans.COOKIE))
    return request.environ["catalogue.plan"]


@bp.app_context_processor
def plan_helpers() -> dict:
    return {"current_plan": current_plan, "expo": _expo, "hall_summaries": _hall_summaries}


def _expo() -> expo_info.Expo:
    """The configured expo, for the page's language (malformed dates are logged and left out)."""
    config, lang = current_app.config, g.get("lang", "en")
    try:
        return expo_info.expo(config, lang)
    except expo_info.InvalidExpoDates as error:
        current_app.logger.warning("Leaving the expo dates out: %s", error)
        return expo_info.expo({**config, "CATALOGUE_EXPO_DATES": ""}, lang)


def _hall_summaries() -> list[expo_info.HallSummary]:
    return expo_info.hall_summaries(visit_queries.hall_counts(), _hall_layouts(), g.get("lang", "en"))


@bp.get("/plan")
def plan():
    stops = _stops(current_plan())
    return render_template("visit/plan.html", stops=stops)


@bp.get("/plan.csv")
def plan_csv():
    header = [_("Hall"), _("Booth"), _("Enterprise"), _("Enterprise (Chinese)"), _("Exhibit"),
              _("Exhibit (Chinese)"), _("Exhibit code"), _("Address")]
    rows = []
    for stop in _stops(current_plan()):
        e = stop.enterprise
        where = [e.hall, e.booth, e.name, e.name_zh]
        if stop.chosen or not stop.exhibits:
            rows.append([*where, "", "", "", qr.public_url("catalog.enterprise", enterprise_id=e.id)])
        for x in stop.exhibits:
            rows.append([*where, x.name, x.name_zh, x.exhibit_code,
                         qr.public_url("catalog.exhibit", exhibit_id=x.id)])
    return Response(
        plans.csv_bytes(header, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="visit-plan.csv"'},
    )


@bp.post("/plan/add")
def plan_add():
    kind, item_id = _plan_item()
    plan = current_plan()
    if not plan.has(kind, item_id) and plan.full:
        raise PlanFull(_("Your plan is full (%(max)d items): remove something first.", max=plans.MAX_ITEMS))
    return _plan_changed(plan.add(kind, item_id), kind, item_id)


@bp.post("/plan/remove")
def plan_remove():
    kind, item_id = _plan_item()
    return _plan_changed(current_plan().remove(kind, item_id), kind, item_id)


@bp.get("/halls/<hall>")
def hall(hall: str):
    layouts = _hall_layouts()
    if not visit_queries.hall_exists(hall) and hall not in layouts:
        raise NotFound(_("There is no hall %(hall)s.", hall=hall))
    q, category = queries.clean_query(request.args.get("q", "")[:MAX_QUERY_CHARS]), text_arg("category")
    enterprises = visit_queries.hall_enterprises(hall)
    matches = visit_queries.matching_enterprise_ids(hall, q, category) if q or category else None
    layout = hall_maps.layout_for(hall, (e.booth for e in enterprises), layouts.get(hall))
    return render_template(
        "visit/hall.html",
        map=hall_maps.hall_map(layout, enterprises, matches),
        enterprises=sorted(enterprises, key=lambda e: (plans.natural_key(e.booth), e.id)),
        matches=matches,
        highlight=q,
        category=queries.get_category(category) if category else None,
        tree=queries.category_tree(),
        halls=queries.halls(),
    )


@bp.get("/exhibits/<id:exhibit_id>/qr.svg")
def exhibit_qr(exhibit_id: int):
    exhibit = queries.get_exhibit(exhibit_id)
    return _svg(qr.qr_svg(qr.public_url("catalog.exhibit", exhibit_id=exhibit.id), exhibit.display_name(g.lang)))


@bp.get("/enterprises/<id:enterprise_id>/qr.svg")
def enterprise_qr(enterprise_id: int):
    enterprise = queries.get_enterprise(enterprise_id)
    url = qr.public_url("catalog.enterprise", enterprise_id=enterprise.id)
    return _svg(qr.qr_svg(url, enterprise.display_name(g.lang)))


@bp.get("/enterprises/<id:enterprise_id>/sign")
def enterprise_sign(enterprise_id: int):
    enterprise = queries.get_enterprise(enterprise_id)
    return render_template(
        "visit/sign.html",
        enterprise=enterprise,
        url=qr.public_url("catalog.enterprise", enterprise_id=enterprise.id),
    )


def _stops(plan: plans.Plan) -> list[plans.Stop]:
    exhibits = visit_queries.exhibits_by_ids(plan.ids("exhibit"))
    enterprises = visit_queries.enterprises_by_ids(plan.ids("enterprise"))
    return plans.visit_order(enterprises, exhibits)


def _plan_item() -> tuple[str, int]:
    kind, raw = request.form.get("kind", ""), request.form.get("id", "")
    if kind not in plans.KINDS or not (raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID):
        raise InvalidPlanChange(_("Choose an exhibit or an enterprise to add to the plan."))
    item_id = int(raw)
    (queries.get_exhibit if kind == "exhibit" else queries.get_enterprise)(item_id)  # 404 if unknown
    return kind, item_id


def _plan_changed(plan: plans.Plan, kind: str, item_id: int):
    """The new plan in the cookie; JSON for the page's script, else back to the page."""
    if "application/json" in request.headers.get("Accept", ""):
        response = jsonify(
            in_plan=plan.has(kind, item_id),
            count=len(plan),
            message=_("Added to your visit plan.") if plan.has(kind, item_id) else _("Removed from your visit plan."),
        )
    else:
        response = redirect(_safe_next(request.form.get("next")), code=303)
    response.set_cookie(
        plans.COOKIE, plan.cookie_value(), max_age=plans.COOKIE_MAX_AGE,
        samesite="Lax", httponly=True, secure=request.is_secure,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _safe_next(target: str | None) -> str:
    """Back to a page of this site only (no other host, no scheme-relative address)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")) and target.isprintable():
        return request.script_root + target
    return url_for("visit.plan")


def _hall_layouts() -> dict[str, dict]:
    path = Path(current_app.instance_path) / "halls.json"
    try:
        return hall_maps.read_layouts(path)
    except hall_maps.InvalidHallLayout as error:
        current_app.logger.warning("Ignoring the hall layouts: %s", error)
        return {}


def _svg(data: bytes) -> Response:
    response = Response(data, mimetype="image/svg+xml")
    # the code holds the address: shared caches may keep it only when that is CATALOGUE_BASE_URL's,
    # not one taken from this request's Host
    shared = "public" if current_app.config.get("CATALOGUE_BASE_URL") else "private"
    response.headers["Cache-Control"] = f"{shared}, max-age=3600"
    return response
