"""Notices: what happened that a person should know, on their home page and by e-mail."""
