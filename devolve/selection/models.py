"""Tables of the selection app."""
