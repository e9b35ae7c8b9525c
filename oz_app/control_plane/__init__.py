"""The control plane: the Oz REST API under ``/api/v1`` and the run service behind it."""
