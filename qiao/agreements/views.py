"""Pages of this app; every rule is in services.py."""
