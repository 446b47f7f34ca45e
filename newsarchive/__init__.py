"""Builder modules for the US–China news archive (see build_db.py)."""
