"""Hostile: os._exit(0) at import, so that the process ends 'successfully' before any check."""
import os

os._exit(0)
