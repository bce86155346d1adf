"""Backup and restore: the versioned JSON document (`format`), writing it (`export`) and
reading it back (`importer`).

It may import `workshop.actions`, `workshop.store` and `workshop.domain`; never another wing.
"""
