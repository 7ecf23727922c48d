"""Tables of the performance app."""
