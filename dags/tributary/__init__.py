"""Helpers for Tributary's DAGs: settings from the environment, the stores the checks read."""
