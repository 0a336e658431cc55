"""/api/openapi.json: a valid OpenAPI 3.1 document that covers every endpoint and tells the truth."""

from __future__ import annotations

import copy
import re

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012

DOC_URI = "urn:expo-catalogue:openapi"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}


@pytest.fixture
def document(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.json


def strict(document: dict) -> dict:
    """A copy in which objects admit no undocumented properties, so the schemas are complete."""
    document = copy.deepcopy(document)

    def close(node):
        if isinstance(node, dict):
            if "properties" in node:
                node.setdefault("additionalProperties", False)
            for value in node.values():
                close(value)
        elif isinstance(node, list):
            for value in node:
                close(value)

    close(document["components"]["schemas"])
    close(document["paths"])
    return document


def escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def resolve(document: dict, node: dict) -> dict:
    """Follow a local $ref (such as #/components/responses/NotFound) to what it names."""
    while "$ref" in node:
        for part in node["$ref"].removeprefix("#/").split("/"):
            document = document[part.replace("~1", "/").replace("~0", "~")]
        node = document
    return node


class Contract:
    """Validates real responses against the schema the document gives their path and status."""

    def __init__(self, document: dict):
        self.document = strict(document)
        self.prefix = document["servers"][0]["url"]
        self.registry = Registry().with_resource(
            DOC_URI, DRAFT202012.create_resource(self.document)
        )

    def operation(self, path: str) -> tuple[str, dict]:
        for template, item in self.document["paths"].items():
            parts = re.split(r"(\{[^}]+\})", template)
            pattern = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
            if re.fullmatch(re.escape(self.prefix) + pattern, path):
                return template, item["get"]
        raise AssertionError(f"{path} is not documented")

    def check(self, response, path: str, body: object = None) -> None:
        template, operation = self.operation(path)
        status = str(response.status_code)
        assert status in operation["responses"], f"{status} of {template} is not documented"
        documented = resolve(self.document, operation["responses"][status])
        assert "application/json" in documented["content"]
        assert response.mimetype == "application/json"
        if "$ref" in operation["responses"][status]:
            where = operation["responses"][status]["$ref"].removeprefix("#")
        else:
            where = f"/paths/{escape(template)}/get/responses/{status}"
        schema = {"$ref": f"{DOC_URI}#{where}/content/application~1json/schema"}
        validator = Draft202012Validator(
            schema, registry=self.registry, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        errors = [
            f"{list(e.absolute_path)}: {e.message}"
            for e in validator.iter_errors(body or response.json)
        ]
        assert not errors, f"{path} ({status}) does not match its schema: {errors}"


def test_document_is_valid_openapi_3_1(document):
    validate(document)
    assert document["openapi"].startswith("3.1.")
    assert document["info"]["title"] and document["info"]["version"]
    assert document["servers"] == [{"url": "/api/v1"}]  # relative: works on any host


def test_every_api_rule_is_documented_and_nothing_else(app, document):
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            served |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }
    assert served == documented
    assert {path for path, _ in served} >= {
        "/exhibits", "/exhibits/{exhibit_id}", "/enterprises", "/enterprises/{enterprise_id}",
        "/categories",
    }  # fmt: skip


def test_parameters_document_their_types_and_limits(app, document):
    parameters = document["components"]["parameters"]
    per_page = parameters["per_page"]["schema"]
    assert per_page == {
        "type": "integer",
        "minimum": 1,
        "maximum": app.config["MAX_PER_PAGE"],
        "default": app.config["PER_PAGE"],
    }
    assert parameters["page"]["schema"]["minimum"] == 1
    assert parameters["enterprise"]["schema"]["type"] == "integer"
    listed = document["paths"]["/exhibits"]["get"]["parameters"]
    assert [resolve(document, p)["name"] for p in listed] == [
        "category", "enterprise", "hall", "page", "per_page",
    ]  # fmt: skip
    for template, item in document["paths"].items():
        path_names = set(re.findall(r"\{([^}]+)\}", template))
        parameters = [resolve(document, p) for p in item["get"]["parameters"]]
        in_path = {p["name"] for p in parameters if p["in"] == "path"}
        assert in_path == path_names


def test_schemas_cover_the_records_and_envelopes(document):
    schemas = document["components"]["schemas"]
    assert {"Exhibit", "Enterprise", "EnterpriseDetail", "CategoryNode", "ExhibitPage",
            "EnterprisePage", "Error"} <= set(schemas)  # fmt: skip
    assert schemas["CategoryNode"]["properties"]["children"]["items"] == {
        "$ref": "#/components/schemas/CategoryNode"
    }
    assert schemas["Error"]["required"] == ["error"]
    for path, item in document["paths"].items():
        if path not in ("/categories", "/suggest"):
            assert "404" in item["get"]["responses"], path
        if "{" not in path and path != "/categories":
            assert "400" in item["get"]["responses"], path


def test_real_responses_match_the_documented_schemas(
    client, document, make_category, make_enterprise, make_exhibit
):
    root = make_category(slug="integrated-circuits", name="Integrated circuits", name_zh="集成电路")
    chips = make_category(slug="chips", name="Chips", name_zh=None, parent=root)
    enterprise = make_enterprise(
        credit_code="91500000MA5U7JBP2H", website="https://example.com", description="芯片设计。"
    )
    exhibit = make_exhibit(
        enterprise=enterprise, category=chips, tags=["MCU", "芯片"], exhibit_code="X-1"
    )
    make_exhibit(enterprise=enterprise, category=None, name=None)
    make_enterprise(name=None, hall=None, booth=None)  # an enterprise with no exhibits

    contract = Contract(document)
    paths = {
        "/api/v1/exhibits": 200,
        "/api/v1/exhibits?category=integrated-circuits&per_page=1&page=2": 200,
        f"/api/v1/exhibits/{exhibit.id}": 200,
        "/api/v1/enterprises": 200,
        "/api/v1/enterprises?hall=N1&category=chips": 200,
        f"/api/v1/enterprises/{enterprise.id}": 200,
        "/api/v1/categories": 200,
        "/api/v1/exhibits?per_page=101": 400,
        "/api/v1/enterprises?page=0": 400,
        "/api/v1/exhibits?category=nope": 404,
        "/api/v1/enterprises?category=nope": 404,
        "/api/v1/exhibits/987654": 404,
        "/api/v1/enterprises/987654": 404,
        "/api/v1/exhibits/abc": 404,
    }
    for path, status in paths.items():
        response = client.get(path)
        assert response.status_code == status, path
        contract.check(response, path.split("?")[0])


def test_strict_schemas_catch_an_undocumented_field(client, document, make_exhibit):
    """The check above has teeth: a field the document does not name fails it."""
    exhibit = make_exhibit()
    response = client.get(f"/api/v1/exhibits/{exhibit.id}")
    body = {**response.json, "surprise": 1}
    with pytest.raises(AssertionError, match="surprise"):
        Contract(document).check(response, f"/api/v1/exhibits/{exhibit.id}", body)


def test_demo_catalogue_responses_match_the_documented_schemas(demo_client):
    document = demo_client.get("/api/openapi.json").json
    contract = Contract(document)
    for path in ("/api/v1/exhibits", "/api/v1/enterprises"):
        for page in (1, 2):
            response = demo_client.get(f"{path}?per_page=100&page={page}")
            contract.check(response, path)
    contract.check(demo_client.get("/api/v1/categories"), "/api/v1/categories")
    first = demo_client.get("/api/v1/enterprises?per_page=1").json["items"][0]["id"]
    contract.check(demo_client.get(f"/api/v1/enterprises/{first}"), f"/api/v1/enterprises/{first}")
