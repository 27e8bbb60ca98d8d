from quizengine.web.api.openapi import DOCUMENT

PASSWORD = "correct horse battery"


def _token(client, username="ada"):
    response = client.post("/api/v1/auth/login", json={"username": username,
                                                       "password": PASSWORD})
    assert response.status_code == 200, response.json
    return response.json["token"]


def test_login_returns_a_token_that_authenticates(client, make_user):
    make_user("ada")
    token = _token(client)
    response = client.get("/api/v1/quizzes", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json == []


def test_errors_are_json(client, make_user):
    make_user("ada")
    bad = client.post("/api/v1/auth/login", json={"username": "ada", "password": "nope"})
    assert bad.status_code == 401
    assert bad.json["error"]["code"] == "unauthorized"
    assert client.get("/api/v1/quizzes").json["error"]["code"] == "unauthorized"
    forged = client.get("/api/v1/quizzes", headers={"Authorization": "Bearer forged"})
    assert forged.status_code == 401
    token = _token(client)
    auth = {"Authorization": f"Bearer {token}"}
    missing = client.post("/api/v1/attempts/999/finish", headers=auth)
    assert missing.status_code == 404 and set(missing.json["error"]) >= {"code", "message"}
    assert client.post("/api/v1/questions/1/validate", headers=auth,
                       data="not json").status_code == 422
    assert client.get("/api/v1/nothing-here").json["error"]["code"] == "not_found"


def test_reports_need_staff(client, make_user):
    make_user("ada")
    response = client.get("/api/v1/reports/grades",
                          headers={"Authorization": f"Bearer {_token(client)}"})
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"


def test_openapi_documents_exactly_the_api_routes(app, client):
    document = client.get("/api/openapi.json").json
    assert document["openapi"] == "3.1.0"
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((path, method.lower()))
    documented = {(path, method) for path, ops in DOCUMENT["paths"].items() for method in ops}
    assert documented == routes


def test_openapi_references_resolve(client):
    document = client.get("/api/openapi.json").json

    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for item in node:
                yield from refs(item)

    for ref in refs(document):
        target = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        assert target


def test_an_unreachable_database_is_a_503_to_retry(client, make_user, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from quizengine.services import catalog

    make_user("ada")
    auth = {"Authorization": f"Bearer {_token(client)}"}

    def down(session):
        raise OperationalError("SELECT 1", {}, ConnectionError("server closed the connection"))

    monkeypatch.setattr(catalog, "list_quizzes", down)
    response = client.get("/api/v1/quizzes", headers=auth)
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    assert response.json["error"]["code"] == "unavailable"
