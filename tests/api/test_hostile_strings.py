"""Hostile strings in every slot of every API operation: never a server error.

A generator over the OpenAPI schema (the API's own, /api/schema/): for each operation, a valid-looking
body from its request schema, then that body with each of its values (and each key of a free-form
object) replaced by each hostile string — a lone surrogate, NUL, a right-to-left override, 10 kB of
text — and with every value hostile at once; each query parameter and each string path parameter the
same. Integer path parameters name real objects (tests/api/test_schemathesis.py's world), so that the
requests reach the views' parsing and validation, not a 404. The learner calls the learner's operations,
the mentor the mentor's; anonymous callers send the all-hostile bodies too. Bounded: about a thousand
requests (~1 min here), the destructive operations (DELETE, leaving) last.
"""

import copy
import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from django.core.cache import cache
from django.test import Client

from tests.api.test_schemathesis import real_path_parameters, unthrottled, world  # noqa: F401

HOSTILE = {
    "a lone surrogate": "\ud800",
    "a reversed surrogate pair": "\udc00\ud800",
    "NUL": "a\x00b",
    "a right-to-left override": "abc\u202egpj.exe",
    "10 kB": "x" * 10_240,
}
MAX_REQUESTS = 3000  # the bound by construction (~2,000 today with 80-odd operations), not a timing


def resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    if "allOf" in schema:
        merged: dict[str, Any] = {"type": "object", "properties": {}}
        for part in schema["allOf"]:
            merged["properties"].update(resolve(part, spec).get("properties", {}))
        return merged
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return resolve(schema[key][0], spec)
    return schema


def sample(schema: dict[str, Any], spec: dict[str, Any], depth: int = 0) -> Any:
    """A plausible value of the schema (read-only properties left out)."""
    schema = resolve(schema, spec)
    if "enum" in schema:
        return next((value for value in schema["enum"] if value is not None), None)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        value = {
            name: sample(sub, spec, depth + 1)
            for name, sub in schema.get("properties", {}).items()
            if not resolve(sub, spec).get("readOnly")
        }
        if not value and schema.get("additionalProperties") and depth < 4:
            value = {"key": sample(schema["additionalProperties"] or {}, spec, depth + 1)}
        return value
    if kind == "array":
        return [sample(schema.get("items", {}), spec, depth + 1)] if depth < 4 else []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return True
    if schema.get("format") == "date":
        return "2026-12-07"
    if schema.get("format") == "uri":
        return "https://example.com/a"
    return "text"


def slots(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, bool]]:
    """Where a hostile string can go: (path, is_key) for every leaf value and every object key."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield (*path, key), True
            yield from slots(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from slots(child, (*path, index))
    if not isinstance(value, dict | list) or not value:
        yield path, False


def replaced(body: Any, path: tuple, is_key: bool, hostile: str) -> Any:
    if not path:
        return hostile
    body = copy.deepcopy(body)
    parent = body
    for step in path[:-1]:
        parent = parent[step]
    if is_key:
        parent[hostile] = parent.pop(path[-1])
    else:
        parent[path[-1]] = hostile
    return body


def all_hostile(body: Any, hostile: str) -> Any:
    if isinstance(body, dict):
        return {key: all_hostile(child, hostile) for key, child in body.items()}
    if isinstance(body, list):
        return [all_hostile(child, hostile) for child in body]
    return hostile


def url_text(text: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def requests_for(operation: dict[str, Any], spec: dict[str, Any], path: str) -> Iterator[tuple[str, Any]]:
    """(URL, JSON body or None) for each hostile variant of one operation."""
    parameters = operation.get("parameters", [])
    content = operation.get("requestBody", {}).get("content", {})
    body_schema = (content.get("application/json") or content.get("multipart/form-data") or {}).get("schema")
    body = sample(body_schema, spec) if body_schema else None
    for hostile in HOSTILE.values():
        for parameter in parameters:
            if parameter["in"] == "query":
                yield f"{path}?{parameter['name']}={url_text(hostile)}", body
        if body is None:
            yield path, None
            continue
        for where, is_key in slots(body):
            yield path, replaced(body, where, is_key, hostile)
        yield path, all_hostile(body, hostile)


def operation_paths(template: str, operation: dict[str, Any], ids: dict[str, Any]) -> Iterator[str]:
    """The path with real ids, and once per hostile string in each string path parameter."""
    real = real_path_parameters(template, ids)
    path = template
    for name, value in real.items():
        path = path.replace("{" + name + "}", str(value))
    strings = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
    strings = [name for name in strings if "{" + name + "}" in path]
    yield path.replace("{", "").replace("}", "") if "{" in path else path
    for name in strings:
        for hostile in HOSTILE.values():
            yield path.replace("{" + name + "}", url_text(hostile))


def send(client: Client, method: str, url: str, body: Any, multipart: bool) -> int:
    cache.clear()  # log-in failure limits (the token endpoint) would answer 429s instead
    if body is None:
        return client.generic(method, url).status_code
    if multipart:
        fields = {str(key): str(value) for key, value in body.items()}
        try:  # a client sends bytes: a lone surrogate cannot be encoded into a form
            json.dumps(fields, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return 400
        return client.post(url, fields).status_code
    return client.generic(method, url, json.dumps(body), content_type="application/json").status_code


def order(item: tuple[str, str]) -> int:
    """What ends a session or an enrolment goes last, so that the other operations run with both."""
    path, method = item
    return int(method == "delete" or path.endswith("/leave/"))


def test_hostile_strings_in_every_slot_of_every_operation_are_never_a_server_error(
    world,  # noqa: F811
    unthrottled,  # noqa: F811
):
    started = time.monotonic()
    spec = Client().get("/api/schema/?format=json").json()
    clients = {role: Client(raise_request_exception=False) for role in ("learner", "mentor")}
    for role, client in clients.items():
        client.force_login(world[role])
    anonymous = Client(raise_request_exception=False)
    operations = [(path, method) for path, methods in spec["paths"].items() for method in methods]
    failures: list[str] = []
    sent: dict[str, int] = {}
    for template, method in sorted(operations, key=order):
        operation = spec["paths"][template][method]
        client = clients["mentor" if "/mentor/" in template or "/answers/" in template else "learner"]
        multipart = "multipart/form-data" in operation.get("requestBody", {}).get("content", {})
        label = f"{method.upper()} {template}"
        sent[label] = 0
        for path in operation_paths(template, operation, world["ids"]):
            variants = list(requests_for(operation, spec, path))
            for url, body in variants:
                status = send(client, method.upper(), url, body, multipart)
                sent[label] += 1
                if status >= 500:
                    failures.append(f"{label} {url[:120]} {json.dumps(body)[:200]}: {status}")
            for url, body in variants[-1:]:  # anonymous: refused, and never a server error either
                status = send(anonymous, method.upper(), url, body, multipart)
                if status >= 500:
                    failures.append(f"anonymous {label} {url[:120]}: {status}")
    elapsed = time.monotonic() - started
    print(f"\n{len(sent)} operations, {sum(sent.values())} requests, {elapsed:.0f} s")
    assert not failures, "\n".join(failures)
    assert len(sent) == len(operations) >= 50  # every operation of the schema
    assert all(count >= len(HOSTILE) for count in sent.values()), sent
    assert sum(sent.values()) <= MAX_REQUESTS
