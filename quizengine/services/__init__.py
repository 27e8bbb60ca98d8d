"""Use cases of quizengine: they take plain values and a SQLAlchemy ``Session``, never a request.

The caller (request teardown, CLI command, test fixture) owns the transaction and commits; services
only flush. Failures are typed (``quizengine.services.errors``) so the web layer picks the words
and the HTTP status.
"""
