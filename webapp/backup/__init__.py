"""Backups that restore: ``flask backup create|restore`` and ``flask check-files``."""
