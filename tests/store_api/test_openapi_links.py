"""Every OpenAPI link the API declares (server/openapi.py) is followed, deterministically, as a client would: the
next request is built from the link's runtime expressions over the previous request and answer. Each answer must
match its schema; each link must lead somewhere (2xx; the stale save: 412, with both versions kept). SQLite and
PostgreSQL. (The stateful schemathesis run follows the same links at random; this walk makes sure each one works.)"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import schemathesis

from chuanxa.server.openapi import LINKS

from .conftest import EXAMPLE_CSV, YEAR, World

#: What a link leaves out and the target needs: a required query parameter, or a body.
FILLERS: dict[str, dict[str, Any]] = {
    "provinceSummary": {"query": {"year": YEAR}}, "planProvinceTargets": {"query": {"year": YEAR}, "body": {}},
    "exportProvince": {"query": {"year": YEAR}}, "provinceReport": {"query": {"year": YEAR, "format": "html"}},
    "communeReport": {"query": {"format": "html"}}, "setTarget": {"body": {"share": 0.8, "year": 2030}},
    "changeUser": {"body": {"name": "Người mới"}},
}


@dataclass
class Call:
    operation: str
    path: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None


def _pointer(document: Any, pointer: str) -> Any:
    for part in pointer.strip("/").split("/") if pointer.strip("/") else []:
        document = document[int(part)] if isinstance(document, list) else document[part]
    return document


def _evaluate(expression: Any, call: Call, answer: Any) -> Any:
    """A runtime expression of the OpenAPI spec (the forms the API's links use), or a constant."""
    if isinstance(expression, dict):
        return {k: _evaluate(v, call, answer) for k, v in expression.items()}
    if not isinstance(expression, str) or not expression.startswith("$"):
        return expression
    if expression == "$request.body":
        return call.body
    where, _, rest = expression.partition("#")
    parts = where.split(".", 2)
    if parts[:2] == ["$response", "body"]:
        found = _pointer(answer.json(), rest)
        if found is None:
            raise LookupError(expression)  # null: nothing to follow
        return found
    if parts[:2] == ["$response", "header"]:
        return answer.headers[parts[2]]
    container = {"path": call.path, "query": call.query, "header": {k.lower(): v for k, v in call.headers.items()}}[parts[1]]
    return container[parts[2].lower() if parts[1] == "header" else parts[2]]


def succeeded(link: str, status: int) -> bool:
    """Where a link should lead: a stale save to 412 (once the save before it changed the data), the rest to 2xx."""
    return status == 412 if link == "SaveStale" else 200 <= status < 300


class Walker:
    def __init__(self, client: Any, headers: dict[str, str], document: dict[str, Any], schema: Any) -> None:
        self.client, self.auth, self.schema = client, headers, schema
        self.operations = {op["operationId"]: (method.upper(), path, op) for path, item in document["paths"].items() for method, op in item.items()}
        self.walked: set[tuple[str, str, str]] = set()
        self.outcomes: dict[str, list[int]] = {}

    def send(self, call: Call) -> Any:
        method, template, _ = self.operations[call.operation]
        url = template.format(**call.path)
        options: dict[str, Any] = {"params": call.query, "headers": self.auth | call.headers}
        if isinstance(call.body, dict) and "file" in call.body and isinstance(call.body["file"], tuple):
            options["files"] = call.body
        elif call.body is not None:
            options["json"] = call.body
        answer = self.client.request(method, url, **options)
        assert answer.status_code < 500, f"{method} {url}: {answer.status_code} {answer.text[:300]}"
        self.schema[template][method].validate_response(answer)
        return answer

    def _build(self, link: dict[str, Any], spec: dict[str, Any], call: Call, answer: Any) -> Call:
        target = link["operationId"]
        locations = {p["name"]: p["in"] for p in spec.get("parameters", [])}
        made = Call(target, query=dict(FILLERS.get(target, {}).get("query", {})), body=FILLERS.get(target, {}).get("body"))
        for parameter, expression in link.get("parameters", {}).items():
            where, _, named = parameter.rpartition(".")
            value = _evaluate(expression, call, answer)
            {"path": made.path, "query": made.query, "header": made.headers}[where or locations[named]][named] = value
        if "requestBody" in link:
            made.body = _evaluate(link["requestBody"], call, answer)
        return made

    def follow(self, call: Call, answer: Any) -> None:
        """Follow every link of `answer` not walked yet (successfully), depth first. Before a link that changes data, a
        GET source is asked again, so that what the link carries (an ETag, the next workflow step) is current."""
        links = LINKS.get(call.operation, {}).get(str(answer.status_code), {})
        for name, link in links.items():
            key = (call.operation, str(answer.status_code), name)
            if key in self.walked:
                continue
            target = link["operationId"]
            method, _, spec = self.operations[target]
            if method != "GET" and self.operations[call.operation][0] == "GET":
                answer = self.send(call)
            try:
                made = self._build(link, spec, call, answer)
            except (LookupError, ValueError):
                continue  # unresolvable here (an empty list, a commune without assessments): a later answer may resolve it
            result = self.send(made)
            self.outcomes.setdefault(name, []).append(result.status_code)
            if succeeded(name, result.status_code):
                self.walked.add(key)
                self.follow(made, result)
            # otherwise it led nowhere from here (a province with nothing assessed, a save that was not stale): it is
            # tried again from the next answer it belongs to, and what it answered is not followed further


def test_every_declared_link_leads_where_it_says(client: Any, auth: Any, world: World) -> None:
    from fastapi.testclient import TestClient

    assert isinstance(client, TestClient)
    admin = auth("admin")
    url = f"/api/v1/communes/{world.other}/assessments/{YEAR}/transitions"  # a recognition to list and follow
    for step in ({"action": "submit"}, {"action": "appraise"},
                 {"action": "recognise", "decision": {"number": "7/QĐ-UBND", "decided_on": "2024-12-20", "body": "UBND tỉnh"}}):
        assert client.post(url, json=step, headers=admin).status_code == 200
    document = client.get("/api/openapi.json").json()
    walker = Walker(client, admin, document, schemathesis.openapi.from_dict(document))
    saved = f"/api/v1/communes/{world.commune}/assessments/{YEAR}"
    etag = client.get(saved, headers=admin).headers["etag"]  # first a save that changes data: the ETag it used is stale after
    seeds = [Call("putAssessment", path={"code": world.commune, "year": YEAR}, headers={"If-Match": etag},
                  body={"values": {"full_immunisation_rate": 96.5}}),Call("listCommunes", query={"year": YEAR}), Call("listProvinces"), Call("listRecognitions"),
             Call("provinceSummary", path={"code": world.province}, query={"year": YEAR}),  # the first province has nothing to report
             Call("createToken", body={"name": "a program"}),
             Call("addUser", body={"login": "moi", "password": "mat-khau-moi", "role": "viewer", "province": world.province}),
             Call("importTable", query={"year": YEAR}, body={"file": ("bang.csv", EXAMPLE_CSV.read_bytes())})]
    for seed in seeds:
        walker.follow(seed, walker.send(seed))
    declared = {name for by_status in LINKS.values() for links in by_status.values() for name in links}
    assert declared <= set(walker.outcomes), f"never followed: {sorted(declared - set(walker.outcomes))}"
    assert {name: statuses for name, statuses in walker.outcomes.items() if not any(succeeded(name, s) for s in statuses)} == {}
    kinds = [r["kind"] for r in client.get(f"{saved}/revisions", headers=admin).json()]
    assert "conflict" in kinds  # the stale save is kept in the history
    imports = client.get(f"/api/v1/imports?year={YEAR}", headers=admin).json()
    assert len(imports) == 2  # the fixture's and the one the Commit link made from the dry run's file
