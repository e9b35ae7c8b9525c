"""oz-app: a self-hosted workspace, control plane and workers for AI coding agents."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("oz-app")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
