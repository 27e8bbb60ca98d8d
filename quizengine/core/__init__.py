"""The pure maths core: parsing, checking, question templates and mastery (no I/O frameworks)."""
