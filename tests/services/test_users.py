from datetime import timedelta

import pytest

from quizengine.db.base import utcnow
from quizengine.db.models import AuditEvent, User
from quizengine.services import users
from quizengine.services.errors import AuthError, RateLimited, ValidationFailed
from quizengine.services.tokens import issue_token, read_token

LIMIT = (3, 60)


def test_create_user_hashes_the_password(session):
    user = users.create_user(session, username="ada", password="long enough", role="student")
    session.commit()
    stored = session.get(User, user.id)
    assert stored.password_hash != "long enough"
    assert stored.password_hash.startswith(("scrypt:", "pbkdf2:"))


@pytest.mark.parametrize(
    ("username", "password", "role", "fragment"),
    [
        ("", "long enough", "student", "Usernames"),
        ("bad name!", "long enough", "student", "Usernames"),
        ("ada", "short", "student", "at least 10"),
        ("ada", "long enough", "wizard", "Role must be"),
    ],
)
def test_create_user_refuses_bad_input(session, username, password, role, fragment):
    with pytest.raises(ValidationFailed) as info:
        users.create_user(session, username=username, password=password, role=role)
    assert any(fragment in m for m in info.value.messages)


def test_usernames_are_unique(session):
    users.create_user(session, username="ada", password="long enough")
    with pytest.raises(ValidationFailed, match="taken"):
        users.create_user(session, username="ada", password="long enough")


def _login(session, password, *, address="1.2.3.4", now=None):
    return users.authenticate(session, username="ada", password=password, address=address,
                              limit=LIMIT, now=now)


def test_authenticate_and_rate_limit_per_username_and_address(session):
    users.create_user(session, username="ada", password="long enough")
    assert _login(session, "long enough").username == "ada"
    for _ in range(3):
        with pytest.raises(AuthError):
            _login(session, "wrong password")
    with pytest.raises(RateLimited):
        _login(session, "long enough")
    # another address is not blocked; and the window passes
    assert _login(session, "long enough", address="5.6.7.8").username == "ada"
    later = utcnow() + timedelta(seconds=61)
    assert _login(session, "long enough", now=later).username == "ada"


def test_inactive_users_cannot_log_in(session):
    admin = users.create_user(session, username="root", password="long enough", role="admin")
    ada = users.create_user(session, username="ada", password="long enough")
    users.set_active(session, user_id=ada.id, active=False, actor_id=admin.id)
    with pytest.raises(AuthError):
        _login(session, "long enough")
    with pytest.raises(ValidationFailed):
        users.set_active(session, user_id=admin.id, active=False, actor_id=admin.id)


def test_set_role_is_audited(session):
    admin = users.create_user(session, username="root", password="long enough", role="admin")
    ada = users.create_user(session, username="ada", password="long enough")
    users.set_role(session, user_id=ada.id, role="instructor", actor_id=admin.id)
    session.commit()
    event = session.query(AuditEvent).one()
    assert (event.action, event.detail) == ("set_role", {"from": "student", "to": "instructor"})


def test_import_csv_creates_good_lines_and_reports_bad_ones(session):
    text = ("username,password,role\n"
            "amy,passphrase-1,student\n"
            "bob,short,student\n"
            "cat,passphrase-3,instructor\n"
            "amy,passphrase-4,student\n"
            "broken line\n")
    result = users.import_users_csv(session, text, actor_id=None)
    session.commit()
    assert result.created == ["amy", "cat"]
    assert [e.split(":")[0] for e in result.errors] == ["line 3", "line 5", "line 6"]
    assert {u.username: u.role for u in users.list_users(session)} == {
        "amy": "student", "cat": "instructor"}


def test_tokens_round_trip_and_expire():
    token = issue_token("secret", 42)
    assert read_token("secret", token, max_age=60) == 42
    assert read_token("other secret", token, max_age=60) is None
    assert read_token("secret", token + "x", max_age=60) is None
    assert read_token("secret", token, max_age=-1) is None


def test_active_identity_is_remembered_for_max_age_seconds(session, monkeypatch):
    user = users.create_user(session, username="ada", password="long enough")
    session.commit()
    clock = [1000.0]
    monkeypatch.setattr(users.time, "monotonic", lambda: clock[0])
    assert users.active_identity(session, user.id, max_age=5) == (user.id, "ada", "student")
    session.execute(User.__table__.update().values(role="admin"))  # another process's change
    session.commit()
    assert users.active_identity(session, user.id, max_age=5)[2] == "student"
    assert users.active_identity(session, user.id)[2] == "admin"  # max_age 0: always read
    clock[0] += 5.01
    assert users.active_identity(session, user.id, max_age=5)[2] == "admin"


def test_changes_made_in_this_process_take_effect_at_once(session, make_user):
    admin = users.create_user(session, username="boss", password="long enough", role="admin")
    user = users.create_user(session, username="ada", password="long enough")
    session.commit()
    assert users.active_identity(session, user.id, max_age=60)[2] == "student"
    users.set_role(session, user_id=user.id, role="instructor", actor_id=admin.id)
    session.commit()
    assert users.active_identity(session, user.id, max_age=60)[2] == "instructor"
    users.set_active(session, user_id=user.id, active=False, actor_id=admin.id)
    session.commit()
    assert users.active_identity(session, user.id, max_age=60) is None
