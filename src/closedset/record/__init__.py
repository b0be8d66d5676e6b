"""The record: one append-only, signed Merkle log per organisation (formats.md "The record")."""
