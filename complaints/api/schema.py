"""OpenAPI links between the API's operations, added to the schema drf-spectacular generates (a
postprocessing hook, settings.SPECTACULAR_SETTINGS): the tracking_code in a complaint's JSON is the
{code} of every operation on that complaint, and a slug in a list is the {slug} of its item. Clients
can follow them; the stateful schemathesis run (tests/api/test_schemathesis.py) chains calls along them,
so its sequences reach real complaints rather than 404s."""

COMPLAINTS = "/api/v1/complaints/"


def _operations(paths, wanted):
    return {op["operationId"]: op for path, ops in paths.items() if wanted(path) for op in ops.values()
            if isinstance(op, dict) and "operationId" in op}


def _response(paths, path, method, status):
    return paths.get(path, {}).get(method, {}).get("responses", {}).get(status)


def _link(response, targets, parameter, expression):
    if response is None:
        return
    links = response.setdefault("links", {})
    for operation_id in targets:
        links[operation_id] = {"operationId": operation_id, "parameters": {parameter: expression}}


def add_links(result, generator, request, public):
    paths = result.get("paths", {})
    on_a_complaint = _operations(paths, lambda p: "{code}" in p)
    code = "$response.body#/tracking_code"
    # One complaint and every action on it answer with the complaint; so does filing a new one.
    for path, ops in paths.items():
        if path.startswith(COMPLAINTS + "{code}/"):
            for op in ops.values():
                _link(op.get("responses", {}).get("200"), on_a_complaint, "code", code)
    _link(_response(paths, COMPLAINTS, "post", "201"), on_a_complaint, "code", code)
    _link(_response(paths, COMPLAINTS, "get", "200"), on_a_complaint, "code", "$response.body#/results/0/tracking_code")
    for listing in ("/api/v1/units/", "/api/v1/categories/"):
        items = _operations(paths, lambda p, listing=listing: p == listing + "{slug}/")
        _link(_response(paths, listing, "get", "200"), items, "slug", "$response.body#/0/slug")
    return result
