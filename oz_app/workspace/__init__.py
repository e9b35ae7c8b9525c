"""The NiceGUI workspace (WS-*); imported only when the UI is served."""
