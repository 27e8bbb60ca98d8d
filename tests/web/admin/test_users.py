import io

from quizengine.db.models import User


def _users(app):
    with app.extensions["quizengine.db"].session() as s:
        return {u.username: (u.role, u.is_active) for u in s.query(User)}


def test_admin_creates_changes_role_and_deactivates(app, client, login_as):
    login_as("admin")
    assert client.post("/admin/users", data={"username": "ada", "password": "long enough",
                                              "role": "student"}).status_code == 302
    with app.extensions["quizengine.db"].session() as s:
        ada_id = s.query(User.id).filter(User.username == "ada").scalar()
    client.post(f"/admin/users/{ada_id}/role", data={"role": "instructor"})
    client.post(f"/admin/users/{ada_id}/active", data={"active": "0"})
    assert _users(app)["ada"] == ("instructor", False)
    page = client.get("/admin/users").get_data(as_text=True)
    assert "ada" in page and "inactive" in page


def test_admin_imports_users_from_csv(app, client, login_as):
    login_as("admin")
    data = {"file": (io.BytesIO(b"username,password,role\nbo,passphrase-1,student\n"
                                b"cy,x,student\n"), "users.csv")}
    response = client.post("/admin/users/import", data=data,
                           content_type="multipart/form-data", follow_redirects=True)
    assert "Imported 1 user(s)" in response.get_data(as_text=True)
    assert "line 3" in response.get_data(as_text=True)
    assert _users(app)["bo"] == ("student", True)


def test_deactivated_user_is_logged_out(app, client, login_as, make_user):
    student_id = login_as("student")
    with app.extensions["quizengine.db"].session() as s, s.begin():
        s.get(User, student_id).is_active = False
    assert client.get("/history").status_code == 302
