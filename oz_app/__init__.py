"""oz-app: a self-hosted workspace, control plane and workers for AI coding agents."""

# The one place the version is written (pyproject.toml reads it). Asking importlib.metadata
# instead scans every installed distribution: about 0.2 s of each start-up.
__version__ = "0.1.0"
