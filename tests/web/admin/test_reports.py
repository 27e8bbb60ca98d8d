import io
import re

from openpyxl import load_workbook

from quizengine.cli import cli


def _student_attempt(client, chain_quiz, answers_for):
    location = client.post(f"/quizzes/{chain_quiz}/attempts").headers["Location"]
    page = client.get(location).get_data(as_text=True)
    qid = int(re.search(r"/questions/(\d+)/submit", page).group(1))
    form = {f"answer-{p}": t for p, t in answers_for(qid).items()}
    client.post(f"/questions/{qid}/submit", data={**form, "idempotency_key": "k"})
    client.post(re.search(r'action="(/attempts/\d+/finish)"', page).group(1))


def test_grades_and_submissions_download(app, client, login_as, chain_quiz, answers_for):
    login_as("student", "sam")
    _student_attempt(client, chain_quiz, answers_for)
    client.post("/auth/logout")
    login_as("admin")
    assert "grades.csv" in client.get("/admin/reports").get_data(as_text=True)
    csv_text = client.get("/admin/reports/grades.csv").data.decode()
    header, row = csv_text.splitlines()
    assert header == "username,quiz_id,best,latest,mean,attempts,last_activity"
    assert row.startswith("sam,w1-chain-rule,50.0,50.0,50.0,1,")
    xlsx = client.get(f"/admin/reports/grades.xlsx?quiz={chain_quiz}")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [c.value for c in sheet[2]][:6] == ["sam", "w1-chain-rule", 50.0, 50.0, 50.0, 1]
    audit = client.get("/admin/reports/submissions.csv").data.decode().splitlines()
    assert len(audit) >= 2 and ",correct," in audit[1]
    assert client.get("/admin/reports/grades.pdf").status_code == 422


def test_export_grades_cli(runner, app, client, login_as, chain_quiz, answers_for, tmp_path):
    login_as("student", "sam")
    _student_attempt(client, chain_quiz, answers_for)
    result = runner.invoke(cli, args=["export", "grades", "--quiz", chain_quiz])
    assert result.exit_code == 0, result.output
    assert "sam,w1-chain-rule,50.0" in result.output
    out = tmp_path / "g.xlsx"
    result = runner.invoke(cli, args=["export", "grades", "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0 and load_workbook(out).active["A2"].value == "sam"
