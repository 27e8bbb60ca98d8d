"""Register, log in, log out (HTML forms; the API's token login is in ``api``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from quizengine.services import users
from quizengine.services.errors import AuthError, RateLimited, ValidationFailed
from quizengine.web.database import db_session
from quizengine.web.security import ANY_ROLE, SessionUser, role_required, safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    next_url = safe_next(request.values.get("next"), url_for("student.dashboard"))
    if current_user.is_authenticated:
        return redirect(next_url)
    if request.method == "GET":
        return render_template("auth/login.html", next=next_url)
    session = db_session()
    try:
        user = users.authenticate(
            session, username=request.form.get("username", ""),
            password=request.form.get("password", ""), address=request.remote_addr or "",
            limit=current_app.config["LOGIN_RATE_LIMIT"])
    except (AuthError, RateLimited) as error:
        session.commit()  # keep the failure count
        flash(error.message, "error")
        status = 429 if isinstance(error, RateLimited) else 401
        return render_template("auth/login.html", next=next_url,
                               username=request.form.get("username", "")), status
    session.commit()
    login_user(SessionUser.of(user))
    return redirect(next_url)


@bp.route("/register", methods=["GET", "POST"])
def register() -> Any:
    if request.method == "GET":
        return render_template("auth/register.html")
    session = db_session()
    password = request.form.get("password", "")
    if password != request.form.get("password2", ""):
        flash("The two passwords differ.", "error")
        return render_template("auth/register.html"), 422
    try:
        user = users.create_user(session, username=request.form.get("username", ""),
                                 password=password, role="student")
    except ValidationFailed as error:
        for message in error.messages:
            flash(message, "error")
        return render_template("auth/register.html"), 422
    session.commit()
    login_user(SessionUser.of(user))
    flash("Welcome! Your account is ready.", "success")
    return redirect(url_for("student.dashboard"))


@bp.route("/logout", methods=["POST"])
@role_required(*ANY_ROLE)
def logout() -> Any:
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
