import time
from sqlalchemy import event
from quizengine.db.base import utcnow
from quizengine.services import practice, users, submissions

def test_measure(app, imported_bank, answers_for):
    db = app.extensions["quizengine.db"].session
    engine = app.extensions["quizengine.db"].engine
    with db() as s, s.begin():
        uid = users.create_user(s, username="m", password="long enough").id
    stm = []
    event.listen(engine, "before_cursor_execute", lambda *a: stm.append(a[2]))
    def nxt(skip):
        with db() as s, s.begin():
            c = practice.next_question(s, user_id=uid, secret="x", now=utcnow(), threshold=0.95, skip=skip)
            return c.instance.id
    times = []
    for k in range(30):
        stm.clear(); t = time.perf_counter(); qid = nxt(True); times.append(time.perf_counter() - t)
        n_next = len(stm)
        stm.clear()
        with db() as s, s.begin():
            submissions.submit_answers(s, question_id=qid, user_id=uid, answers=answers_for(qid), idempotency_key="k")
        n_sub = len(stm)
    stm.clear(); nxt(False); n_pending = len(stm)
    times.sort()
    print(f"\nnext (new question): {n_next} statements; pending: {n_pending}; submit: {n_sub}; next p50 {times[15]*1000:.1f} ms max {times[-1]*1000:.1f} ms")
